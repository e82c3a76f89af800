package dev.protolens.engine.work;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * K seeds of one text fitted in one batch, each its own e and, in the paper's setting for paths between
 * solutions, one shared m. Item i uses seed + i, so a batch equals K lone fits (or one solution with one m).
 */
public final class SeedBatch {
    /**
     * The most seeds in one batch. A batch of K costs K times the memory and time of one fit per step, and a
     * typo (100000) would otherwise allocate for minutes before the first step; more seeds are more batches.
     */
    public static final int MAX_SEEDS = 1024;

    private SeedBatch() {}

    /** Checks K (and that a shared m has someone to share it with) with a message that names the limit. */
    public static void checkSize(int k, boolean sharedM) {
        if (k < 1 || k > MAX_SEEDS) {
            throw new UserError("The number of seeds (restarts) must be between 1 and " + MAX_SEEDS + ", got " + k
                    + ": a batch of K seeds costs K times the memory of one fit. For more, run several batches with"
                    + " different --seed values.");
        }
        if (sharedM && k < 2) {
            throw new UserError("A shared m needs at least 2 seeds (--restarts 2 or more).");
        }
    }

    /** The request for K seeds of the target from spec.seed() on; spec.sharedM() says whether m is one. */
    public static FitRequest request(FitTarget target, FitSpec spec, int k) {
        checkSize(k, spec.sharedM());
        return k == 1 ? FitRequest.single(target, spec.withSharedM(false)) : FitRequest.seeds(target, spec, k);
    }

    /**
     * The first seed s such that s … s+k-1 are all unused by the given runs of this model and text, so "fit
     * again with new seeds" never repeats a solution already in the library.
     */
    public static long nextSeed(Collection<RunRecord> runs, String modelIdentity, long[] tokenIds, int k) {
        Set<Long> used = new HashSet<>();
        for (RunRecord r : runs) {
            if (r.settings() != null && r.model() != null && modelIdentity.equals(r.model().identity())
                    && Arrays.equals(tokenIds, r.tokenIds())) {
                used.add(r.settings().seed());
            }
        }
        long s = 0;
        while (true) {
            boolean free = true;
            for (int i = 0; i < k; i++) {
                if (used.contains(s + i)) {
                    free = false;
                    s = s + i + 1;
                    break;
                }
            }
            if (free) {
                return s;
            }
        }
    }

    /**
     * "Fit more seeds" of stored runs: K new seeds of each of their texts in one batch, with the first run's
     * settings, seeds after every seed already used for these texts among {@code library}, and one m for all
     * items when {@code sharedM} (the paper's setting for paths).
     */
    public static FitRequest moreSeeds(LoadedModel model, List<RunRecord> selected, Collection<RunRecord> library,
                                       int k, boolean sharedM, int maxSteps) {
        List<String> texts = selected.stream().map(RunRecord::text).distinct().toList();
        if (texts.isEmpty()) {
            throw new UserError("Pick at least one run whose text gets more seeds.");
        }
        checkSize(texts.size() * k, false);
        long next = 0;
        for (RunRecord r : library) {
            if (texts.contains(r.text()) && r.settings() != null) {
                next = Math.max(next, r.settings().seed() + 1);
            }
        }
        FitSpec spec = RunRecords.spec(selected.getFirst().settings()).withMaxSteps(maxSteps)
                .withSharedM(sharedM && texts.size() * k > 1).withSeed(next);
        List<FitTarget> targets = new ArrayList<>();
        for (String t : texts) {
            FitTarget target = FitTarget.of(model, t, spec.arrangement());
            for (int i = 0; i < k; i++) {
                targets.add(target);
            }
        }
        return FitRequest.texts(targets, spec);
    }

    /** From how many seeds a batch's cost is estimated before it starts: smaller batches start at once. */
    public static final int ESTIMATE_FROM = 16;

    /**
     * An upper bound on a batch's time, before it starts: 5 timed updates of a batch of up to 16 of its seeds on
     * this machine, times the batches and the most updates (a batch of K costs about K single seeds on the CPU for
     * a 135M model, measured 0.8-1.2x; less for small models, so this bounds from above).
     * Runs on the session's worker; call it before the fit, never during one.
     */
    public static long estimateMillis(dev.protolens.engine.session.ModelSession session, FitTarget target,
                                      FitSpec spec, int k) {
        try {
            int probe = Math.min(k, ESTIMATE_FROM);
            double ms = session.submit(m -> session.fitter().fit(request(target, spec.withMaxSteps(5)
                            .withTargetAccuracy(FitSpec.NEVER_STOP), probe),
                    dev.protolens.engine.fit.FitMonitor.none()).millisPerStep()).get();
            return Math.round(ms * Math.ceil((double) k / probe) * spec.maxSteps());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
        }
    }
}
