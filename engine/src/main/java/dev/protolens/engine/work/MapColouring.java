package dev.protolens.engine.work;

import dev.protolens.engine.UserError;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * How a map's markers are coloured: by category ({@code category[i]} indexes {@code categories}) or by a value
 * in [0, 1] on the colour scale, labelled at both ends. {@link #of} colours runs by text, seed, accuracy or
 * date, for the Atlas and {@code protolens project} alike.
 */
public record MapColouring(String title, int[] category, String[] categories, double[] value, String low,
                           String high) {

    /** What the colours tell apart. */
    public enum By {
        TEXT, SEED, ACCURACY, DATE;

        /** As the legend and {@code --colour-by} name it: text, seed, accuracy, date. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static By parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserError("Unknown --colour-by '" + s + "': use text, seed, accuracy or date.");
            }
        }
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    public static MapColouring categorical(String title, int[] category, String[] names) {
        return new MapColouring(title, category, names, null, null, null);
    }

    public static MapColouring continuous(String title, double[] value, String low, String high) {
        return new MapColouring(title, null, null, value, low, high);
    }

    public boolean isCategorical() {
        return category != null;
    }

    /** Points coloured: one per run. */
    public int size() {
        return isCategorical() ? category.length : value.length;
    }

    /** The legend's text for point {@code i} (its category, or its value). */
    public String labelOf(int i) {
        return isCategorical() ? categories[category[i]] : String.format(Locale.ROOT, "%.4f", value[i]);
    }

    /** The markers' colours for these runs. */
    public static MapColouring of(List<Run> runs, By by) {
        return switch (by) {
            case TEXT -> byText(runs);
            case SEED -> bySeed(runs);
            case ACCURACY -> {
                double[] v = new double[runs.size()];
                for (int i = 0; i < v.length; i++) {
                    RunRecord.Metrics m = runs.get(i).record().metrics();
                    v[i] = m == null ? 0 : m.accuracy();
                }
                yield continuous("accuracy", v, "0 %", "100 %");
            }
            case DATE -> byDate(runs);
        };
    }

    private static MapColouring byText(List<Run> runs) {
        Map<String, Integer> index = textOrder(runs);
        Map<String, Integer> counts = new LinkedHashMap<>();
        int[] cat = new int[runs.size()];
        for (int i = 0; i < cat.length; i++) {
            String t = runs.get(i).record().text();
            cat[i] = index.get(t);
            // the count is of solutions: an unfinished fit on the map (hollow) is not one more
            counts.merge(t, runs.get(i).record().isCheckpoint() ? 0 : 1, Integer::sum);
        }
        String[] names = index.keySet().stream().map(t -> (counts.get(t) == 0 ? "unfinished" : counts.get(t) + " ×")
                + " “" + oneLine(t) + "”").toArray(String[]::new);
        return categorical("text", cat, names);
    }

    /**
     * Each text's colour number, stable while the library grows: texts are numbered by their first run's date
     * (then by the text), not by where their runs happen to be in the list, so adding runs never recolours the
     * texts already shown; a new text takes the next colour.
     */
    static Map<String, Integer> textOrder(List<Run> runs) {
        Map<String, Long> first = new java.util.HashMap<>();
        for (Run r : runs) {
            first.merge(r.record().text(), epochMillis(r.record().createdAt()), Math::min);
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        first.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> index.put(e.getKey(), index.size()));
        return index;
    }

    private static MapColouring bySeed(List<Run> runs) {
        TreeSet<Long> seeds = new TreeSet<>();
        for (Run r : runs) {
            seeds.add(seedOf(r));
        }
        List<Long> order = new ArrayList<>(seeds);
        int n = runs.size();
        if (order.size() <= 8) {
            int[] cat = new int[n];
            for (int i = 0; i < n; i++) {
                cat[i] = order.indexOf(seedOf(runs.get(i)));
            }
            return categorical("seed", cat,
                    order.stream().map(s -> s == Long.MIN_VALUE ? "unknown" : "seed " + s).toArray(String[]::new));
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (double) order.indexOf(seedOf(runs.get(i))) / (order.size() - 1);
        }
        return continuous("seed", v, "seed " + order.getFirst(), "seed " + order.getLast());
    }

    private static MapColouring byDate(List<Run> runs) {
        int n = runs.size();
        long[] t = new long[n];
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            t[i] = epochMillis(runs.get(i).record().createdAt());
            lo = Math.min(lo, t[i]);
            hi = Math.max(hi, t[i]);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = hi > lo ? (double) (t[i] - lo) / (hi - lo) : 1;
        }
        return continuous("date", v, n == 0 ? "" : DAY.format(Instant.ofEpochMilli(lo)),
                n == 0 ? "" : DAY.format(Instant.ofEpochMilli(hi)));
    }

    /** A run's seed, or Long.MIN_VALUE for a record without settings. */
    public static long seedOf(Run r) {
        return r.record().settings() != null ? r.record().settings().seed() : Long.MIN_VALUE;
    }

    static long epochMillis(String iso) {
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** A text on one line of at most 36 characters, for legends and headings. */
    public static String oneLine(String text) {
        String t = text.replaceAll("\\s+", " ").strip();
        return t.length() > 36 ? t.substring(0, 35) + "…" : t;
    }
}
