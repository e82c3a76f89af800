package dev.protolens.app.library;

import dev.protolens.engine.store.RunRecord;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The rows of the Library's table: a run, or a group of runs (one batch, or one text) with its runs beneath. Each
 * row gives every column's value, so sorting by a column orders groups by their own values (a group's accuracy is
 * its best run's, its date its newest run's) and the runs within each group by theirs.
 */
public final class LibraryRows {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    private LibraryRows() {}

    /** How the table gathers runs. */
    public enum Grouping {
        NONE("none"), BATCH("batch"), TEXT("text");

        private final String label;

        Grouping(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One row; a column shows one of these values (null: empty cell). */
    public sealed interface Row permits RunRow, GroupRow {
        String text();

        String label();

        String model();

        Integer tokens();

        Double accuracy();

        Integer steps();

        Long seed();

        String status();

        /** "yyyy-MM-dd HH:mm" in local time, so the text sorts as the time does. */
        String date();

        /** The runs the row stands for (a selected group stands for all of its runs). */
        List<RunRecord> runs();
    }

    public record RunRow(RunRecord run) implements Row {
        @Override
        public String text() {
            return RunNames.snippet(run.text(), 90);
        }

        @Override
        public String label() {
            return run.label();
        }

        @Override
        public String model() {
            return run.model().name();
        }

        @Override
        public Integer tokens() {
            return run.tokenIds().length;
        }

        @Override
        public Double accuracy() {
            return run.metrics() == null ? null : run.metrics().accuracy();
        }

        /** Steps to reach the target where reached (restarts of one batch differ), else the updates done. */
        @Override
        public Integer steps() {
            RunRecord.Metrics m = run.metrics();
            return m == null ? null : m.stepsToReach() >= 0 ? m.stepsToReach() : m.updates();
        }

        @Override
        public Long seed() {
            return run.settings() == null ? null : run.settings().seed();
        }

        @Override
        public String status() {
            return run.isCheckpoint() ? "checkpoint (unsaved)" : run.status() == null ? "" : run.status().replace('_', ' ');
        }

        @Override
        public String date() {
            return format(run.createdAt());
        }

        @Override
        public List<RunRecord> runs() {
            return List.of(run);
        }
    }

    /**
     * Runs that belong together: {@code title} names the batch or the text, the count and best accuracy follow in
     * their columns; the shared model, length and seed show when all runs have the same.
     */
    public record GroupRow(String key, String title, List<RunRecord> runs) implements Row {
        public GroupRow {
            runs = List.copyOf(runs);
        }

        @Override
        public String text() {
            return title + " — " + runs.size() + " runs";
        }

        /** A group is named by its batch or text; only runs take labels. */
        @Override
        public String label() {
            return null;
        }

        @Override
        public String model() {
            String m = same(r -> r.model().name());
            return m != null ? m : runs.stream().map(r -> r.model().name()).distinct().count() + " models";
        }

        @Override
        public Integer tokens() {
            return same(r -> r.tokenIds().length);
        }

        @Override
        public Double accuracy() {
            return runs.stream().filter(r -> r.metrics() != null).mapToDouble(r -> r.metrics().accuracy())
                    .filter(a -> !Double.isNaN(a)).boxed().max(Double::compare).orElse(null);
        }

        @Override
        public Integer steps() {
            return null;
        }

        @Override
        public Long seed() {
            return same(r -> r.settings() == null ? null : r.settings().seed());
        }

        @Override
        public String status() {
            Map<String, Integer> n = new LinkedHashMap<>();
            runs.forEach(r -> n.merge(new RunRow(r).status(), 1, Integer::sum));
            return String.join(", ", n.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
        }

        @Override
        public String date() {
            return runs.stream().map(r -> format(r.createdAt())).max(String::compareTo).orElse("");
        }

        private <T> T same(Function<RunRecord, T> f) {
            T first = f.apply(runs.getFirst());
            return first != null && runs.stream().allMatch(r -> first.equals(f.apply(r))) ? first : null;
        }
    }

    /**
     * The top rows for {@code runs} (the filtered runs, in their order): with a grouping, runs sharing a batch or a
     * text become one group, in the order of their first run; a run alone in its group is shown as itself.
     */
    public static List<Row> of(List<RunRecord> runs, Grouping grouping) {
        List<Row> out = new ArrayList<>();
        if (grouping == null || grouping == Grouping.NONE) {
            runs.forEach(r -> out.add(new RunRow(r)));
            return out;
        }
        Map<String, List<RunRecord>> groups = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            groups.computeIfAbsent(key(r, grouping), k -> new ArrayList<>()).add(r);
        }
        groups.forEach((key, members) -> out.add(members.size() == 1 ? new RunRow(members.getFirst())
                : new GroupRow(key, title(members.getFirst(), grouping), members)));
        return out;
    }

    static String key(RunRecord r, Grouping g) {
        return switch (g) {
            case BATCH -> r.batch() != null && r.batch().id() != null ? "batch:" + r.batch().id() : "run:" + r.id();
            case TEXT -> "text:" + r.text().replaceAll("\\s+", " ").strip();
            case NONE -> "run:" + r.id();
        };
    }

    private static String title(RunRecord first, Grouping g) {
        return g == Grouping.BATCH ? "Batch " + first.batch().id() + " · “" + RunNames.snippet(first.text(), 50) + "”"
                : "“" + RunNames.snippet(first.text(), 80) + "”";
    }

    static String format(String iso) {
        try {
            return DATE.format(Instant.parse(iso));
        } catch (RuntimeException e) {
            return iso == null ? "" : iso;
        }
    }

    /** For the filter: whether the run's text, label, id, batch or model contains {@code needle} (lower case). */
    static boolean matches(RunRecord r, String needle) {
        return needle.isEmpty() || contains(r.text(), needle) || contains(r.label(), needle) || contains(r.id(), needle)
                || contains(r.model().name(), needle) || r.batch() != null && contains(r.batch().id(), needle);
    }

    private static boolean contains(String s, String needle) {
        return s != null && s.toLowerCase(Locale.ROOT).contains(needle);
    }
}
