package dev.protolens.app.fit;

import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.FitJob;
import dev.protolens.engine.work.OpenedRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What the Fit screen shows as a result: a finished fit (its job's outcome) or a run opened from the library.
 *
 * @param job      the finished job (null for an opened run); saving and resuming go through it
 * @param opened   the run opened from the library (null for a fresh fit)
 * @param resumable the ids of the runs "Resume" continues (empty when nothing can)
 */
public record FitOutcome(FitTarget target, FitSpec spec, List<ProtoTokens> vectors, List<Decoded> decoded,
                         List<Long> seeds, int best, double hLm, int updates, long millis, String status,
                         String problem, List<String> ids, boolean saved, List<String> resumable,
                         List<FitHistory> histories, FitJob job, Run opened) {

    public Decoded bestDecoded() {
        return decoded.get(best);
    }

    static FitOutcome of(FitJob job, FitJob.Outcome o) {
        FitResult r = o.result();
        List<ProtoTokens> vectors = new ArrayList<>();
        List<String> resumable = new ArrayList<>();
        for (FitResult.Item it : r.items()) {
            vectors.add(new ProtoTokens(it.e(), it.m()));
            if (o.resumable(it.index())) {
                resumable.add(o.ids().get(it.index()));
            }
        }
        int best = o.best();
        return new FitOutcome(r.items().get(best).target(), o.request().spec(), vectors, o.decoded(),
                r.items().stream().map(FitResult.Item::seed).toList(), best, o.hLm()[best], r.updates(),
                o.elapsedMillis(), statusText(r), o.problem(), o.ids(), o.saved(), resumable,
                r.items().stream().map(FitResult.Item::history).toList(), job, null);
    }

    static FitOutcome opened(OpenedRun o) {
        Run run = o.run();
        FitHistory history = o.history();
        RunRecord r = run.record();
        RunRecord.Metrics mt = r.metrics();
        int updates = mt != null ? mt.updates() : Math.max(0, history.length() - 1);
        long millis = r.timings() != null ? r.timings().millis() : 0;
        String status = r.isCheckpoint() ? "checkpoint (unsaved) at step " + updates : r.status().replace('_', ' ');
        List<String> resumable = run.resumeState() != null && (mt == null || !mt.reached() || r.isCheckpoint())
                ? List.of(r.id()) : List.of();
        return new FitOutcome(o.target(), o.spec(), List.of(run.vectors()), List.of(o.decoded()),
                List.of(r.settings().seed()), 0, o.hLm(),
                updates, millis, status, null, List.of(r.id()), !r.isCheckpoint(), resumable, List.of(history), null,
                run);
    }

    /**
     * Keeps this result in the library: a fresh fit through its job (the records replace the checkpoints), an
     * opened checkpoint by finishing its stored run. Completes with the saved outcome.
     */
    CompletableFuture<FitOutcome> save(RunLibrary library, Executor io) {
        return job != null ? job.save().thenApply(this::saved) : CompletableFuture.supplyAsync(() ->
                savedOpened(FitJob.finishStored(library, opened, bestDecoded(), hLm)), io);
    }

    /** e and m of the best item, with the text, as one JSON object ("Copy vectors"). */
    String vectorsJson() {
        ProtoTokens v = vectors.get(best);
        return "{\"text\": " + RunLibrary.JSON.writeValueAsString(target.text()) + ", \"e\": "
                + Arrays.toString(v.e()) + ", \"m\": " + Arrays.toString(v.m()) + "}";
    }

    private FitOutcome saved(FitJob.Outcome o) {
        return new FitOutcome(target, spec, vectors, decoded, seeds, best, hLm, updates, millis, status, problem,
                o.ids(), true, resumable.stream().filter(o.ids()::contains).toList(), histories, job, opened);
    }

    private FitOutcome savedOpened(Run run) {
        return new FitOutcome(target, spec, vectors, decoded, seeds, best, hLm, updates, millis,
                run.record().status().replace('_', ' '), problem, ids, true,
                run.resumeState() != null ? ids : List.of(), histories, job, run);
    }

    private static String statusText(FitResult r) {
        FitResult.Item b = r.best();
        return switch (r.status()) {
            case REACHED -> "reached 100 % after " + b.stepsToReach() + " steps";
            case MAX_STEPS -> b.reached() ? "reached after " + b.stepsToReach() + " steps" : "ran all " + r.updates()
                    + " steps";
            case CANCELLED -> b.reached() ? "reached after " + b.stepsToReach() + " steps" : "stopped after "
                    + r.updates() + " steps";
            case DIVERGED -> "diverged after " + r.updates() + " steps";
        };
    }
}
