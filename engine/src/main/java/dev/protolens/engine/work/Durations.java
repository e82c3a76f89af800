package dev.protolens.engine.work;

import java.util.Locale;

/** Durations as people read them: "45 s", "3 min 20 s", "2 h 05 min". */
public final class Durations {
    private Durations() {}

    public static String format(long millis) {
        if (millis < 0) {
            return "?";
        }
        long s = Math.round(millis / 1000.0);
        if (s < 60) {
            return millis < 10_000 && millis > 0 ? String.format(Locale.ROOT, "%.1f s", millis / 1000.0) : s + " s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + " min " + (s % 60) + " s";
        }
        return String.format(Locale.ROOT, "%d h %02d min", m / 60, m % 60);
    }
}
