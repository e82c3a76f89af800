package dev.protolens.engine.store;

import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitStart;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.fit.WarmVectors;
import dev.protolens.engine.model.LoadedModel;
import java.util.ArrayList;
import java.util.List;

/** Warm starts from the library: the earlier solutions of the model a fit is about to use. */
public final class WarmStarts {
    /** Enough solutions for a stable mean; reading more only costs time at the start of a fit. */
    static final int MAX_SOLUTIONS = 64;

    private WarmStarts() {}

    /**
     * The complete runs of this model (same identity) in the library, newest first, at most
     * {@link #MAX_SOLUTIONS}; runs whose files do not load are passed over (the Library screen reports them).
     */
    public static List<WarmVectors.Solution> solutions(RunLibrary lib, LoadedModel model) {
        List<RunRecord> runs = completeRuns(lib, model);
        List<WarmVectors.Solution> out = new ArrayList<>();
        for (RunRecord r : runs) {
            if (out.size() >= MAX_SOLUTIONS) {
                break;
            }
            try {
                Run run = lib.load(r.id());
                out.add(new WarmVectors.Solution(r.id(), r.tokenIds(), run.vectors().e(), run.vectors().m()));
            } catch (RuntimeException e) {
                // a damaged run is the Library's to report; a warm start just does without it
            }
        }
        return out;
    }

    private static List<WarmVectors.Solution> nearest(RunLibrary lib, LoadedModel model, long[] tokens) {
        List<RunRecord> runs = completeRuns(lib, model);
        runs.sort((a, b) -> Double.compare(WarmVectors.similarity(tokens, b.tokenIds()),
                WarmVectors.similarity(tokens, a.tokenIds())));
        for (RunRecord r : runs) {
            try {
                Run run = lib.load(r.id());
                return List.of(new WarmVectors.Solution(r.id(), r.tokenIds(), run.vectors().e(), run.vectors().m()));
            } catch (RuntimeException e) {
                // damaged: the next nearest
            }
        }
        return List.of();
    }

    /** The complete runs of this model, newest first. */
    private static List<RunRecord> completeRuns(RunLibrary lib, LoadedModel model) {
        List<RunRecord> runs = new ArrayList<>(lib.list().runs());
        runs.removeIf(r -> !"complete".equals(r.status()) || r.model() == null || r.tokenIds() == null
                || !model.identity().equals(r.model().identity()));
        runs.sort((a, b) -> String.valueOf(b.createdAt()).compareTo(String.valueOf(a.createdAt())));
        return runs;
    }

    /**
     * The request as it should start: unchanged for the paper's start or an empty library, else starting from the
     * warm vectors, with the spec's start naming where they came from (so the run's record says it).
     */
    public static FitRequest apply(FitRequest req, RunLibrary lib, LoadedModel model, Fitter fitter) {
        FitStart start = req.spec().start();
        if (start.warm() == FitStart.Warm.NONE || lib == null || req.start() != null) {
            return req;
        }
        long[] tokens = req.targets().getFirst().ids();
        // nearest needs one run's vectors: choose it by the records' tokens and load only that one, since this
        // runs before the fit starts (in the window, on the thread that pressed Fit)
        List<WarmVectors.Solution> from = start.warm() == FitStart.Warm.NEAREST
                ? nearest(lib, model, tokens) : solutions(lib, model);
        WarmVectors warm = WarmVectors.of(start.warm(), from, tokens);
        if (warm == null) {
            FitRequest plain = new FitRequest(req.targets(), req.spec().withStart(start.withWarmSource(
                    "library has no solution of this model: random")), null);
            return plain;
        }
        FitRequest named = new FitRequest(req.targets(), req.spec().withStart(start.withWarmSource(warm.source())), null);
        return named.startingFrom(fitter.initialState(named, warm));
    }
}
