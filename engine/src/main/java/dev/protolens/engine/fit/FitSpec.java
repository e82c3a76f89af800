package dev.protolens.engine.fit;

import dev.protolens.engine.proto.Arrangement;

/**
 * Every setting of one optimisation (PAPER.md, "Training recipe"). Defaults are the paper's: AdamW with
 * lr 0.01, betas 0.9/0.9, eps 1e-8, weight decay 0.01, at most 5000 steps, stop at 100 % accuracy.
 *
 * @param seed          seed of item 0; item i of a batch of seeds uses {@code seed + i}
 * @param targetAccuracy stop as soon as every item reaches this token accuracy
 * @param sharedM       one m for all texts of a batch (each text its own e)
 * @param start         schedule, focus, init scale and warm start beyond the paper ({@link FitStart#PAPER}: none)
 */
public record FitSpec(Arrangement arrangement, Init init, long seed, double lr, double beta1, double beta2,
                      double eps, double weightDecay, int maxSteps, double targetAccuracy, boolean sharedM,
                      FitStart start) {

    public static final double LR = 0.01;
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.9;
    public static final double EPS = 1e-8;
    public static final double WEIGHT_DECAY = 0.01;
    public static final int MAX_STEPS = 5000;
    /** A target accuracy no fit reaches: it runs all its steps, as benchmarks and the reference's --stop-acc 1.01 do. */
    public static final double NEVER_STOP = Double.POSITIVE_INFINITY;

    public FitSpec {
        if (start == null) {
            start = FitStart.PAPER;
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must lie in [0, 1)");
        }
        if (!(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("eps must be > 0 and weight decay >= 0");
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("max steps must be >= 0");
        }
        if (!(targetAccuracy > 0 && targetAccuracy <= 1) && targetAccuracy != NEVER_STOP) {
            throw new IllegalArgumentException("target accuracy must lie in (0, 1]");
        }
    }

    /** The paper's start: constant lr, plain mean loss, seeded random vectors. */
    public FitSpec(Arrangement arrangement, Init init, long seed, double lr, double beta1, double beta2, double eps,
                   double weightDecay, int maxSteps, double targetAccuracy, boolean sharedM) {
        this(arrangement, init, seed, lr, beta1, beta2, eps, weightDecay, maxSteps, targetAccuracy, sharedM,
                FitStart.PAPER);
    }

    public FitSpec withStart(FitStart v) {
        return new FitSpec(arrangement, init, seed, lr, beta1, beta2, eps, weightDecay, maxSteps, targetAccuracy, sharedM, v);
    }

    public static FitSpec defaults() {
        return new FitSpec(Arrangement.E_M, Init.NORMAL, 0, LR, BETA1, BETA2, EPS, WEIGHT_DECAY, MAX_STEPS, 1.0, false);
    }

    public FitSpec withSeed(long s) {
        return new FitSpec(arrangement, init, s, lr, beta1, beta2, eps, weightDecay, maxSteps, targetAccuracy, sharedM, start);
    }

    public FitSpec withLr(double v) {
        return new FitSpec(arrangement, init, seed, v, beta1, beta2, eps, weightDecay, maxSteps, targetAccuracy, sharedM, start);
    }

    public FitSpec withMaxSteps(int v) {
        return new FitSpec(arrangement, init, seed, lr, beta1, beta2, eps, weightDecay, v, targetAccuracy, sharedM, start);
    }

    public FitSpec withArrangement(Arrangement v) {
        return new FitSpec(v, init, seed, lr, beta1, beta2, eps, weightDecay, maxSteps, targetAccuracy, sharedM, start);
    }

    public FitSpec withInit(Init v) {
        return new FitSpec(arrangement, v, seed, lr, beta1, beta2, eps, weightDecay, maxSteps, targetAccuracy, sharedM, start);
    }

    public FitSpec withTargetAccuracy(double v) {
        return new FitSpec(arrangement, init, seed, lr, beta1, beta2, eps, weightDecay, maxSteps, v, sharedM, start);
    }

    public FitSpec withSharedM(boolean v) {
        return new FitSpec(arrangement, init, seed, lr, beta1, beta2, eps, weightDecay, maxSteps, targetAccuracy, v, start);
    }

    public FitSpec withWeightDecay(double v) {
        return new FitSpec(arrangement, init, seed, lr, beta1, beta2, eps, v, maxSteps, targetAccuracy, sharedM, start);
    }

    public FitSpec withBetas(double b1, double b2) {
        return new FitSpec(arrangement, init, seed, lr, b1, b2, eps, weightDecay, maxSteps, targetAccuracy, sharedM, start);
    }
}
