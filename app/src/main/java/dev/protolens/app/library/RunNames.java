package dev.protolens.app.library;

import dev.protolens.engine.store.RunRecord;
import java.util.Locale;

/**
 * What a run is called wherever it is named (the Library, the run menus of Interpolate and Inside, the command
 * line): the label the user gave it, else the start of its text in quotes. One place, so a renamed run reads the
 * same on every screen.
 */
public final class RunNames {
    private RunNames() {}

    /** The run's label, or its text's first {@code max} characters in quotes. */
    public static String name(RunRecord r, int max) {
        String label = r.label() == null ? "" : r.label().strip();
        return label.isEmpty() ? "“" + snippet(r.text(), max) + "”" : label;
    }

    /** A run in a menu: its name, seed and accuracy (and whether its batch shared one m). */
    public static String describe(RunRecord r) {
        return String.format(Locale.ROOT, "%s · seed %s · %s%s", name(r, 44),
                r.settings() == null ? "?" : Long.toString(r.settings().seed()),
                r.metrics() == null ? "–" : String.format(Locale.ROOT, "%.0f %%", 100 * r.metrics().accuracy()),
                r.batch() != null && r.batch().size() > 1 && r.settings() != null && r.settings().sharedM()
                        ? " · shared m" : "");
    }

    /** A text on one line (runs of white space become one space), cut to {@code max} characters with "…". */
    public static String snippet(String text, int max) {
        String one = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return one.length() > max ? one.substring(0, max - 1) + "…" : one;
    }
}
