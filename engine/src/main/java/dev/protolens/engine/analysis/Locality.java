package dev.protolens.engine.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The paper's locality finding as two distance distributions: between solutions of the same text with
 * different seeds, and between solutions of different texts.
 *
 * @param sameText           one distance per pair of runs with the same text and different seeds
 * @param differentTexts     one distance per pair of runs with different texts
 * @param nearestIsSameText  of the runs whose text has another run, the fraction whose nearest other run
 *                           (by this metric) is of the same text (NaN if there are none)
 */
public record Locality(Metric metric, VectorKind kind, double[] sameText, double[] differentTexts,
                       double nearestIsSameText) {

    /**
     * @param vectors one per run, of one model
     * @param texts   each run's text
     * @param seeds   each run's seed (pairs of the same text and seed are the same solution and are left out)
     */
    public static Locality of(List<float[]> vectors, List<String> texts, List<Long> seeds, Metric metric,
                              VectorKind kind) {
        int n = vectors.size();
        if (texts.size() != n || seeds.size() != n) {
            throw new IllegalArgumentException("one text and seed per vector");
        }
        double[][] d = metric.matrix(vectors);
        List<Double> same = new ArrayList<>();
        List<Double> different = new ArrayList<>();
        int withPartner = 0;
        int nearestSame = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (!texts.get(i).equals(texts.get(j))) {
                    different.add(d[i][j]);
                } else if (!seeds.get(i).equals(seeds.get(j))) {
                    same.add(d[i][j]);
                }
            }
            int nearest = -1;
            boolean partner = false;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    partner |= texts.get(j).equals(texts.get(i));
                    if (nearest < 0 || d[i][j] < d[i][nearest]) {
                        nearest = j;
                    }
                }
            }
            if (partner) {
                withPartner++;
                nearestSame += texts.get(nearest).equals(texts.get(i)) ? 1 : 0;
            }
        }
        return new Locality(metric, kind, same.stream().mapToDouble(Double::doubleValue).toArray(),
                different.stream().mapToDouble(Double::doubleValue).toArray(),
                withPartner == 0 ? Double.NaN : (double) nearestSame / withPartner);
    }

    public double meanSameText() {
        return Arrays.stream(sameText).average().orElse(Double.NaN);
    }

    public double meanDifferentTexts() {
        return Arrays.stream(differentTexts).average().orElse(Double.NaN);
    }
}
