package dev.protolens.engine.analysis;

import dev.protolens.engine.UserError;
import java.util.Locale;

/**
 * What a path between two solutions moves: e alone (the two runs share m, which stays fixed) or the pair
 * (e, m) as one point of 2d values.
 */
public enum PathSpace {
    E("e"),
    PAIR("pair");

    private final String cliName;

    PathSpace(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static PathSpace parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (PathSpace p : values()) {
            if (p.cliName.equals(k)) {
                return p;
            }
        }
        throw new UserError("Unknown path space '" + s + "': use e (the runs share m) or pair (e and m move together).");
    }
}
