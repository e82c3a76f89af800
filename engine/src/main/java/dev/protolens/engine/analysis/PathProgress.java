package dev.protolens.engine.analysis;

/**
 * A snapshot while a Bézier path is learned.
 *
 * @param loss        the mean loss over this update's τ samples
 * @param minAccuracy the worst accuracy over the check grid at the last check (NaN before the first)
 * @param control     the control point after this update (a copy)
 */
public record PathProgress(int step, int steps, double loss, double minAccuracy, float[] control, long elapsedMillis,
                           boolean finished) {}
