package dev.protolens.engine.inside;

import java.util.Locale;

/**
 * Attention removed from the one-step pass, to see which layers need it. A removed query–key pair gets -inf
 * added to its score, so its probability is exactly 0 and the rest of the row renormalises (as in "Progressive
 * Cramming"'s layer-wise knock-outs). A query never loses its own position, so every row keeps one key.
 */
public enum KnockOut {
    /** Every query loses the e positions before it. */
    E("e", "attention to e"),
    /** Every m query loses the other, earlier m positions (it keeps e and itself). */
    AMONG_M("among-m", "attention among the m positions");

    /** Which layers lose it, for a curve over ℓ. */
    public enum Scope {
        LAYER("layer", "in layer ℓ only"), FROM("from", "in layers ≥ ℓ"), UP_TO("up-to", "in layers ≤ ℓ");

        private final String cliName;
        private final String label;

        Scope(String cliName, String label) {
            this.cliName = cliName;
            this.label = label;
        }

        public String cliName() {
            return cliName;
        }

        public String label() {
            return label;
        }

        /** Whether {@code layer} loses the attention when the curve is at ℓ = {@code at}. */
        public boolean covers(int layer, int at) {
            return switch (this) {
                case LAYER -> layer == at;
                case FROM -> layer >= at;
                case UP_TO -> layer <= at;
            };
        }

        public static Scope parse(String s) {
            for (Scope x : values()) {
                if (x.cliName.equalsIgnoreCase(s.trim()) || x.name().equalsIgnoreCase(s.trim())) {
                    return x;
                }
            }
            throw new dev.protolens.engine.UserError("Unknown knock-out scope '" + s + "': use layer, from or up-to.");
        }
    }

    private final String cliName;
    private final String label;

    KnockOut(String cliName, String label) {
        this.cliName = cliName;
        this.label = label;
    }

    public String cliName() {
        return cliName;
    }

    public String label() {
        return label;
    }

    /** Whether the pair (query, key) loses its attention; {@code pattern} holds 0 for e and 1 for m per position. */
    public boolean removes(long[] pattern, int query, int key) {
        if (key >= query) {
            return false;
        }
        return switch (this) {
            case E -> pattern[key] == 0;
            case AMONG_M -> pattern[key] == 1 && pattern[query] == 1;
        };
    }

    public static KnockOut parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (KnockOut x : values()) {
            if (x.cliName.equals(k) || x.name().equalsIgnoreCase(k)) {
                return x;
            }
        }
        throw new dev.protolens.engine.UserError("Unknown knock-out '" + s + "': use e or among-m.");
    }
}
