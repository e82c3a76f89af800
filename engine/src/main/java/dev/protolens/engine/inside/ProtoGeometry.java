package dev.protolens.engine.inside;

import java.util.List;

/**
 * Where e and m sit among the model's token embeddings: their norms against every token's, the tokens whose
 * input embeddings point the same way (cosine), and for a run of a shared-m batch how much e alone varies
 * between the batch's solutions.
 *
 * @param tokenNorms   the L2 norm of every row of the input embedding table (vocab)
 * @param ePercentile  share of the vocabulary with a smaller norm than e (0..1)
 * @param nearestE     the tokens closest to e by cosine, closest first
 * @param batch        the spread of e within the run's shared-m batch, or null when it is in none
 */
public record ProtoGeometry(double eNorm, double mNorm, float[] tokenNorms, double ePercentile, double mPercentile,
                            List<Neighbour> nearestE, List<Neighbour> nearestM, BatchSpread batch) {

    /** A vocabulary token and its cosine similarity to e or m. */
    public record Neighbour(long id, String piece, double cosine) {}

    /**
     * The solutions of one batch that share m: their e's pairwise cosine similarities (K × K), the mean cosine
     * distance over pairs, and the root-mean-square distance of each e from their mean relative to their mean norm.
     */
    public record BatchSpread(String batchId, List<String> runIds, float[] cosine, double meanCosineDistance,
                              double relativeSpread, double meanNorm) {
        public int size() {
            return runIds.size();
        }
    }

    /** Median of the token norms. */
    public double medianTokenNorm() {
        float[] s = tokenNorms.clone();
        java.util.Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }
}
