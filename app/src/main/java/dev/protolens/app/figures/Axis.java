package dev.protolens.app.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One axis of a plot: its range, linear or base-10 logarithmic, with "nice" ticks (1, 2, 5 × 10^k steps,
 * or whole decades).
 */
public final class Axis {
    private final double min;
    private final double max;
    private final boolean log;
    private final double step;

    private Axis(double min, double max, boolean log, double step) {
        this.min = min;
        this.max = max;
        this.log = log;
        this.step = step;
    }

    /** A linear axis covering [lo, hi], widened to whole ticks. */
    public static Axis linear(double lo, double hi, int targetTicks) {
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double step = niceStep((hi - lo) / Math.max(1, targetTicks));
        return new Axis(Math.floor(lo / step) * step, Math.ceil(hi / step - 1e-9) * step, false, step);
    }

    /** A linear axis over exactly [lo, hi] with ticks every {@code step} (e.g. accuracy 0..1 by 0.25). */
    public static Axis fixed(double lo, double hi, double step) {
        return new Axis(lo, hi, false, step);
    }

    /** A log axis covering [lo, hi] (both > 0), widened to whole decades. */
    public static Axis log(double lo, double hi) {
        lo = Math.max(lo, 1e-12);
        hi = Math.max(hi, lo * 10);
        return new Axis(Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi))), true, 0);
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public boolean isLog() {
        return log;
    }

    /** Where {@code v} lies along the axis: 0 at min, 1 at max (not clamped). */
    public double fraction(double v) {
        if (log) {
            double lv = Math.log10(Math.max(v, min * 1e-3));
            return (lv - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
        }
        return (v - min) / (max - min);
    }

    public List<Double> ticks() {
        List<Double> t = new ArrayList<>();
        if (log) {
            for (double v = min; v <= max * 1.0001; v *= 10) {
                t.add(v);
            }
            return t;
        }
        // rounded to the step's decimals, so 3 × 0.1 is the 0.3 a reader (and a label) expects
        double scale = Math.pow(10, Math.max(0, -Math.floor(Math.log10(step)) + 1));
        for (int i = 0; ; i++) {
            double v = Math.round((min + i * step) * scale) / scale;
            if (v > max + step * 1e-6) {
                break;
            }
            t.add(v == 0 ? 0.0 : v);
        }
        return t;
    }

    public String label(double v) {
        if (log) {
            int e = (int) Math.round(Math.log10(v));
            return e >= -2 && e <= 3 ? trim(v) : "1e" + e;
        }
        if (Math.abs(v) >= 10000 || step >= 1) {
            return String.format(Locale.ROOT, "%,d", Math.round(v)).replace(',', ' ');
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s.equals("-0") ? "0" : s;
    }

    static double niceStep(double raw) {
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * mag;
    }
}
