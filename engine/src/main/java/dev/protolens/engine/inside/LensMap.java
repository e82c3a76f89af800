package dev.protolens.engine.inside;

import dev.protolens.engine.model.PassProbe;

/**
 * The logit lens of one pass: for each layer read and each token of the text, the probability the model would
 * give the text's token if its residual stream stopped there (final norm and head applied to it), and the token
 * it would write. Rows are the layers read (0 = the input), columns the text's tokens. A cell with no
 * prediction (the ordinary pass without BOS has none for the first token) holds NaN and top token -1.
 *
 * @param pass       "one-step" (the fitted [e, m, …] pass) or "teacher-forced" (the text read normally)
 * @param layers     the layers read, ascending, always ending with the last
 * @param targetProb (rows × N) the probability of the text's token
 * @param top        (rows × N) the most likely token
 * @param topProb    (rows × N) its probability
 * @param topPieces  (rows × N) its vocabulary piece ("" where there is none)
 */
public record LensMap(String pass, PassProbe.Site site, int[] layers, long[] target, float[] targetProb, long[] top,
                      float[] topProb, String[] topPieces) {

    public static final String ONE_STEP = "one-step";
    public static final String TEACHER_FORCED = "teacher-forced";

    public int rows() {
        return layers.length;
    }

    public int columns() {
        return target.length;
    }

    public float prob(int row, int column) {
        return targetProb[row * target.length + column];
    }

    public long top(int row, int column) {
        return top[row * target.length + column];
    }

    public float topProb(int row, int column) {
        return topProb[row * target.length + column];
    }

    public String topPiece(int row, int column) {
        return topPieces[row * target.length + column];
    }

    /** Whether the column has a prediction in this pass. */
    public boolean scored(int column) {
        return top[column] >= 0;
    }

    /** Share of the scored columns whose top token at {@code row} is the text's token. */
    public double accuracy(int row) {
        int scored = 0;
        int right = 0;
        for (int c = 0; c < target.length; c++) {
            long t = top(row, c);
            if (t >= 0) {
                scored++;
                right += t == target[c] ? 1 : 0;
            }
        }
        return scored == 0 ? Double.NaN : (double) right / scored;
    }

    /** The first layer read at which the lens writes every scored token of the text, or -1. */
    public int firstLayerWritingAll() {
        for (int r = 0; r < layers.length; r++) {
            if (accuracy(r) == 1.0) {
                return layers[r];
            }
        }
        return -1;
    }
}
