package dev.protolens.engine.fit;

import java.util.Locale;

/** How e and m start: N(0, 1) per coordinate (the paper) or N(0, σ²) with σ the embedding table's std. */
public enum Init {
    NORMAL("normal"),
    EMB_STD("emb-std");

    private final String cliName;

    Init(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Init parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Init i : values()) {
            if (i.cliName.equals(k)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown init '" + s + "' (use normal or emb-std)");
    }
}
