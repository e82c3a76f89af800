package dev.protolens.app.figures;

import dev.protolens.engine.store.RunRecord;
import java.awt.FontMetrics;

/**
 * How a figure of a path names its two ends, so that a figure on its own (exported, pasted in a paper) says
 * which runs it walks between: each end's label, or else a snippet of its text, and its seed. Shortened, the
 * text gives way before the seed: two solutions of one text differ only there.
 */
public final class PathEnds {
    private static final int[] TEXT_LENGTHS = {48, 36, 28, 20, 14, 9, 5};

    private PathEnds() {}

    /** "“the cat sat on the mat” (seed 0)", or the run's label for the text; texts cut to {@code maxText}. */
    public static String name(RunRecord r, int maxText) {
        String head;
        if (r.label() != null && !r.label().isBlank()) {
            head = cut(r.label().strip(), maxText);
        } else {
            head = "“" + cut(r.text().replaceAll("\\s+", " ").strip(), maxText) + "”";
        }
        return r.settings() == null ? head : head + " (seed " + r.settings().seed() + ")";
    }

    /** "A = … · B = …", as long as fits in {@code maxWidth} at these metrics (the shortest form if none does). */
    public static String line(String prefix, RunRecord a, RunRecord b, FontMetrics fm, double maxWidth) {
        String s = "";
        for (int n : TEXT_LENGTHS) {
            s = prefix + "A = " + name(a, n) + "  ·  B = " + name(b, n);
            if (fm.stringWidth(s) <= maxWidth) {
                return s;
            }
        }
        return s;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)).stripTrailing() + "…";
    }
}
