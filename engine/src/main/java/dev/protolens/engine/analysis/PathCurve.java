package dev.protolens.engine.analysis;

import java.util.List;

/** A path sampled at evenly spaced τ, every point decoded in the same batched pass. */
public record PathCurve(BezierPath path, List<PathPoint> points) {
    public PathCurve {
        points = List.copyOf(points);
    }

    public double[] taus() {
        return points.stream().mapToDouble(PathPoint::tau).toArray();
    }

    public double[] accuracies() {
        return points.stream().mapToDouble(PathPoint::accuracy).toArray();
    }

    public double[] losses() {
        return points.stream().mapToDouble(PathPoint::loss).toArray();
    }

    /** The worst accuracy along the path (NaN between different texts). */
    public double minAccuracy() {
        return points.stream().mapToDouble(PathPoint::accuracy).min().orElse(Double.NaN);
    }

    public double maxLoss() {
        return points.stream().mapToDouble(PathPoint::loss).max().orElse(Double.NaN);
    }

    /** The point of lowest accuracy (the first one if several tie). */
    public PathPoint worst() {
        PathPoint w = points.getFirst();
        for (PathPoint p : points) {
            if (p.accuracy() < w.accuracy()) {
                w = p;
            }
        }
        return w;
    }
}
