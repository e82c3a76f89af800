package dev.protolens.engine.analysis;

/**
 * The outcome of learning a control point.
 *
 * @param path        the path with the best control point seen (highest worst-case accuracy on the check grid,
 *                    then lowest mean loss there)
 * @param minAccuracy that path's worst accuracy over the check grid
 * @param meanLoss    that path's mean loss over the check grid
 * @param updates     Adam updates done
 * @param lossHistory the sampled loss before each update
 */
public record LearnedPath(BezierPath path, Status status, double minAccuracy, double meanLoss, int updates,
                          float[] lossHistory, long millis) {

    public enum Status {
        /** The worst check point reached the target accuracy. */
        REACHED,
        /** All steps done; the best control point is kept. */
        MAX_STEPS,
        /** Stopped by the user; the best control point so far is kept. */
        CANCELLED,
        /** The loss became NaN or infinite; the best control point before that is kept. */
        DIVERGED
    }
}
