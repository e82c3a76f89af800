package dev.protolens.engine.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * One path's points at evenly spaced τ, decoded a batch at a time and kept. The order is coarse to fine: the
 * two ends, then τ = 1/2, then 1/4 and 3/4, and so on (a point's level is how finely the interval must be
 * halved, or cut, to reach it), and within a level the points nearest a given τ (the slider's thumb) first. So
 * a grid that is still filling already covers the whole path evenly, finest where the person is looking.
 *
 * <p>Safe to read from any thread while another fills it: {@link #nearest} and {@link #curve} see every point
 * filled before the call.
 */
public final class PathGrid {
    /** Points the slider's grid decodes: τ every 1/128, so the nearest decoded point is within 0.004. */
    public static final int SLIDER_POINTS = 129;

    private final BezierPath path;
    private final double[] taus;
    private final int[] level;
    private final AtomicReferenceArray<PathPoint> points;
    private final boolean[] claimed;
    private final AtomicInteger decoded = new AtomicInteger();

    public PathGrid(BezierPath path, int points) {
        this.path = path;
        this.taus = BezierPath.taus(points);
        this.level = new int[points];
        for (int i = 0; i < points; i++) {
            level[i] = level(i, points - 1);
        }
        this.points = new AtomicReferenceArray<>(points);
        this.claimed = new boolean[points];
    }

    /**
     * How coarse a grid already holds point i of {@code intervals}: 0 for the ends, 1 for the midpoint, 2 for
     * the quarters, ...: the number of halvings needed for a grid that holds i/intervals.
     */
    static int level(int i, int intervals) {
        if (i == 0 || i == intervals) {
            return 0;
        }
        int denominator = intervals / gcd(i, intervals);
        return 32 - Integer.numberOfLeadingZeros(denominator - 1); // ceil(log2(denominator))
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    public BezierPath path() {
        return path;
    }

    public int size() {
        return taus.length;
    }

    public double tau(int i) {
        return taus[i];
    }

    public int decodedCount() {
        return decoded.get();
    }

    public boolean complete() {
        return decoded.get() == taus.length;
    }

    /** The decoded point nearest τ (the lower one on a tie), or null while none is decoded. */
    public PathPoint nearest(double tau) {
        // a scan of at most a few hundred slots: well under a microsecond, no index to keep in step
        PathPoint best = null;
        for (int i = 0; i < taus.length; i++) {
            PathPoint p = points.get(i);
            if (p != null && (best == null || Math.abs(p.tau() - tau) < Math.abs(best.tau() - tau))) {
                best = p;
            }
        }
        return best;
    }

    /**
     * Takes the next at most {@code max} points to decode (none that another batch holds): coarsest level
     * first, nearest {@code thumb} first within a level. Empty when every point is decoded or taken.
     */
    public synchronized int[] claim(double thumb, int max) {
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < taus.length; i++) {
            if (!claimed[i]) {
                free.add(i);
            }
        }
        free.sort(Comparator.<Integer>comparingInt(i -> level[i]).thenComparingDouble(i -> Math.abs(taus[i] - thumb))
                .thenComparingInt(i -> i));
        int[] out = free.stream().limit(Math.max(0, max)).mapToInt(Integer::intValue).toArray();
        for (int i : out) {
            claimed[i] = true;
        }
        return out;
    }

    /** Whether some point is neither decoded nor held by a batch. */
    public synchronized boolean claimable() {
        for (boolean c : claimed) {
            if (!c) {
                return true;
            }
        }
        return false;
    }

    /** Gives back claimed points that were not decoded (their batch was cancelled or failed). */
    public synchronized void release(int[] indices) {
        for (int i : indices) {
            if (points.get(i) == null) {
                claimed[i] = false;
            }
        }
    }

    /** The τ of the given points, for the decoder. */
    public double[] taus(int[] indices) {
        return Arrays.stream(indices).mapToDouble(i -> taus[i]).toArray();
    }

    /** Stores decoded points, in the order of {@code indices}. */
    public void fill(int[] indices, List<PathPoint> decodedPoints) {
        if (decodedPoints.size() != indices.length) {
            throw new IllegalArgumentException(decodedPoints.size() + " points decoded for " + indices.length + " asked");
        }
        for (int k = 0; k < indices.length; k++) {
            if (points.getAndSet(indices[k], decodedPoints.get(k)) == null) {
                decoded.incrementAndGet();
            }
        }
    }

    /** The points decoded so far, in τ order. */
    public PathCurve curve() {
        List<PathPoint> out = new ArrayList<>();
        for (int i = 0; i < taus.length; i++) {
            PathPoint p = points.get(i);
            if (p != null) {
                out.add(p);
            }
        }
        return new PathCurve(path, out);
    }

    /**
     * Decodes every point not yet decoded, {@code batch} at a time, coarse first, on the calling thread (the CLI;
     * the window refines through {@code engine.work.PathSlider}). {@code decode} maps τ values to their points.
     */
    public PathCurve decodeAll(int batch, Function<double[], List<PathPoint>> decode) {
        for (int[] next = claim(0, batch); next.length > 0; next = claim(0, batch)) {
            try {
                fill(next, decode.apply(taus(next)));
            } catch (RuntimeException e) {
                release(next);
                throw e;
            }
        }
        return curve();
    }
}
