package dev.protolens.engine.inside;

/**
 * Every head's attention in the one-step pass: {@code probabilities[layer-1][head][query][key]}, with the input
 * positions' kinds (e or m) to sum it by. "Averaged over positions" means over the queries that see both an e
 * and an m position (for [e][m]×(N−1) every query but e's own, which sees only itself).
 *
 * @param pattern       per input position, 0 for e and 1 for m
 * @param probabilities (layers × heads × N × N), row-major; zero above the diagonal
 */
public record AttentionMaps(int layers, int heads, long[] pattern, float[] probabilities) {

    /** A head is a sink when more than this share of its attention, averaged over positions, goes to e. */
    public static final double SINK_SHARE = 0.5;

    /** One layer's attention averaged over its heads and the positions: shares that sum to 1. */
    public record LayerShare(int layer, double toE, double toSelf, double toOtherM) {}

    public int positions() {
        return pattern.length;
    }

    /** Attention of {@code query} to {@code key} in {@code layer} (from 1), {@code head}. */
    public float p(int layer, int head, int query, int key) {
        int n = pattern.length;
        return probabilities[(((layer - 1) * heads + head) * n + query) * n + key];
    }

    /** What {@code query} pays to the e positions (kind 0) or the m positions (kind 1). */
    public double toKind(int layer, int head, int query, int kind) {
        double s = 0;
        for (int j = 0; j <= query; j++) {
            if (pattern[j] == kind) {
                s += p(layer, head, query, j);
            }
        }
        return s;
    }

    public double toE(int layer, int head, int query) {
        return toKind(layer, head, query, 0);
    }

    public double toM(int layer, int head, int query) {
        return toKind(layer, head, query, 1);
    }

    /** The first query that sees both an e and an m position, or N when none does (a pass of e alone). */
    public int firstMixedQuery() {
        boolean e = false;
        boolean m = false;
        for (int i = 0; i < pattern.length; i++) {
            e |= pattern[i] == 0;
            m |= pattern[i] == 1;
            if (e && m) {
                return i;
            }
        }
        return pattern.length;
    }

    /** Attention to e averaged over the queries that could choose (NaN when none could). */
    public double meanToE(int layer, int head) {
        int from = firstMixedQuery();
        double s = 0;
        for (int i = from; i < pattern.length; i++) {
            s += toE(layer, head, i);
        }
        return from < pattern.length ? s / (pattern.length - from) : Double.NaN;
    }

    public boolean sink(int layer, int head) {
        return meanToE(layer, head) > SINK_SHARE;
    }

    /** The heads flagged as sinks, as (layer, head) pairs. */
    public java.util.List<int[]> sinks() {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        for (int l = 1; l <= layers; l++) {
            for (int h = 0; h < heads; h++) {
                if (sink(l, h)) {
                    out.add(new int[] {l, h});
                }
            }
        }
        return out;
    }

    /** Per layer: attention to e, to the query itself, and to the other m positions, averaged over heads and positions. */
    public LayerShare layerShare(int layer) {
        int from = firstMixedQuery();
        double e = 0;
        double self = 0;
        double other = 0;
        int count = 0;
        for (int h = 0; h < heads; h++) {
            for (int i = from; i < pattern.length; i++) {
                double toE = toE(layer, h, i);
                double own = pattern[i] == 1 ? p(layer, h, i, i) : 0;
                e += toE;
                self += own;
                other += 1 - toE - own;
                count++;
            }
        }
        return count == 0 ? new LayerShare(layer, Double.NaN, Double.NaN, Double.NaN)
                : new LayerShare(layer, e / count, self / count, other / count);
    }

    /** {@code toE} for every layer, head and query: (layers × heads × N). */
    public float[] toEArray() {
        int n = pattern.length;
        float[] out = new float[layers * heads * n];
        for (int l = 1; l <= layers; l++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < n; i++) {
                    out[((l - 1) * heads + h) * n + i] = (float) toE(l, h, i);
                }
            }
        }
        return out;
    }
}
