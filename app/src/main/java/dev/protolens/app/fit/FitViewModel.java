package dev.protolens.app.fit;

import dev.protolens.app.ui.Host;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Screen;
import dev.protolens.app.ui.Tasks;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.TextCheck;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import dev.protolens.engine.work.FitJob;
import dev.protolens.engine.work.JobProgress;
import dev.protolens.engine.work.OpenedRun;
import dev.protolens.engine.work.SeedBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;

/**
 * The Fit screen without its nodes: the text, its live check, the running fit and its result, and the commands.
 * The work itself is the engine's {@link FitJob}; this class only turns its snapshots into what one frame shows.
 * Snapshots arrive on the job's progress thread and are parked in {@link FitFrames} for the view's frame loop,
 * which takes the newest once per frame: the header, the strip and the status bar then show the same snapshot.
 */
public final class FitViewModel {
    public enum Phase { IDLE, RUNNING, STOPPING, FINISHED }

    private final Workbench wb;
    private final Host host;
    private final FitSettings settings = new FitSettings();
    private final FitText text;
    private final BooleanProperty logLoss = new SimpleBooleanProperty(false);
    private final ReadOnlyObjectWrapper<Phase> phase = new ReadOnlyObjectWrapper<>(Phase.IDLE);
    private final ReadOnlyObjectWrapper<FitTarget> target = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<FitOutcome> outcome = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper("");
    private final FitFrames frames = new FitFrames(note::set);
    private FitJob running;
    private CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);

    public FitViewModel(Workbench wb) {
        this.wb = wb;
        this.host = wb.host();
        settings.restore(wb.settings().fit());
        this.text = new FitText(wb, settings);
        wb.sessionProperty().addListener((o, was, now) -> modelChanged());
        wb.setTextFileHandler(text::loadFile);
    }

    public FitSettings settings() {
        return settings;
    }

    /** The text to fit and its live check. */
    public FitText text() {
        return text;
    }

    public BooleanProperty logLossProperty() {
        return logLoss;
    }

    public ReadOnlyObjectProperty<Phase> phaseProperty() {
        return phase.getReadOnlyProperty();
    }

    public Phase phase() {
        return phase.get();
    }

    public boolean isBusy() {
        return phase.get() == Phase.RUNNING || phase.get() == Phase.STOPPING;
    }

    /** The text being fitted (or shown), tokenised: what the strip's cells are. */
    public ReadOnlyObjectProperty<FitTarget> targetProperty() {
        return target.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<FitOutcome> outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    /** A short line about what just happened ("checkpoint saved", "saved to the library as …"). */
    public ReadOnlyStringProperty noteProperty() {
        return note.getReadOnlyProperty();
    }

    /** What each frame shows of the fit: its snapshot, the curves, the alternatives (for the view's frame loop). */
    public FitFrames frames() {
        return frames;
    }

    // ---- commands ----

    /** Starts a fit of the text with the settings (Ctrl+Enter); a text that cannot be fitted says why inline. */
    public void fit() {
        ModelSession s = wb.session();
        if (s == null) {
            wb.showModelPicker();
            return;
        }
        if (isBusy() || wb.isFitting()) {
            return;
        }
        TextCheck check = text.checkNow(s);
        if (!check.fittable()) {
            return;
        }
        FitSpec spec = settings.spec();
        wb.updateSettings(x -> x.withFit(settings.remembered()).withLastText(text.textProperty().get()));
        launch(s, check.target(), settings.restarts(), l -> FitJob.start(s, wb.library(),
                SeedBatch.request(check.target(), spec, settings.restarts()), FitJob.Options.window(), l), null);
    }

    /** "Fit again with new seed": the next seeds no run of this text and model uses yet. */
    public void fitAgainWithNewSeed() {
        ModelSession s = wb.session();
        FitTarget t = target.get();
        if (s == null || t == null || isBusy()) {
            return;
        }
        int k = settings.restarts();
        Tasks.when(host, CompletableFuture.supplyAsync(() -> SeedBatch.nextSeed(wb.library().list().runs(),
                s.model().identity(), t.ids(), k), wb.io())).onSuccess(seed -> {
                    settings.seedProperty().set((int) Math.min(Integer.MAX_VALUE, seed));
                    fit();
                }).onErrorShow("Cannot fit again").start();
    }

    /** Continues the shown result from its optimiser state, for up to "max steps" more updates. */
    public void resume() {
        FitOutcome o = outcome.get();
        ModelSession s = wb.session();
        if (o == null || o.resumable().isEmpty() || s == null || isBusy() || wb.isFitting()) {
            return;
        }
        RunLibrary lib = wb.library();
        int more = settings.maxStepsProperty().get();
        List<FitHistory> before = o.histories();
        try {
            List<Run> stored = FitJob.resumable(lib, o.resumable(), s.model());
            launch(s, o.target(), stored.size(), l -> FitJob.resume(s, lib, stored, more, FitJob.Options.window(), l),
                    stored.size() == before.size() ? before : null);
        } catch (UserError e) {
            host.error("Cannot resume", e);
        }
    }

    /** Starts a job ({@code how} is given the listener its snapshots go to) and shows it until it ends. */
    private void launch(ModelSession s, FitTarget t, int items, Function<Consumer<JobProgress>, FitJob> how,
                        List<FitHistory> history) {
        RunningTask rt = new RunningTask("Fitting " + t.length() + " tokens", this::stop);
        rt.update(0, "starting");
        target.set(t);
        outcome.set(null);
        note.set("");
        frames.start(t.length(), items, history, rt);
        FitJob job;
        try {
            job = how.apply(frames::live);
        } catch (UserError e) {
            frames.stopped();
            host.error("Cannot start the fit", e);
            return;
        }
        running = job;
        phase.set(Phase.RUNNING);
        wb.beginTask(rt);
        settled = Tasks.when(host, job.outcome()).onSuccess(o -> show(FitOutcome.of(job, o))).onError(e -> {
            phase.set(outcome.get() != null ? Phase.FINISHED : Phase.IDLE);
            host.error("The fit failed", e);
        }).andFinally(() -> {
            running = null;
            frames.stopped();
            wb.endTask(rt);
            wb.libraryChanged();
        }).start().handle((o, e) -> null);
    }

    private void show(FitOutcome o) {
        target.set(o.target());
        outcome.set(o);
        phase.set(Phase.FINISHED);
        if (o.problem() != null) {
            host.error(o.decoded().getFirst() == null ? "The fit diverged" : "The result was not saved", o.problem());
        }
        Decoded best = o.bestDecoded();
        if (best == null) { // diverged: the curves up to the divergence stay, nothing is decoded
            frames.curves().replace(o.histories(), o.best());
            phase.set(Phase.IDLE);
            return;
        }
        String label = o.opened() != null ? o.opened().record().label() : null;
        note.set(o.job() == null ? "opened run " + o.ids().getFirst() + (label != null ? " “" + label + "”" : "")
                : o.saved() ? "saved" : "kept as a checkpoint until saved");
        frames.decoded(o.histories(), o.best(), best, o.status());
    }

    /** Stops the running fit before its next step (Esc); its best vectors become the result, resumable. */
    public void stop() {
        if (running != null && phase.get() == Phase.RUNNING) {
            running.cancel();
            phase.set(Phase.STOPPING);
        }
    }

    /** For closing the window: stops a running fit and completes once its result is kept in the library. */
    public CompletableFuture<Void> stopAndKeep() {
        stop();
        return settled;
    }

    /** "Save to library" (Ctrl+S): the finished records replace the checkpoints. */
    public CompletableFuture<Void> save() {
        FitOutcome o = outcome.get();
        if (o == null || o.saved() || isBusy()) {
            return CompletableFuture.completedFuture(null);
        }
        return Tasks.when(host, o.save(wb.library(), wb.io())).onSuccess(s -> {
            if (outcome.get() == o) {
                outcome.set(s);
            }
            note.set(s.ids().size() == 1 ? "saved to the library as " + s.ids().getFirst()
                    : "saved " + s.ids().size() + " runs to the library");
            wb.libraryChanged();
        }).onErrorShow("Could not save the run").start().handle((x, e) -> null);
    }

    /** "Copy vectors": e and m of the best item as JSON on the clipboard. */
    public void copyVectors() {
        FitOutcome o = outcome.get();
        if (o == null) {
            return;
        }
        host.copy(o.vectorsJson());
        note.set("copied e and m (" + o.vectors().get(o.best()).dim() + " values each) as JSON");
    }

    /**
     * Shows a run from the library: its text, settings, curves and, decoded with the open model, its strip and
     * result. Opens the run's model first when another one is open.
     */
    public void openRun(Run run) {
        if (isBusy()) {
            host.error("A fit is running", "Stop the running fit (Esc) before opening a run.");
            return;
        }
        RunRecord r = run.record();
        ModelSession s = wb.session();
        if (s == null || !r.model().identity().equals(s.model().identity())) {
            try { // switching models closes the open one: never silently
                Path modelPath = RunRecords.modelPath(r, "open that model (Ctrl+O) to show this run");
                if (s == null || host.confirm("Open another model?", "Run " + r.id() + " was fitted with "
                        + r.model().name() + ". Showing it opens that model in place of " + s.model().name() + ".",
                        "Open " + r.model().name())) {
                    wb.openModel(modelPath).thenRun(() -> host.fx(() -> openRun(run)));
                }
            } catch (UserError e) {
                host.error("The run's model is not available", e);
            }
            return;
        }
        CompletableFuture<OpenedRun> opening;
        try {
            opening = OpenedRun.open(s, run);
        } catch (UserError e) {
            host.error("Cannot show the run", e);
            return;
        }
        text.textProperty().set(r.text());
        settings.show(RunRecords.spec(r.settings()));
        settings.restartsProperty().set(1);
        Tasks.when(host, opening).onSuccess(o -> {
            frames.clear();
            show(FitOutcome.opened(o));
            wb.screenProperty().set(Screen.FIT);
        }).onErrorShow("Cannot show the run").start();
    }

    /** The model changed: the shown result belongs to the old one (it is in the library either way). */
    private void modelChanged() {
        if (!isBusy()) {
            outcome.set(null);
            target.set(null);
            phase.set(Phase.IDLE);
            frames.clear();
        }
        text.recheck();
    }
}
