package dev.protolens.engine.analysis;

import dev.protolens.engine.UserError;
import dev.protolens.engine.proto.ProtoTokens;
import java.util.Locale;

/** Which vectors of a solution a map or a distance looks at: e, m, or both concatenated (e‖m). */
public enum VectorKind {
    E("e"),
    M("m"),
    BOTH("both");

    private final String cliName;

    VectorKind(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public float[] of(ProtoTokens v) {
        return switch (this) {
            case E -> v.e();
            case M -> v.m();
            case BOTH -> v.concat();
        };
    }

    public static VectorKind parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (VectorKind v : values()) {
            if (v.cliName.equals(k)) {
                return v;
            }
        }
        if (k.equals("e+m") || k.equals("em") || k.equals("pair")) {
            return BOTH;
        }
        throw new UserError("Unknown vectors '" + s + "': use e, m or both (e and m concatenated).");
    }
}
