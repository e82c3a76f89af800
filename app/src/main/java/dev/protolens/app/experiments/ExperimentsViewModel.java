package dev.protolens.app.experiments;

import dev.protolens.app.ui.Host;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.AppDirs;
import dev.protolens.engine.UserError;
import dev.protolens.engine.experiment.Experiment;
import dev.protolens.engine.experiment.ExperimentReport;
import dev.protolens.engine.experiment.ItemResult;
import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.experiment.PlanEstimate;
import dev.protolens.engine.experiment.PlanRunner;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.work.Durations;
import dev.protolens.engine.work.JobProgress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Experiments screen without its nodes: which experiment with which budget, its plan size, running it on the
 * open model (each fit an ordinary run; finished items kept, so Stop and a later Run continue), progress per item
 * with an ETA, and the report when it ends. Writes only from the host's UI thread.
 */
public final class ExperimentsViewModel {
    public enum State { IDLE, RUNNING, STOPPING, DONE, FAILED }

    /** One row of the items list. */
    public record ItemRow(String id, String group, String text, String status) {}

    private final Host host;
    private final Supplier<ModelSession> session;
    private final Consumer<RunningTask> begin;
    private final Consumer<RunningTask> end;
    private final ObservableList<Experiment> experiments = FXCollections.observableArrayList(Experiment.all());
    private final ObjectProperty<Experiment> experiment = new SimpleObjectProperty<>(Experiment.all().getFirst());
    private final BooleanProperty quick = new SimpleBooleanProperty(true);
    private final ObjectProperty<Integer> seeds = new SimpleObjectProperty<>();
    private final ObjectProperty<Integer> steps = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> folderRoot;
    private final ObjectProperty<State> state = new SimpleObjectProperty<>(State.IDLE);
    private final StringProperty planSummary = new SimpleStringProperty("");
    private final StringProperty progressLine = new SimpleStringProperty("");
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final ObservableList<ItemRow> items = FXCollections.observableArrayList();
    private final ObjectProperty<ExperimentReport> report = new SimpleObjectProperty<>();
    private final StringProperty problem = new SimpleStringProperty("");
    private volatile ExperimentJob job;

    public ExperimentsViewModel(Workbench wb) {
        this(wb.host(), wb::session, wb::beginTask, wb::endTask,
                AppDirs.library().toAbsolutePath().getParent().resolve("experiments"));
    }

    /** For tests: any session supplier and task sink. */
    public ExperimentsViewModel(Host host, Supplier<ModelSession> session, Consumer<RunningTask> begin,
                                Consumer<RunningTask> end, Path folderRoot) {
        this.host = host;
        this.session = session;
        this.begin = begin;
        this.end = end;
        this.folderRoot = new SimpleObjectProperty<>(folderRoot);
        experiment.addListener((o, a, b) -> describe());
        quick.addListener((o, a, b) -> describe());
        seeds.addListener((o, a, b) -> describe());
        steps.addListener((o, a, b) -> describe());
        describe();
    }

    public ObservableList<Experiment> experiments() {
        return experiments;
    }

    public ObjectProperty<Experiment> experimentProperty() {
        return experiment;
    }

    public BooleanProperty quickProperty() {
        return quick;
    }

    public ObjectProperty<Integer> seedsProperty() {
        return seeds;
    }

    public ObjectProperty<Integer> stepsProperty() {
        return steps;
    }

    public ObjectProperty<Path> folderRootProperty() {
        return folderRoot;
    }

    public ObjectProperty<State> stateProperty() {
        return state;
    }

    /** "N items, M fits; …" before a run, from the plan the current choices make. */
    public StringProperty planSummaryProperty() {
        return planSummary;
    }

    public StringProperty progressLineProperty() {
        return progressLine;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public ObservableList<ItemRow> items() {
        return items;
    }

    public ObjectProperty<ExperimentReport> reportProperty() {
        return report;
    }

    public StringProperty problemProperty() {
        return problem;
    }

    /** The folder this experiment's results and report go to: one per experiment and budget. */
    public Path folder() {
        return folderRoot.get().resolve(experiment.get().name() + (quick.get() ? "-quick" : ""));
    }

    /** The plan the current choices make (texts cut to the open model's tokens when a model is open). */
    public Plan plan() {
        ModelSession s = session.get();
        Experiment.Options o = new Experiment.Options(s != null ? s.model().path().toString() : "",
                quick.get(), ExperimentFiles.samples(), List.of(), seeds.get(), null, steps.get(), null,
                s != null ? t -> s.model().tokenizer().encode(t, false).size() : null);
        return experiment.get().plan(o);
    }

    private void describe() {
        if (state.get() == State.RUNNING || state.get() == State.STOPPING) {
            return;
        }
        try {
            Plan p = plan();
            Experiment e = experiment.get();
            String base = String.format(Locale.ROOT, "%d items, %d fits of at most %d steps each.%s", p.items().size(),
                    p.fitCount(), p.settings().steps(), e.gpuNote() != null && !quick.get() ? " " + e.gpuNote() : "");
            planSummary.set(base);
            problem.set("");
            estimate(p, base);
        } catch (RuntimeException ex) {
            planSummary.set("");
            problem.set(ex.getMessage());
        }
    }

    /**
     * Adds "at most … on this machine" to the summary: a few timed steps on the open model (skipped while it
     * fits), in the background; a newer plan's summary wins.
     */
    private void estimate(Plan p, String base) {
        ModelSession s = session.get();
        if (s == null || s.isFitting()) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                PlanEstimate.Estimate est = PlanEstimate.of(s, p);
                host.fx(() -> {
                    if (planSummary.get().equals(base)) {
                        planSummary.set(base + String.format(Locale.ROOT, " At most %s on this machine (%.1f ms per step"
                                + " at N = %d; fits that reach 100 %% stop earlier).",
                                Durations.format(est.upperBoundMillis()), est.msPerStepAtLongest(), est.longest()));
                    }
                });
            } catch (Exception ex) {
                // an estimate is a courtesy: without one the summary keeps the plan's size
            }
        }, "experiment-estimate");
        t.setDaemon(true);
        t.start();
    }

    /** Runs what is left of the plan on the open model, then writes and shows the report. */
    public void run() {
        ModelSession s = session.get();
        if (s == null) {
            host.error("No model", "Open a model first (Ctrl+O): the experiment fits on the open model.");
            return;
        }
        if (state.get() == State.RUNNING || state.get() == State.STOPPING) {
            return;
        }
        Plan plan;
        try {
            plan = plan();
        } catch (UserError ex) {
            host.error("Cannot plan the experiment", ex);
            return;
        }
        Experiment e = experiment.get();
        ExperimentJob j = new ExperimentJob(e, plan, s, folder(), null);
        job = j;
        items.setAll(plan.items().stream().map(it -> new ItemRow(it.id(), it.group(), it.textName(),
                j.results().isDone(it.id()) ? "done before" : "to do")).toList());
        report.set(null);
        problem.set("");
        state.set(State.RUNNING);
        progress.set(0);
        RunningTask task = new RunningTask(e.title(), this::stop);
        begin.accept(task);
        Thread t = new Thread(() -> {
            try {
                j.run(new Listener(task, plan.items().size()));
                ExperimentReport r = j.analyse();
                j.write(r);
                host.fx(() -> {
                    report.set(r);
                    state.set(r.complete() ? State.DONE : State.IDLE);
                    progressLine.set(r.complete() ? "done: report in " + j.results().dir()
                            : "stopped: " + r.itemsDone() + " of " + r.itemsPlanned() + " items done; Run continues");
                    end.accept(task);
                });
            } catch (Exception ex) {
                host.fx(() -> {
                    state.set(State.FAILED);
                    problem.set(dev.protolens.app.ui.Dialogs.describe(ex));
                    end.accept(task);
                });
            }
        }, "experiment-" + e.name());
        t.setDaemon(true);
        t.start();
    }

    /** Stops after the current fit; finished items stay, and the next Run continues from them. */
    public void stop() {
        ExperimentJob j = job;
        if (j != null && state.get() == State.RUNNING) {
            state.set(State.STOPPING);
            j.cancel();
        }
    }

    /** Writes the current plan for {@code protolens plan run} or a cluster. */
    /** Writes the plan the current choices make; false (after an error dialog) when it cannot. */
    public boolean writePlan(Path file) {
        try {
            plan().write(file);
            return true;
        } catch (Exception ex) {
            host.error("Cannot write the plan", ex);
            return false;
        }
    }

    private final class Listener implements PlanRunner.Listener {
        private final RunningTask task;
        private final int total;
        private long started;
        private int doneNow;
        private int doneBefore;
        private long lastLine;

        Listener(RunningTask task, int total) {
            this.task = task;
            this.total = total;
        }

        @Override
        public void started(List<Plan.Item> shardItems, int todo, int done) {
            started = System.currentTimeMillis();
            doneBefore = done;
        }

        private String eta(int left) {
            if (doneNow == 0) {
                return "ETA after the first item";
            }
            long per = (System.currentTimeMillis() - started) / doneNow;
            return "about " + Durations.format(per * left) + " left";
        }

        @Override
        public void itemStarted(Plan.Item item, int position, int todo) {
            set(item.id(), "fitting");
            line(String.format(Locale.ROOT, "item %d of %d: %s · %s", doneBefore + position + 1, total, item.id(),
                    eta(todo - position)));
        }

        @Override
        public void progress(Plan.Item item, JobProgress p) {
            long now = System.currentTimeMillis();
            if (now - lastLine > 250) {
                lastLine = now;
                set(item.id(), p.line());
            }
        }

        @Override
        public void memStep(PlanRunner.MemStep s) {
            long now = System.currentTimeMillis();
            if (now - lastLine > 250) {
                lastLine = now;
                set(s.item().id(), String.format(Locale.ROOT, "step %d/%d · teacher-forced best %.0f %% · loss %.3f",
                        s.step(), s.maxSteps(), 100 * s.bestAccuracy(), s.meanLoss()));
            }
        }

        @Override
        public void itemFinished(Plan.Item item, ItemResult r) {
            doneNow++;
            double f = (doneBefore + doneNow) / (double) total;
            String status = r.problem() != null ? r.problem() : r.fits().stream()
                    .map(x -> String.format(Locale.ROOT, "%d/%d", x.correctTokens(), x.length()))
                    .reduce((a, b) -> a + ", " + b).orElse("") + " tokens";
            set(item.id(), status);
            host.fx(() -> progress.set(f));
            task.update(f, item.id());
        }

        private void line(String s) {
            host.fx(() -> progressLine.set(s));
        }

        private void set(String id, String status) {
            host.fx(() -> {
                for (int i = 0; i < items.size(); i++) {
                    ItemRow row = items.get(i);
                    if (row.id().equals(id)) {
                        items.set(i, new ItemRow(row.id(), row.group(), row.text(), status));
                        return;
                    }
                }
            });
        }
    }
}
