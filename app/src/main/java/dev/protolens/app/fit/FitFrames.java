package dev.protolens.app.fit;

import dev.protolens.app.ui.RunningTask;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.work.JobProgress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * What the Fit screen's frame shows of a fit: the newest {@link JobProgress} snapshot arrives on the job's
 * progress thread and is parked, latest wins, until the view's frame loop takes it ({@link #take()}); then the
 * strip, the header and the status bar are set from that one snapshot. The curves record every snapshot.
 */
public final class FitFrames {
    /** What the strip shows in one frame; {@code progress} is null for a decoded (finished or opened) state. */
    public record Live(float[] prob, String[] written, boolean[] correct, String caption, JobProgress progress) {}

    private final ReadOnlyObjectWrapper<JobProgress> shown = new ReadOnlyObjectWrapper<>();
    private final CurveRecorder curves = new CurveRecorder();
    private final AtomicReference<Live> pending = new AtomicReference<>();
    private final AtomicReference<Decoded> alternatives = new AtomicReference<>();
    private final Consumer<String> note;
    private volatile Runnable wake = () -> { };
    private volatile RunningTask task;

    /** @param note where a snapshot's note goes ("checkpoint saved at step 300") */
    FitFrames(Consumer<String> note) {
        this.note = note;
    }

    /** The job snapshot the frame shows (header, strip and status bar alike); set once per frame. */
    public ReadOnlyObjectProperty<JobProgress> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    CurveRecorder curves() {
        return curves;
    }

    /** The latest top-k decode of the shown item, or null. Any thread. */
    public Decoded alternatives() {
        return alternatives.get();
    }

    public void setWake(Runnable r) {
        wake = r;
    }

    /** A new fit of n tokens and {@code items} items (with the curves so far of a resumed one, or null). */
    void start(int n, int items, List<FitHistory> history, RunningTask statusBar) {
        curves.reset(items);
        if (history != null) {
            curves.replace(history, 0);
        }
        alternatives.set(null);
        shown.set(null);
        task = statusBar;
        park(new Live(new float[n], new String[n], new boolean[n], "starting…", null));
    }

    /** The fit ended: the status bar's task is gone. */
    void stopped() {
        task = null;
    }

    /** On the job's progress thread: the curves take every snapshot, the frame only the newest. */
    void live(JobProgress p) {
        if (p.fit() != null) {
            curves.record(p.fit());
        }
        if (p.alternatives() != null) {
            alternatives.set(p.alternatives());
        }
        if (p.item() != null) {
            String caption = String.format(Locale.ROOT, "step %d · now %d/%d tokens right · loss %.3f", p.step(),
                    p.correctNow(), p.length(), p.loss());
            park(new Live(p.item().targetProb(), clean(p.written()), p.item().correct(), caption, p));
        }
    }

    /** A decoded state (a finished fit, an opened run): its curves, strip and alternatives. */
    void decoded(List<FitHistory> histories, int best, Decoded d, String status) {
        curves.replace(histories, best);
        alternatives.set(d);
        park(new Live(d.targetProb(), clean(d.pieces()), d.correct(), String.format(Locale.ROOT,
                "%s · %d/%d tokens right", status, d.correctCount(), d.length()), shown.get()));
    }

    /** Nothing to show (another model was opened). */
    void clear() {
        shown.set(null);
        pending.set(null);
    }

    /** The newest state since the last call, or null; on the UI thread, once per frame. */
    public Live take() {
        Live l = pending.getAndSet(null);
        if (l != null && l.progress() != null) {
            JobProgress p = l.progress();
            shown.set(p);
            if (p.note() != null) {
                note.accept(p.note());
            }
            RunningTask t = task;
            if (t != null) {
                t.update(p.maxSteps() > 0 ? Math.min(1, (double) p.step() / p.maxSteps()) : -1, p.line());
            }
        }
        return l;
    }

    private void park(Live l) {
        pending.set(l);
        wake.run();
    }

    private static String[] clean(String[] pieces) {
        return Arrays.stream(pieces).map(TokenText::clean).toArray(String[]::new);
    }
}
