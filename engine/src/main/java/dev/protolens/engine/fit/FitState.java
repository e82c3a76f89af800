package dev.protolens.engine.fit;

/**
 * Everything needed to continue an optimisation exactly: the parameters, AdamW's moment estimates and the
 * number of updates done (for bias correction), plus the history so far. Arrays are (items × d) row-major;
 * with a shared m the m arrays hold one row.
 */
public record FitState(int step, float[] e, float[] m, float[] adamE1, float[] adamE2, float[] adamM1, float[] adamM2,
                       FitHistory history) {

    /** The plain starting point (no optimiser state yet). */
    public static FitState initial(float[] e, float[] m) {
        return new FitState(0, e, m, null, null, null, null, null);
    }
}
