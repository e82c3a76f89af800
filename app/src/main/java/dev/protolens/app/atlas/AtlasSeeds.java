package dev.protolens.app.atlas;

import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Tasks;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.UserError;
import dev.protolens.engine.analysis.RunSpace;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
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

/**
 * The Atlas's "Fit seeds…": K new seeds of each selected run's text, fitted as one {@link SeedBatch} by a
 * {@link FitJob} on the open model, then added to the map. Progress and a stop button are in the status bar.
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

    private void start(int k, boolean sharedM, int maxSteps, CompletableFuture<List<Run>> done) {
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
