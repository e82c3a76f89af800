package dev.protolens.engine.proto;

import java.util.Arrays;

/** A pair of proto-token vectors (e, m), each of the model's embedding size d. */
public record ProtoTokens(float[] e, float[] m) {
    public ProtoTokens {
        if (e.length != m.length) {
            throw new IllegalArgumentException("e has " + e.length + " values but m has " + m.length);
        }
    }

    public int dim() {
        return e.length;
    }

    /** {@code (1-t)·a + t·b}, coordinate-wise. */
    /** How many of the 2d values are NaN or infinite (a diverged fit's vectors, or an edited file). */
    public int nonFiniteCount() {
        int n = 0;
        for (float x : e) {
            n += Float.isFinite(x) ? 0 : 1;
        }
        for (float x : m) {
            n += Float.isFinite(x) ? 0 : 1;
        }
        return n;
    }

    public static ProtoTokens lerp(ProtoTokens a, ProtoTokens b, double t) {
        float[] e = new float[a.dim()];
        float[] m = new float[a.dim()];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) ((1 - t) * a.e[i] + t * b.e[i]);
            m[i] = (float) ((1 - t) * a.m[i] + t * b.m[i]);
        }
        return new ProtoTokens(e, m);
    }

    /** e and m concatenated (2d values), for distances and projections of the pair. */
    public float[] concat() {
        float[] r = Arrays.copyOf(e, 2 * e.length);
        System.arraycopy(m, 0, r, e.length, m.length);
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProtoTokens p && Arrays.equals(e, p.e) && Arrays.equals(m, p.m);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(e) * 31 + Arrays.hashCode(m);
    }
}
