package dev.protolens.engine.fit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Vectors a fit starts from instead of random ones: {@code m} and/or {@code e} (each one d-vector, null to keep
 * the seeded random one), and what they came from, for the run's record.
 */
public record WarmVectors(float[] e, float[] m, String source) {

    /** An earlier solution of the same model: its text's token ids and its vectors. */
    public record Solution(String id, long[] tokens, float[] e, float[] m) {}

    /**
     * The start {@code warm} asks for from these solutions, for a text of these tokens; null when it asks for
     * none or there is no solution to start from (the fit then starts from random vectors, as the paper's).
     */
    public static WarmVectors of(FitStart.Warm warm, List<Solution> solutions, long[] tokens) {
        if (warm == FitStart.Warm.NONE || solutions.isEmpty()) {
            return null;
        }
        return warm == FitStart.Warm.MEAN_M ? meanM(solutions) : nearest(solutions, tokens);
    }

    /** e random, m the mean of the solutions' m: the paper's shared-m result says one m can serve many texts. */
    public static WarmVectors meanM(List<Solution> solutions) {
        int d = solutions.getFirst().m().length;
        double[] sum = new double[d];
        for (Solution s : solutions) {
            for (int j = 0; j < d; j++) {
                sum[j] += s.m()[j];
            }
        }
        float[] m = new float[d];
        for (int j = 0; j < d; j++) {
            m[j] = (float) (sum[j] / solutions.size());
        }
        return new WarmVectors(null, m, "mean m of " + solutions.size() + " run" + (solutions.size() == 1 ? "" : "s"));
    }

    /**
     * e and m of the solution whose text shares most tokens with this one (cosine of the token-count vectors; the
     * first listed wins a tie). Solutions of one text are closer to each other than to other texts' (the paper's
     * locality), so a similar text's solution is the nearest known point.
     */
    public static WarmVectors nearest(List<Solution> solutions, long[] tokens) {
        Map<Long, Integer> bag = counts(tokens);
        Solution best = null;
        double bestSim = Double.NEGATIVE_INFINITY;
        for (Solution s : solutions) {
            double sim = cosine(bag, counts(s.tokens()));
            if (sim > bestSim) {
                bestSim = sim;
                best = s;
            }
        }
        return new WarmVectors(best.e().clone(), best.m().clone(), "run " + best.id());
    }

    /** How alike two texts are: the cosine of their token-count vectors (1: the same tokens, 0: none shared). */
    public static double similarity(long[] a, long[] b) {
        return cosine(counts(a), counts(b));
    }

    static double cosine(Map<Long, Integer> a, Map<Long, Integer> b) {
        double dot = 0;
        for (Map.Entry<Long, Integer> x : a.entrySet()) {
            dot += (double) x.getValue() * b.getOrDefault(x.getKey(), 0);
        }
        double na = a.values().stream().mapToDouble(v -> (double) v * v).sum();
        double nb = b.values().stream().mapToDouble(v -> (double) v * v).sum();
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static Map<Long, Integer> counts(long[] tokens) {
        Map<Long, Integer> c = new HashMap<>();
        for (long t : tokens) {
            c.merge(t, 1, Integer::sum);
        }
        return c;
    }

    void check(int d) {
        if ((e != null && e.length != d) || (m != null && m.length != d)) {
            throw new IllegalArgumentException("warm-start vectors have the wrong size for d=" + d + " (e "
                    + (e == null ? "-" : e.length) + ", m " + (m == null ? "-" : m.length) + ")");
        }
    }
}
