package dev.protolens.app.atlas;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Tasks;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.UserError;
import dev.protolens.engine.analysis.RunSpace;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.Durations;
import dev.protolens.engine.work.FitJob;
import dev.protolens.engine.work.MapColouring;
import dev.protolens.engine.work.SeedBatch;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.layout.GridPane;

/**
 * The Atlas's "Fit seeds…": its dialog, with the time the batch would take measured before it starts; then K new
 * seeds of each selected run's text, fitted as one {@link SeedBatch} by a {@link FitJob} on the open model and added
 * to the map. Progress and a stop button are in the status bar.
 */
public final class AtlasSeeds {
    private final Workbench wb;
    private final List<Run> selection;
    private final Supplier<RunSpace> space;
    private final Supplier<CompletableFuture<Void>> refresh;
    private final Consumer<String> message;
    private final ReadOnlyBooleanWrapper fitting = new ReadOnlyBooleanWrapper(false);

    AtlasSeeds(Workbench wb, List<Run> selection, Supplier<RunSpace> space, Supplier<CompletableFuture<Void>> refresh,
               Consumer<String> message) {
        this.wb = wb;
        this.selection = selection;
        this.space = space;
        this.refresh = refresh;
        this.message = message;
    }

    /** True while "Fit seeds…" runs. */
    public ReadOnlyBooleanProperty fittingProperty() {
        return fitting.getReadOnlyProperty();
    }

    /** The texts "Fit seeds…" would fit: those of the selected runs, each once. */
    public List<String> texts() {
        return selection.stream().map(r -> r.record().text()).distinct().toList();
    }

    /**
     * Fits {@code k} new seeds of each selected run's text in one batch (with one m shared by all of them when
     * {@code sharedM}, the paper's setting for paths) and adds them to the library; completes with the new runs.
     */
    public CompletableFuture<List<Run>> fit(int k, boolean sharedM, int maxSteps) {
        CompletableFuture<List<Run>> done = new CompletableFuture<>();
        try {
            start(k, sharedM, maxSteps, done);
        } catch (UserError e) {
            wb.host().error("Cannot fit seeds", e);
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * The "Fit seeds…" dialog: how many seeds, the most updates, one shared m; and, before the user starts, what the
     * batch would cost on this machine ("at most about 2 min"), from a few updates timed on the open model.
     */
    public void ask() {
        List<String> texts = texts();
        Dialog<ButtonType> d = new Dialog<>();
        d.setTitle("Fit seeds");
        d.setHeaderText("Fit new seeds of " + (texts.size() == 1 ? "“" + MapColouring.oneLine(texts.getFirst()) + "”"
                : texts.size() + " texts") + " in one batch");
        d.getDialogPane().setId("seeds-dialog");
        Spinner<Integer> k = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 32, 8));
        k.setId("seeds-k");
        k.setEditable(true);
        CheckBox shared = new CheckBox("One m shared by all of them (the paper's setting for paths)");
        shared.setId("seeds-shared-m");
        shared.setSelected(true);
        Spinner<Integer> steps = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(10, 100_000,
                FitSpec.MAX_STEPS, 500));
        steps.setId("seeds-steps");
        steps.setEditable(true);
        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(8);
        g.addRow(0, new Label(texts.size() == 1 ? "Seeds" : "Seeds per text"), k);
        g.addRow(1, new Label("Max steps"), steps);
        g.add(shared, 0, 2, 2, 1);
        Label estimate = new Label("Timing a few updates on this machine to estimate how long it takes…");
        estimate.setId("seeds-estimate");
        estimate.setWrapText(true);
        estimate.setMaxWidth(440);
        g.add(estimate, 0, 3, 2, 1);
        Label note = new Label("The settings (learning rate, arrangement, init) are those of run A. Each seed stops"
                + " early once it writes the whole text; the batch ends when all have.");
        note.setWrapText(true);
        note.getStyleClass().add("muted");
        note.setMaxWidth(440);
        g.add(note, 0, 4, 2, 1);
        d.getDialogPane().setContent(g);
        ButtonType fit = new ButtonType("Fit", ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().setAll(fit, ButtonType.CANCEL);
        Dialogs.prepare(d, wb.window());
        d.setResultConverter(b -> b);

        CompletableFuture<UpdateTime> timed = timeUpdates(texts.size() * k.getValue(), shared.isSelected());
        Runnable show = () -> timed.whenComplete((t, err) -> wb.host().fx(() -> {
            if (err != null) {
                estimate.setText("No time estimate: " + Dialogs.describe(err));
                estimate.getStyleClass().setAll("label", "warn-text");
                return;
            }
            int n = texts.size() * k.getValue();
            estimate.setText(t.describe(n, steps.getValue()));
        }));
        k.valueProperty().addListener((o, was, now) -> show.run());
        steps.valueProperty().addListener((o, was, now) -> show.run());
        show.run();
        d.showAndWait().filter(b -> b == fit).ifPresent(b -> {
            k.increment(0);
            steps.increment(0);
            fit(k.getValue(), shared.isSelected(), steps.getValue());
        });
    }

    /**
     * How long one update of a batch of {@code seeds} seeds took here: the measure of the estimate. Other batch
     * sizes are scaled in proportion (on the CPU a batch of K costs about K single seeds for a 135M model, less for
     * small ones), and every seed is counted for all its updates although most stop early: an upper bound.
     */
    record UpdateTime(int seeds, double millisPerUpdate) {
        long millisFor(int n, int maxSteps) {
            return Math.round(millisPerUpdate * n / seeds * maxSteps);
        }

        String describe(int n, int maxSteps) {
            return "At most " + Durations.about(millisFor(n, maxSteps)) + " on this machine: " + n + " seeds × "
                    + maxSteps + " updates, from 5 updates of " + seeds + " seeds timed now ("
                    + String.format(java.util.Locale.ROOT, "%.1f", millisPerUpdate) + " ms each). Seeds that write"
                    + " the whole text stop earlier.";
        }
    }

    /** Times 5 updates of a batch of up to {@value SeedBatch#ESTIMATE_FROM} of the seeds, on the model's worker. */
    CompletableFuture<UpdateTime> timeUpdates(int n, boolean sharedM) {
        FitRequest request;
        ModelSession s;
        try {
            s = checkCanFit();
            request = SeedBatch.moreSeeds(s.model(), selection.stream().map(Run::record).toList(),
                    space.get().runs().stream().map(Run::record).toList(), 1, sharedM, 1000);
        } catch (UserError e) {
            return CompletableFuture.failedFuture(e);
        }
        int probe = Math.min(Math.max(n, 1), SeedBatch.ESTIMATE_FROM);
        // the longest text: its updates cost the most, so the estimate stays an upper bound for a mix of texts
        FitTarget longest = request.targets().stream().max(java.util.Comparator.comparingInt(FitTarget::length))
                .orElseThrow();
        // estimateMillis waits for the model's worker: on a thread of its own, not the FX thread or the I/O queue
        return CompletableFuture.supplyAsync(() -> new UpdateTime(probe,
                        SeedBatch.estimateMillis(s, longest, request.spec(), probe) / 1000.0),
                r -> Thread.ofVirtual().name("seeds-estimate").start(r));
    }

    /** The open model, when it can fit more seeds of the selection now; else what stands in the way, in words. */
    private ModelSession checkCanFit() {
        if (selection.isEmpty()) {
            throw new UserError("Select a run on the map first: \"Fit seeds…\" fits new seeds of the selected runs' texts.");
        }
        ModelSession s = wb.session();
        RunRecord first = selection.getFirst().record();
        if (s == null || !s.model().identity().equals(first.model().identity())) {
            throw new UserError("These runs were fitted with " + first.model().name() + ", which is not the open model."
                    + " Open it (Ctrl+O) to fit more seeds of them.");
        }
        if (wb.isFitting()) {
            throw new UserError("A fit is running on " + s.model().name() + ". Wait for it or stop it first.");
        }
        return s;
    }

    private void start(int k, boolean sharedM, int maxSteps, CompletableFuture<List<Run>> done) {
        ModelSession s = checkCanFit();
        FitRequest request = SeedBatch.moreSeeds(s.model(), selection.stream().map(Run::record).toList(),
                space.get().runs().stream().map(Run::record).toList(), k, sharedM, maxSteps);
        List<String> texts = texts();
        String what = request.size() + " seeds of " + (texts.size() == 1
                ? "“" + MapColouring.oneLine(texts.getFirst()) + "”" : texts.size() + " texts");
        FitJob[] job = {null};
        RunningTask rt = new RunningTask("Fitting " + what, () -> job[0].cancel());
        rt.update(0, "starting");
        job[0] = FitJob.start(s, wb.library(), request, FitJob.Options.cli(),
                p -> rt.update(p.maxSteps() > 0 ? (double) p.step() / p.maxSteps() : -1, p.line() + " · "
                        + p.reached() + " of " + p.items().size() + " reached"));
        wb.beginTask(rt);
        fitting.set(true);
        Tasks.when(wb.host(), job[0].outcome().thenApplyAsync(o -> {
            if (o.problem() != null) {
                throw new UserError(o.problem());
            }
            return o.ids().stream().filter(Objects::nonNull).map(id -> wb.library().load(id)).toList();
        }, wb.io())).onSuccess(saved -> {
            long reached = saved.stream().filter(r -> r.record().metrics() != null && r.record().metrics().reached())
                    .count();
            message.accept("added " + saved.size() + " runs (" + reached + " reached 100 %)");
            refresh.get().thenRun(() -> done.complete(saved));
        }).onError(err -> {
            wb.host().error("Fitting seeds failed", err);
            done.completeExceptionally(err);
        }).andFinally(() -> {
            wb.endTask(rt);
            fitting.set(false);
            wb.libraryChanged();
        }).start();
    }
}
