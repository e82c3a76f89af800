package dev.protolens.engine.analysis;

import dev.protolens.engine.UserError;
import dev.protolens.engine.proto.ProtoTokens;
import java.util.Arrays;

/**
 * The quadratic Bézier curve {@code φ(τ) = (1-τ)² p1 + 2τ(1-τ) c + τ² p2} between two solutions (PAPER.md,
 * "Interpolation"). With the control point at the midpoint it is exactly the straight line
 * {@code (1-τ) p1 + τ p2}, so one type serves both paths.
 *
 * @param a       the solution at τ = 0
 * @param b       the solution at τ = 1
 * @param control c: d values in {@link PathSpace#E} (m stays a's, which equals b's), 2d values (e‖m) in
 *                {@link PathSpace#PAIR}
 */
public record BezierPath(ProtoTokens a, ProtoTokens b, float[] control, PathSpace space) {

    public BezierPath {
        if (a.dim() != b.dim()) {
            throw new UserError("The two solutions have " + a.dim() + " and " + b.dim()
                    + " dimensions: they belong to different models, and no path joins them.");
        }
        if (space == PathSpace.E && !Arrays.equals(a.m(), b.m())) {
            throw new UserError("A path through e alone needs both runs to share m (fit them together with a"
                    + " shared m); these two have different m. Use the pair space (e and m move together).");
        }
        int want = space == PathSpace.E ? a.dim() : 2 * a.dim();
        if (control.length != want) {
            throw new IllegalArgumentException("control point has " + control.length + " values, not " + want);
        }
    }

    /** The straight line from a to b. */
    public static BezierPath straight(ProtoTokens a, ProtoTokens b, PathSpace space) {
        float[] p1 = point(a, space);
        float[] p2 = point(b, space);
        float[] mid = new float[p1.length];
        for (int i = 0; i < mid.length; i++) {
            mid[i] = (float) (0.5 * ((double) p1[i] + p2[i]));
        }
        return new BezierPath(a, b, mid, space);
    }

    public BezierPath withControl(float[] c) {
        return new BezierPath(a, b, c, space);
    }

    /** The moving coordinates of a solution: e, or e‖m. */
    static float[] point(ProtoTokens v, PathSpace space) {
        return space == PathSpace.E ? v.e() : v.concat();
    }

    public float[] start() {
        return point(a, space);
    }

    public float[] end() {
        return point(b, space);
    }

    /** The solution at τ ∈ [0, 1]. */
    public ProtoTokens at(double tau) {
        float[] p1 = start();
        float[] p2 = end();
        double u = 1 - tau;
        double wa = u * u;
        double wc = 2 * tau * u;
        double wb = tau * tau;
        float[] x = new float[p1.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (wa * p1[i] + wc * control[i] + wb * p2[i]);
        }
        int d = a.dim();
        return space == PathSpace.E ? new ProtoTokens(x, a.m())
                : new ProtoTokens(Arrays.copyOfRange(x, 0, d), Arrays.copyOfRange(x, d, 2 * d));
    }

    /** {@code points} evenly spaced τ from 0 to 1 inclusive. */
    /**
     * Points decoded along one path. Each point is a forward pass kept with its probabilities, so 100 000 points
     * grew past 5 GB; 1001 spaces τ by 0.001, finer than any curve in the paper needs.
     */
    public static final int MAX_POINTS = 1001;

    public static double[] taus(int points) {
        if (points < 2) {
            throw new UserError("A path needs at least 2 points (τ = 0 and τ = 1); got " + points + ".");
        }
        if (points > MAX_POINTS) {
            throw new UserError("A path is decoded at most at " + MAX_POINTS + " points (τ every 0.001); got "
                    + points + "; choose " + MAX_POINTS + " or fewer.");
        }
        double[] t = new double[points];
        for (int i = 0; i < points; i++) {
            t[i] = (double) i / (points - 1);
        }
        return t;
    }

    /** |p2 − p1|, in the path's space. */
    public double chord() {
        float[] p1 = start();
        float[] p2 = end();
        double s = 0;
        for (int i = 0; i < p1.length; i++) {
            double x = (double) p2[i] - p1[i];
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /**
     * Arc length ∫|φ'(τ)| dτ. With u = c − p1 and w = p2 − c, φ'(τ) = 2(u + τ(w − u)), so |φ'|² is a quadratic
     * in τ whose three coefficients are dot products; composite Simpson on its square root with 1024 intervals
     * is exact to ~1e-9 relative for any curve short of a cusp.
     */
    public double length() {
        float[] p1 = start();
        float[] p2 = end();
        double uu = 0;
        double uv = 0;
        double vv = 0;
        for (int i = 0; i < p1.length; i++) {
            double u = (double) control[i] - p1[i];
            double v = ((double) p2[i] - control[i]) - u;
            uu += u * u;
            uv += u * v;
            vv += v * v;
        }
        int n = 1024;
        double h = 1.0 / n;
        double sum = 0;
        for (int k = 0; k <= n; k++) {
            double t = k * h;
            double speed = 2 * Math.sqrt(Math.max(0, uu + 2 * t * uv + t * t * vv));
            sum += speed * (k == 0 || k == n ? 1 : (k % 2 == 1 ? 4 : 2));
        }
        return sum * h / 3;
    }

    /** Arc length over chord: 1 for the straight line; the paper reports at most ~1.2 for learned paths. */
    public double lengthRatio() {
        double c = chord();
        return c == 0 ? 1.0 : length() / c;
    }
}
