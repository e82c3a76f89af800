package dev.protolens.engine.analysis;

/**
 * Settings for learning a Bézier path's control point (PAPER.md, "Interpolation": minimise E_τ~U[0,1] of the
 * loss at φ(τ) with Adam, starting from the midpoint, i.e. the straight line).
 *
 * @param steps          at most this many Adam updates
 * @param lr             Adam's learning rate
 * @param tausPerStep    τ samples per update, one uniform draw in each of this many equal strata of [0, 1]
 *                       (an unbiased estimate of the expected loss with less variance than independent draws)
 * @param seed           seed of the τ draws
 * @param checkEvery     every this many updates, decode {@code checkPoints} evenly spaced τ and keep the best
 *                       control point; stop once the worst of them reaches {@code targetAccuracy}
 */
public record BezierSpec(int steps, double lr, double beta1, double beta2, int tausPerStep, long seed, int checkEvery,
                         int checkPoints, double targetAccuracy) {

    public static final int STEPS = 400;
    public static final double LR = 0.05;
    public static final int TAUS_PER_STEP = 8;
    public static final int CHECK_EVERY = 10;
    public static final int CHECK_POINTS = 25;

    public BezierSpec {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must lie in [0, 1)");
        }
        if (tausPerStep < 1 || checkEvery < 1 || checkPoints < 2) {
            throw new IllegalArgumentException("need at least 1 τ per step, a check every >= 1 steps over >= 2 points");
        }
        if (!(targetAccuracy > 0 && targetAccuracy <= 1)) {
            throw new IllegalArgumentException("target accuracy must lie in (0, 1]");
        }
    }

    public static BezierSpec defaults() {
        return new BezierSpec(STEPS, LR, 0.9, 0.999, TAUS_PER_STEP, 0, CHECK_EVERY, CHECK_POINTS, 1.0);
    }

    public BezierSpec withSteps(int v) {
        return new BezierSpec(v, lr, beta1, beta2, tausPerStep, seed, checkEvery, checkPoints, targetAccuracy);
    }

    public BezierSpec withLr(double v) {
        return new BezierSpec(steps, v, beta1, beta2, tausPerStep, seed, checkEvery, checkPoints, targetAccuracy);
    }

    public BezierSpec withSeed(long v) {
        return new BezierSpec(steps, lr, beta1, beta2, tausPerStep, v, checkEvery, checkPoints, targetAccuracy);
    }

    public BezierSpec withTausPerStep(int v) {
        return new BezierSpec(steps, lr, beta1, beta2, v, seed, checkEvery, checkPoints, targetAccuracy);
    }

    public BezierSpec withTargetAccuracy(double v) {
        return new BezierSpec(steps, lr, beta1, beta2, tausPerStep, seed, checkEvery, checkPoints, v);
    }

    public BezierSpec withCheck(int every, int points) {
        return new BezierSpec(steps, lr, beta1, beta2, tausPerStep, seed, every, points, targetAccuracy);
    }
}
