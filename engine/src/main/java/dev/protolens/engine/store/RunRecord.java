package dev.protolens.engine.store;

import java.util.List;

/**
 * {@code run.json}: everything about one fitted pair of proto-tokens except the vectors themselves
 * (those are in {@code vectors.safetensors} beside it). Field names are snake_case on disk so the file
 * reads naturally from Python; see README "Files".
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}; a newer one is refused
 * @param status        "complete" (reached), "max_steps", "cancelled", "checkpoint" (fit still running or
 *                      interrupted), "diverged"
 * @param vectorsSha256 SHA-256 of vectors.safetensors, so a damaged vector file is detected
 */
public record RunRecord(int schemaVersion, String id, String createdAt, String appVersion, ModelInfo model,
                        String text, long[] tokenIds, List<String> tokenPieces, Settings settings, String status,
                        Metrics metrics, History history, Timings timings, Environment environment, Batch batch,
                        String vectorsSha256, String label) {

    public static final int SCHEMA_VERSION = 1;

    /** Which model the vectors belong to; {@code identity} is what decoding checks. */
    public record ModelInfo(String name, String path, String format, String family, int hiddenSize, int layers,
                            int vocabSize, long parameters, String identity) {}

    /** @param start how the fit started beyond the paper's recipe; absent (null) in older records: the paper's */
    public record Settings(String arrangement, String init, long seed, double lr, double beta1, double beta2,
                           double eps, double weightDecay, int maxSteps, double targetAccuracy, boolean sharedM,
                           Start start) {
        public Settings(String arrangement, String init, long seed, double lr, double beta1, double beta2, double eps,
                        double weightDecay, int maxSteps, double targetAccuracy, boolean sharedM) {
            this(arrangement, init, seed, lr, beta1, beta2, eps, weightDecay, maxSteps, targetAccuracy, sharedM, null);
        }
    }

    /**
     * {@link dev.protolens.engine.fit.FitStart} on disk. {@code summary} is "paper" for the paper's exact recipe, so
     * a paper-exact run is recognisable at a glance (and by a script).
     */
    public record Start(String summary, String schedule, double peak, int warmupSteps, double focus, double initScale,
                        String warm, String warmSource) {}

    /**
     * @param accuracy     token accuracy of the stored vectors (one forward pass)
     * @param correctTokens C_tokens
     * @param hLm          autoregressive cross-entropy of the text in nats (NaN if not computed)
     * @param decodedText  what the stored vectors decode to in one pass
     */
    public record Metrics(double accuracy, double loss, int correctTokens, int length, boolean reached,
                          int stepsToReach, int bestStep, int updates, double hLm, String decodedText) {}

    /** Loss and accuracy after 0, 1, 2, … updates. */
    public record History(float[] loss, float[] accuracy) {}

    public record Timings(String startedAt, String finishedAt, long millis, double msPerStep, double stepsPerSecond) {}

    public record Environment(String device, int threads, String runtime, String os, String java) {}

    /** Runs fitted together: same batch id; index within it; whether m was shared. */
    public record Batch(String id, int index, int size) {}

    public RunRecord withStatus(String s) {
        return new RunRecord(schemaVersion, id, createdAt, appVersion, model, text, tokenIds, tokenPieces, settings, s,
                metrics, history, timings, environment, batch, vectorsSha256, label);
    }

    public RunRecord withLabel(String l) {
        return new RunRecord(schemaVersion, id, createdAt, appVersion, model, text, tokenIds, tokenPieces, settings,
                status, metrics, history, timings, environment, batch, vectorsSha256, l);
    }

    /** The same record under another id (a result saved beside a run that another process changed). */
    public RunRecord withId(String newId) {
        return new RunRecord(schemaVersion, newId, createdAt, appVersion, model, text, tokenIds, tokenPieces, settings,
                status, metrics, history, timings, environment, batch, vectorsSha256, label);
    }

    RunRecord withVectorsSha256(String sha) {
        return new RunRecord(schemaVersion, id, createdAt, appVersion, model, text, tokenIds, tokenPieces, settings,
                status, metrics, history, timings, environment, batch, sha, label);
    }

    public boolean isCheckpoint() {
        return "checkpoint".equals(status);
    }
}
