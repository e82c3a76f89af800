package dev.protolens.engine.fit;

import java.util.Locale;

/**
 * How a fit starts and moves beyond the paper's recipe (issue 17, "Reaching 100 % in fewer steps"). {@link #PAPER}
 * changes nothing: constant lr, every position weighted 1/N, N(0, 1) (or the chosen {@link Init}) at scale 1, seeded
 * random vectors. Every run record carries its start, so a paper-exact run is always recognisable.
 *
 * @param schedule    how the learning rate moves over the updates
 * @param peak        the schedule's highest lr as a multiple of the spec's lr (1 keeps the paper's 0.01)
 * @param warmupSteps updates over which a {@link Schedule#WARMUP_COSINE} lr climbs linearly to its peak
 * @param focus       extra loss weight on positions whose argmax is not yet the target: weight (1 + focus)/N
 *                    instead of 1/N (0: the paper's mean cross-entropy)
 * @param initScale   the random init's standard deviation as a multiple of the {@link Init}'s
 * @param warm        where e and m start: seeded random vectors, or vectors of earlier solutions in the library
 * @param warmSource  what the warm vectors came from (e.g. "mean m of 10 runs"), filled in by whoever found them
 */
public record FitStart(Schedule schedule, double peak, int warmupSteps, double focus, double initScale, Warm warm,
                       String warmSource) {

    /** The learning rate over the updates. */
    public enum Schedule {
        /** lr × peak at every update (peak 1: the paper). */
        CONSTANT,
        /** Linear climb to lr × peak over the warm-up, then a half cosine down to 0 at the spec's last step. */
        WARMUP_COSINE
    }

    /** Where e and m start. */
    public enum Warm {
        /** Seeded random vectors (the paper). */
        NONE,
        /** m: the mean m of earlier solutions of the same model; e random. The paper shows one m serves many texts. */
        MEAN_M,
        /** e and m of the earlier solution whose text is nearest (most shared tokens). */
        NEAREST
    }

    /** The paper's recipe exactly. */
    public static final FitStart PAPER = new FitStart(Schedule.CONSTANT, 1, 0, 0, 1, Warm.NONE, null);

    /**
     * The "Fast start" chosen on the benchmark set's tuning half (bench/fast-start; README, "Reaching 100 % sooner"):
     * e and m of the library's solution whose text is nearest, and 3× the paper's lr throughout. Weighting the
     * positions not yet right (focus) made every tuning text slower, so it is not part of it.
     */
    public static final FitStart FAST = new FitStart(Schedule.CONSTANT, 3, 0, 0, 1, Warm.NEAREST, null);

    public FitStart {
        if (schedule == null || warm == null) {
            throw new IllegalArgumentException("schedule and warm start must be given");
        }
        if (!(peak > 0) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("peak learning-rate factor must be a positive number, got " + peak);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
        if (!(focus >= 0) || Double.isInfinite(focus)) {
            throw new IllegalArgumentException("focus must be a number >= 0, got " + focus);
        }
        if (!(initScale > 0) || Double.isInfinite(initScale)) {
            throw new IllegalArgumentException("init scale must be a positive number, got " + initScale);
        }
    }

    /** Whether this is the paper's recipe (the warm source is only a note and does not count). */
    public boolean isPaper() {
        return schedule == Schedule.CONSTANT && peak == 1 && focus == 0 && initScale == 1 && warm == Warm.NONE;
    }

    /** Whether this is the {@link #FAST} start (its warm source, filled in when it ran, does not count). */
    public boolean isFast() {
        return withWarmSource(null).equals(FAST);
    }

    /**
     * The learning rate of update {@code k} (1-based, as AdamW counts) for a fit of at most {@code maxSteps}
     * updates with base rate {@code lr}.
     */
    public double lr(double lr, int k, int maxSteps) {
        double top = lr * peak;
        if (schedule == Schedule.CONSTANT) {
            return top;
        }
        if (k <= warmupSteps) {
            return top * k / warmupSteps;
        }
        int span = Math.max(1, maxSteps - warmupSteps);
        double t = Math.min(1.0, (double) (k - warmupSteps) / span);
        return top * 0.5 * (1 + Math.cos(Math.PI * t));
    }

    public FitStart withSchedule(Schedule s, double p, int warmup) {
        return new FitStart(s, p, warmup, focus, initScale, warm, warmSource);
    }

    public FitStart withFocus(double f) {
        return new FitStart(schedule, peak, warmupSteps, f, initScale, warm, warmSource);
    }

    public FitStart withInitScale(double s) {
        return new FitStart(schedule, peak, warmupSteps, focus, s, warm, warmSource);
    }

    public FitStart withWarm(Warm w) {
        return new FitStart(schedule, peak, warmupSteps, focus, initScale, w, warmSource);
    }

    public FitStart withWarmSource(String s) {
        return new FitStart(schedule, peak, warmupSteps, focus, initScale, warm, s);
    }

    /** One line for logs, run records and the window: "paper" or the parts that differ from it. */
    public String describe() {
        if (isPaper()) {
            return "paper";
        }
        StringBuilder b = new StringBuilder();
        if (schedule == Schedule.WARMUP_COSINE) {
            b.append("warm-up " + warmupSteps + " then cosine, peak " + num(peak) + "× lr");
        } else if (peak != 1) {
            b.append("lr × " + num(peak));
        }
        if (focus > 0) {
            b.append(b.isEmpty() ? "" : ", ").append("focus " + num(focus));
        }
        if (initScale != 1) {
            b.append(b.isEmpty() ? "" : ", ").append("init × " + num(initScale));
        }
        if (warm != Warm.NONE) {
            b.append(b.isEmpty() ? "" : ", ").append(warm == Warm.MEAN_M ? "warm: mean m" : "warm: nearest text");
            if (warmSource != null) {
                b.append(" (").append(warmSource).append(')');
            }
        }
        return b.toString();
    }

    /** 3 as "3", 0.5 as "0.5": the shortest that reads back. */
    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }

    public static Schedule parseSchedule(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "constant" -> Schedule.CONSTANT;
            case "warmup-cosine", "cosine" -> Schedule.WARMUP_COSINE;
            default -> throw new IllegalArgumentException("unknown schedule '" + s + "' (use constant or warmup-cosine)");
        };
    }

    public static Warm parseWarm(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "none" -> Warm.NONE;
            case "mean-m" -> Warm.MEAN_M;
            case "nearest" -> Warm.NEAREST;
            default -> throw new IllegalArgumentException("unknown warm start '" + s + "' (use none, mean-m or nearest)");
        };
    }
}
