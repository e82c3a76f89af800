package dev.protolens.engine.experiment;

import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.session.ModelSession;
import java.util.concurrent.ExecutionException;

/**
 * How long a plan can take on this machine, before it starts: a few timed steps at the plan's longest prefix,
 * scaled to every item's length, seeds and step limit. An upper bound: fits that reach 100 % stop early, and
 * items after a failed shorter prefix are skipped.
 */
public final class PlanEstimate {
    /** Steps timed by the probe (the first ones include warm-up, which errs on the long side). */
    static final int PROBE_STEPS = 8;

    private PlanEstimate() {}

    /** @param msPerStepAtLongest one update of one seed at the longest prefix; @param upperBoundMillis the plan */
    public record Estimate(int longest, double msPerStepAtLongest, long upperBoundMillis) {}

    /** Times the probe on the session's worker (do not call while the session fits). */
    public static Estimate of(ModelSession session, Plan plan) throws InterruptedException {
        Plan.Item longest = plan.items().stream().max(java.util.Comparator.comparingInt(PlanEstimate::tokens))
                .orElseThrow();
        try {
            double ms = session.submit(m -> {
                FitTarget t = PlanRunner.target(m, longest);
                FitSpec spec = plan.settings().spec(longest).withSeed(0).withSharedM(false).withMaxSteps(PROBE_STEPS)
                        .withTargetAccuracy(FitSpec.NEVER_STOP);
                FitResult r = session.fitter().fit(FitRequest.single(t, spec), FitMonitor.none());
                return r.millisPerStep();
            }).get();
            int n = Math.max(1, tokens(longest));
            double total = 0;
            for (Plan.Item it : plan.items()) {
                total += plan.settings().steps() * ms * Math.max(1, tokens(it)) / n * it.seeds();
            }
            return new Estimate(n, ms, Math.round(total));
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
        }
    }

    private static int tokens(Plan.Item it) {
        return it.length() > 0 ? it.length() : it.text().length() / 3;
    }
}
