package dev.protolens.engine.experiment;

import java.util.List;

/**
 * The stored result of one plan item: one {@link Fit} per seed, each also an ordinary run in the library
 * ({@code runId}). Written once, atomically, when the item ends; its presence is what "finished" means.
 *
 * @param modelIdentity the identity of the model it was fitted on ({@code LoadedModel.identity})
 * @param problem       why the item has no usable fits (a text the model cannot take, a divergence), or null
 */
public record ItemResult(String id, Plan.Item item, String modelIdentity, List<Fit> fits, long elapsedMillis,
                         String finishedAt, String host, String problem) {
    public ItemResult {
        fits = fits == null ? List.of() : List.copyOf(fits);
    }

    /**
     * One seed's outcome.
     *
     * @param accuracy      token accuracy of the kept vectors (one-step decode; for [mem], greedy AR decode)
     * @param steps         updates to reach the target, or all updates done when it did not
     * @param millis        fitting time of the whole batch (shared by its seeds)
     * @param hLmNats       H_LM of the fitted prefix under the same model, nats
     * @param decodeMillis  time to decode the text from the vectors once (0 when not measured)
     */
    public record Fit(long seed, String runId, double accuracy, int correctTokens, int length, boolean reached,
                      int steps, long millis, double hLmNats, String decodedText, String status, double decodeMillis) {}

    /** Whether any seed reconstructed the text at the given accuracy (the paper's 0.99). */
    public boolean anyAtLeast(double accuracy) {
        return fits.stream().anyMatch(f -> f.accuracy() >= accuracy);
    }

    public double meanAccuracy() {
        return fits.stream().mapToDouble(Fit::accuracy).average().orElse(Double.NaN);
    }
}
