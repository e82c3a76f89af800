package dev.protolens.app.atlas;

import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The Atlas's search box without its node: the runs on the map whose text (or label) contains the query are
 * highlighted and the others dimmed, and the count says how many ("3 of 41 runs match"). Case and runs of
 * white space do not matter: a text is searched as the legend shows it, on one line.
 */
public final class AtlasSearch {
    private final StringProperty query = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private List<Run> runs = List.of();

    AtlasSearch() {
        query.addListener((o, was, now) -> count());
    }

    public StringProperty queryProperty() {
        return query;
    }

    /** "3 of 41 runs match", or "" while the box is empty. */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** Esc in the box: no search, nothing dimmed. */
    public void clear() {
        query.set("");
    }

    public boolean active() {
        return !normal(query.get()).isEmpty();
    }

    /** Whether run {@code r}'s text or label contains the query (every run, while there is none). */
    public boolean matches(Run r) {
        String q = normal(query.get());
        RunRecord rec = r.record();
        return q.isEmpty() || normal(rec.text()).contains(q) || (rec.label() != null && normal(rec.label()).contains(q));
    }

    /** Per run, whether it matches; null while there is no search (nothing is dimmed). */
    public boolean[] matching(List<Run> shown) {
        if (!active()) {
            return null;
        }
        boolean[] m = new boolean[shown.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = matches(shown.get(i));
        }
        return m;
    }

    /** The runs on the map now (the count is of these). */
    void setRuns(List<Run> shown) {
        runs = List.copyOf(shown);
        count();
    }

    private void count() {
        if (!active()) {
            summary.set("");
            return;
        }
        long n = runs.stream().filter(this::matches).count();
        summary.set(n + " of " + runs.size() + (runs.size() == 1 ? " run " : " runs ") + (n == 1 ? "matches" : "match"));
    }

    private static String normal(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
    }
}
