package dev.protolens.engine.proto;

import java.util.Locale;

/**
 * How the two proto-tokens are laid out as the model's input (PAPER.md, Table 1). {@link #inputPattern}
 * says, for each input position, whether it holds e (0) or m (1); {@link #offset} is the first input
 * position whose output is supervised (output {@code offset + i} predicts token i).
 */
public enum Arrangement {
    /** {@code [e] [m]×(N-1)} — the paper's default: N inputs, no shift. */
    E_M("e-m", "[e][m]×(N−1)"),
    /** {@code [e] [m]×N}: e's own output is unsupervised, m_i predicts t_i. */
    E_MN("e-mN", "[e][m]×N"),
    /** {@code [e, m]×(N/2)} alternating. */
    ALTERNATING("alternating", "[e,m]×(N/2)"),
    /** {@code [e]×(N/2) [m]×(N/2)}. */
    HALF("half", "[e]×(N/2)[m]×(N/2)"),
    /** {@code [e]×N}: one vector only (m is not used). */
    E_ONLY("e-only", "[e]×N");

    private final String cliName;
    private final String label;

    Arrangement(String cliName, String label) {
        this.cliName = cliName;
        this.label = label;
    }

    public String cliName() {
        return cliName;
    }

    /** Pretty form for the UI, e.g. {@code [e][m]×(N−1)}. */
    public String label() {
        return label;
    }

    /** Number of input positions for a text of n tokens. */
    public int inputLength(int n) {
        return this == E_MN ? n + 1 : n;
    }

    public int offset() {
        return this == E_MN ? 1 : 0;
    }

    /** 0 = e, 1 = m at each of the {@link #inputLength} input positions. */
    public long[] inputPattern(int n) {
        int len = inputLength(n);
        long[] p = new long[len];
        for (int i = 0; i < len; i++) {
            p[i] = switch (this) {
                case E_M, E_MN -> i == 0 ? 0 : 1;
                case ALTERNATING -> i % 2;
                case HALF -> i < (n + 1) / 2 ? 0 : 1;
                case E_ONLY -> 0;
            };
        }
        return p;
    }

    public static Arrangement parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (Arrangement a : values()) {
            if (a.cliName.equalsIgnoreCase(k) || a.name().equalsIgnoreCase(k)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown arrangement '" + s + "' (use e-m, e-mN, alternating, half or e-only)");
    }
}
