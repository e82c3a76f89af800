package dev.protolens.engine.analysis;

import dev.protolens.engine.UserError;
import smile.feature.extraction.PCA;

/**
 * Principal components of a set of vectors (Smile's covariance PCA): the first k coordinates of every row,
 * the share of the total variance each component explains, and {@link #apply} to place new points (a path's
 * samples) in the same map.
 */
public final class Pca {
    private final PCA projection;
    private final double[][] coordinates;
    private final double[] varianceExplained;

    private Pca(PCA projection, double[][] coordinates, double[] varianceExplained) {
        this.projection = projection;
        this.coordinates = coordinates;
        this.varianceExplained = varianceExplained;
    }

    /** Fits on the rows of x and projects them onto the first {@code components} principal axes. */
    public static Pca fit(double[][] x, int components) {
        if (x.length < 2) {
            throw new UserError("A PCA map needs at least 2 points; there " + (x.length == 1 ? "is 1" : "are none") + ".");
        }
        int p = x[0].length;
        if (components < 1 || components > p) {
            throw new IllegalArgumentException(components + " components of " + p + "-dimensional data");
        }
        PCA full = PCA.fit(x);
        double[] share = full.varianceProportion();
        double[] first = new double[components];
        for (int i = 0; i < components && i < share.length; i++) {
            // the covariance of n < p points has rank n-1 and LAPACK may return a tiny negative eigenvalue
            first[i] = Math.max(0, share[i]);
        }
        PCA k = full.getProjection(components);
        return new Pca(k, k.apply(x), first);
    }

    /** (n, k): each input row in principal coordinates. */
    public double[][] coordinates() {
        return coordinates;
    }

    /** Fraction of the total variance along each of the k axes (their sum is at most 1). */
    public double[] varianceExplained() {
        return varianceExplained.clone();
    }

    /** A new point (of the fitted dimension) in the same principal coordinates. */
    public double[] apply(double[] x) {
        return projection.apply(x);
    }
}
