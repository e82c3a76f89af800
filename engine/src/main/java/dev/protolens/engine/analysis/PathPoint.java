package dev.protolens.engine.analysis;

import dev.protolens.engine.decode.Decoded;

/**
 * What the model writes in one pass at φ(τ).
 *
 * @param decoded the one-pass decode; accuracy, loss and per-token correctness are against the common text
 *                when both ends have the same text, NaN/null otherwise
 * @param sameAsA per decoded position: the token equals end A's token there (false past A's length)
 * @param matchA  fraction of A's tokens written at their position
 */
public record PathPoint(double tau, Decoded decoded, boolean[] sameAsA, boolean[] sameAsB, double matchA,
                        double matchB) {

    public double accuracy() {
        return decoded.accuracy();
    }

    public double loss() {
        return decoded.loss();
    }

    /** How many positions write end A's token (between solutions of one text: the tokens right). */
    public int countSameAsA() {
        int c = 0;
        for (boolean b : sameAsA) {
            c += b ? 1 : 0;
        }
        return c;
    }

    public String text() {
        return decoded.text();
    }
}
