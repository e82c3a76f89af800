package dev.protolens.app.ui;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The window's one place for short news ("checkpoint saved at step 400", "saved to the library as …"): the status
 * bar shows the latest in a fixed slot that never moves anything else, and its log keeps the last {@value #KEEP}
 * with their times. Screens post here instead of growing a label of their own. FX thread only.
 */
public final class Messages {
    public static final int KEEP = 100;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** One message and when it was posted. */
    public record Entry(LocalTime time, String text, String actionLabel, Runnable action) {
        @Override
        public String toString() {
            return CLOCK.format(time) + "  " + text;
        }
    }

    private final ObservableList<Entry> log = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Entry> latest = new ReadOnlyObjectWrapper<>();

    /** Adds a message; a blank text or a repeat of the latest one adds nothing. */
    public void post(String text) {
        post(text, null, null);
    }

    /** Adds a message with one action offered beside it while it is the latest ("Show in folder"). */
    public void post(String text, String actionLabel, Runnable action) {
        if (text == null || text.isBlank() || (action == null && latest.get() != null
                && latest.get().text().equals(text))) {
            return;
        }
        Entry e = new Entry(LocalTime.now().truncatedTo(ChronoUnit.SECONDS), text.strip(), actionLabel, action);
        log.add(e);
        if (log.size() > KEEP) {
            log.remove(0, log.size() - KEEP);
        }
        latest.set(e);
    }

    /** The newest message, or null before the first. */
    public ReadOnlyObjectProperty<Entry> latestProperty() {
        return latest.getReadOnlyProperty();
    }

    /** The last {@value #KEEP} messages, oldest first. */
    public ObservableList<Entry> log() {
        return FXCollections.unmodifiableObservableList(log);
    }
}
