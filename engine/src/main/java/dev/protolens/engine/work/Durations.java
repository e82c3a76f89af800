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

    /**
     * A duration as an estimate reads: "about 40 s", "about 2 min", "about 1 h 20 min" (whole minutes from a
     * minute and a half on; an estimate has no second digit worth showing).
     */
    public static String about(long millis) {
        if (millis < 0) {
            return "an unknown time";
        }
        long s = Math.round(millis / 1000.0);
        if (s < 90) {
            return "about " + Math.max(1, s < 10 ? s : Math.round(s / 5.0) * 5) + " s";
        }
        long m = Math.round(s / 60.0);
        if (m < 60) {
            return "about " + m + " min";
        }
        return String.format(Locale.ROOT, "about %d h %02d min", m / 60, m % 60);
    }
}
