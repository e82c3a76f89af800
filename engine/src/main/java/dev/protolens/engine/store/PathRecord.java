package dev.protolens.engine.store;

/**
 * {@code path.json}: a learned Bézier path between two runs (the control point itself is in
 * {@code control.safetensors} beside it). The ends are not copied: they are the two runs, and the checksums of
 * their vector files tell whether either changed since the path was learned.
 *
 * @param space          "e" (the runs share m; c has d values) or "pair" (c is e‖m, 2d values)
 * @param vectorsSha256A the {@code vectors_sha256} of run A when the path was learned
 * @param controlSha256  SHA-256 of control.safetensors
 */
public record PathRecord(int schemaVersion, String id, String createdAt, String appVersion, String runA, String runB,
                         String vectorsSha256A, String vectorsSha256B, RunRecord.ModelInfo model, String space,
                         int controlSize, Settings settings, Metrics metrics, String controlSha256) {

    public static final int SCHEMA_VERSION = 1;

    /** How the control point was learned (see the engine's BezierSpec). */
    public record Settings(int steps, double lr, double beta1, double beta2, int tausPerStep, long seed, int checkEvery,
                           int checkPoints, double targetAccuracy) {}

    /**
     * @param status      "reached", "max_steps", "cancelled" or "diverged"
     * @param minAccuracy worst accuracy over the check grid of the stored path
     * @param lengthRatio arc length over chord
     */
    public record Metrics(String status, int updates, double minAccuracy, double meanLoss, double lengthRatio,
                          long millis) {}

    PathRecord withControlSha256(String sha) {
        return new PathRecord(schemaVersion, id, createdAt, appVersion, runA, runB, vectorsSha256A, vectorsSha256B,
                model, space, controlSize, settings, metrics, sha);
    }

    /** True when the path joins these two runs, in either direction. */
    public boolean joins(String a, String b) {
        return (runA.equals(a) && runB.equals(b)) || (runA.equals(b) && runB.equals(a));
    }
}
