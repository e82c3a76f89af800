package dev.protolens.engine.decode;

/**
 * What the model writes in one forward pass from a pair of proto-tokens.
 *
 * @param ids          the argmax token at each of the N output positions
 * @param pieces       their vocabulary pieces
 * @param text         the decoded text of {@code ids}
 * @param targetProb   per position, the probability of the target token (null without a target)
 * @param correct      per position, argmax equals the target (null without a target)
 * @param alternatives per position, the top-k tokens and their probabilities
 * @param loss         mean cross-entropy against the target in nats (NaN without a target)
 * @param accuracy     fraction of positions equal to the target (NaN without a target)
 */
public record Decoded(long[] ids, String[] pieces, String text, float[] targetProb, boolean[] correct,
                      Alternative[][] alternatives, double loss, double accuracy) {

    public record Alternative(long id, String piece, float prob) {}

    public int length() {
        return ids.length;
    }

    /** C_tokens: positions written correctly. */
    public int correctCount() {
        if (correct == null) {
            return 0;
        }
        int c = 0;
        for (boolean b : correct) {
            c += b ? 1 : 0;
        }
        return c;
    }
}
