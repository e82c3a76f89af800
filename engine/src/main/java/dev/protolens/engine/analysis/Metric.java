package dev.protolens.engine.analysis;

import dev.protolens.engine.UserError;
import java.util.List;
import java.util.Locale;

/** How far apart two solutions are. The paper compares e vectors by cosine distance. */
public enum Metric {
    /** 1 − cos(a, b): 0 for the same direction, 2 for opposite ones. */
    COSINE("cosine"),
    EUCLIDEAN("euclidean");

    private final String cliName;

    Metric(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public double between(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " values");
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            dot += x * y;
            na += x * x;
            nb += y * y;
            sq += (x - y) * (x - y);
        }
        return switch (this) {
            case COSINE -> na == 0 || nb == 0 ? 1.0 : 1.0 - dot / Math.sqrt(na * nb);
            case EUCLIDEAN -> Math.sqrt(sq);
        };
    }

    /** The symmetric (n, n) matrix of distances between every pair, zero on the diagonal. */
    public double[][] matrix(List<float[]> vectors) {
        int n = vectors.size();
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                d[i][j] = d[j][i] = between(vectors.get(i), vectors.get(j));
            }
        }
        return d;
    }

    public static Metric parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (Metric m : values()) {
            if (m.cliName.equals(k)) {
                return m;
            }
        }
        throw new UserError("Unknown distance '" + s + "': use cosine or euclidean.");
    }
}
