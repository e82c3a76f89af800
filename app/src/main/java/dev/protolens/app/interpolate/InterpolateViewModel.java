package dev.protolens.app.interpolate;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.UserError;
import dev.protolens.engine.analysis.BezierPath;
import dev.protolens.engine.analysis.BezierSpec;
import dev.protolens.engine.analysis.Interpolation;
import dev.protolens.engine.analysis.LearnedPath;
import dev.protolens.engine.analysis.PathCurve;
import dev.protolens.engine.analysis.PathPoint;
import dev.protolens.engine.analysis.PathProgress;
import dev.protolens.engine.analysis.PathSpace;
import dev.protolens.engine.analysis.SavedPath;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.PathSlider;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Interpolation screen without its nodes: two runs A and B of one model, the straight line and the learned
 * Bézier path between them, the slider's τ, the text written at φ(τ), accuracy along both paths, and learning a
 * path. All model work goes through the open {@link ModelSession}; the FX thread only submits and cancels.
 *
 * <p>The slider never waits on the model: a {@link PathSlider} decodes a grid of τ along both paths in the
 * background (the shown path first), a τ change shows the nearest decoded grid point at once, and the exact τ
 * once the thumb rests. The accuracy curves are the same grids, drawn as they fill. What to show is parked in one
 * slot ({@link #takeWritten()}); nothing here waits on a future.
 */
public final class InterpolateViewModel {
    public enum PathKind {
        STRAIGHT("straight line"), BEZIER("learned Bézier");

        private final String label;

        PathKind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What the slider shows: a decoded point and on which path (see {@link PathSlider.Shown}). */
    public record Written(PathKind path, PathSlider.Shown shown) {
        public double tau() {
            return shown.tau();
        }

        public PathPoint point() {
            return shown.point();
        }
    }

    /**
     * The accuracy curves of both paths (bezier null until one is learned or loaded), from the slider's grids:
     * {@code complete} once every grid point of both is decoded.
     */
    public record Curves(PathCurve straight, PathCurve bezier, boolean sameText, boolean complete) {}

    private final Workbench wb;
    private final ObservableList<RunRecord> candidates = FXCollections.observableArrayList();
    private final ObjectProperty<RunRecord> choiceA = new SimpleObjectProperty<>();
    private final ObjectProperty<RunRecord> choiceB = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<Run> a = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Run> b = new ReadOnlyObjectWrapper<>();
    private final DoubleProperty tau = new SimpleDoubleProperty(0);
    private final BooleanProperty dragging = new SimpleBooleanProperty(false);
    private final ObjectProperty<PathKind> path = new SimpleObjectProperty<>(PathKind.STRAIGHT);
    private final ReadOnlyObjectWrapper<BezierPath> bezier = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Curves> curves = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper learning = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper sameText = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper learnStatus = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper info = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper pathStats = new ReadOnlyStringWrapper("");

    private final AtomicReference<PathProgress> learnProgress = new AtomicReference<>();
    private volatile Runnable onWritten = () -> { };
    private volatile Runnable wake = () -> { };
    private boolean settingPair;
    private Interpolation ends;
    private PathSpace space;
    private BezierPath straight;
    private PathSlider slider;
    private int curvesDrawn = -1;
    private long pairVersion;
    private ModelSession.PathTask learningTask;

    public InterpolateViewModel(Workbench wb) {
        this.wb = wb;
        tau.addListener((o, was, now) -> move());
        dragging.addListener((o, was, now) -> move());
        path.addListener((o, was, now) -> showPath());
        choiceA.addListener((o, was, now) -> choicesChanged());
        choiceB.addListener((o, was, now) -> choicesChanged());
        wb.sessionProperty().addListener((o, was, now) -> {
            refreshCandidates();
            modelChanged();
        });
    }

    // ---- properties ----

    /** Finished runs offered for A and B (those of the open model, or all when none is open). */
    public ObservableList<RunRecord> candidates() {
        return candidates;
    }

    public ObjectProperty<RunRecord> choiceAProperty() {
        return choiceA;
    }

    public ObjectProperty<RunRecord> choiceBProperty() {
        return choiceB;
    }

    public ReadOnlyObjectProperty<Run> aProperty() {
        return a.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Run> bProperty() {
        return b.getReadOnlyProperty();
    }

    public DoubleProperty tauProperty() {
        return tau;
    }

    /** The thumb is being dragged: only grid points are shown until it rests (bind the slider's valueChanging). */
    public BooleanProperty draggingProperty() {
        return dragging;
    }

    public ObjectProperty<PathKind> pathProperty() {
        return path;
    }

    /** The learned (or saved) Bézier path between A and B, or null. */
    public ReadOnlyObjectProperty<BezierPath> bezierProperty() {
        return bezier.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Curves> curvesProperty() {
        return curves.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty learningProperty() {
        return learning.getReadOnlyProperty();
    }

    /** Both runs are solutions of one text (only then can a path be learned). */
    public ReadOnlyBooleanProperty sameTextProperty() {
        return sameText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty learnStatusProperty() {
        return learnStatus.getReadOnlyProperty();
    }

    /** Why nothing can be decoded or learned (no model, another model, different arrangements), or "". */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** What the two ends are (same text or not, what the path moves, the chord). */
    public ReadOnlyStringProperty infoProperty() {
        return info.getReadOnlyProperty();
    }

    /** The learned path's numbers (worst accuracy, length ratio, where it is saved), or "". */
    public ReadOnlyStringProperty pathStatsProperty() {
        return pathStats.getReadOnlyProperty();
    }

    public Interpolation ends() {
        return ends;
    }

    /** Called from any thread whenever something newer to show is parked, or a grid grew. */
    public void setOnWritten(Runnable r) {
        onWritten = r;
    }

    /** Called from any thread when learning progress is parked ({@link #takeLearnProgress()}). */
    public void setWake(Runnable r) {
        wake = r;
    }

    /** The newest point not shown yet, or null. FX thread. */
    public Written takeWritten() {
        PathSlider.Shown s = slider == null ? null : slider.take();
        return s == null ? null : new Written(s.path() == straight ? PathKind.STRAIGHT : PathKind.BEZIER, s);
    }

    /** Redraws the curves if a grid grew since the last call (the view calls it once a frame). FX thread. */
    public void pollCurves() {
        // only when a batch was decoded: a slider move must not repaint the chart (a third of a core when it did)
        if (slider != null && slider.batchesDecoded() != curvesDrawn) {
            curvesDrawn = slider.batchesDecoded();
            showCurves();
        }
    }

    /** The newest learning progress since the last call, or null. */
    public PathProgress takeLearnProgress() {
        return learnProgress.getAndSet(null);
    }

    // ---- choosing the runs ----

    /** Reads the library's finished runs for the two choosers (run.json only), in the background. */
    public CompletableFuture<Void> refreshCandidates() {
        ModelSession s = wb.session();
        String identity = s == null ? null : s.model().identity();
        return CompletableFuture.supplyAsync(() -> wb.library().list().runs(), wb.io())
                .thenAccept(list -> Platform.runLater(() -> {
                    String want = identity != null ? identity
                            : a.get() != null ? a.get().record().model().identity() : null;
                    List<RunRecord> runs = list.stream().filter(r -> !r.isCheckpoint())
                            .filter(r -> want == null || r.model().identity().equals(want)).toList();
                    // the chosen records stay the very objects in the list (a chooser drops a value it cannot
                    // find, and records holding arrays are equal only to themselves), and stay even if the
                    // library listing no longer has them
                    List<RunRecord> next = new java.util.ArrayList<>();
                    for (RunRecord r : runs) {
                        next.add(chosen(r));
                    }
                    for (RunRecord r : new RunRecord[] {choiceA.get(), choiceB.get()}) {
                        if (r != null && next.stream().noneMatch(c -> c.id().equals(r.id()))) {
                            next.add(r);
                        }
                    }
                    RunRecord keepA = choiceA.get();
                    RunRecord keepB = choiceB.get();
                    settingPair = true;
                    try {
                        candidates.setAll(next);
                        // a chooser keeps its selected index, not its item, when the list is replaced: without
                        // this, the menus named other runs than the pair computed (one state, shown and computed)
                        choiceA.set(keepA);
                        choiceB.set(keepB);
                    } finally {
                        settingPair = false;
                    }
                }));
    }

    private RunRecord chosen(RunRecord r) {
        for (RunRecord c : new RunRecord[] {choiceA.get(), choiceB.get()}) {
            if (c != null && c.id().equals(r.id())) {
                return c;
            }
        }
        return r;
    }

    private void choicesChanged() {
        if (settingPair) {
            return;
        }
        RunRecord ra = choiceA.get();
        RunRecord rb = choiceB.get();
        if (ra == null || rb == null) {
            return;
        }
        if (a.get() != null && b.get() != null && a.get().id().equals(ra.id()) && b.get().id().equals(rb.id())) {
            return; // already the pair shown (set through setPair)
        }
        RunLibrary lib = wb.library();
        CompletableFuture.supplyAsync(() -> List.of(lib.load(ra.id()), lib.load(rb.id())), wb.io())
                .whenComplete((runs, e) -> Platform.runLater(() -> {
                    if (!Objects.equals(choiceA.get(), ra) || !Objects.equals(choiceB.get(), rb)) {
                        return; // chosen again meanwhile
                    }
                    if (e != null) {
                        problem.set(Dialogs.describe(e));
                    } else {
                        setPair(runs.get(0), runs.get(1));
                    }
                }));
    }

    /** Swaps A and B (τ becomes 1 − τ, so the same point stays under the slider's thumb). */
    public void swap() {
        Run x = a.get();
        Run y = b.get();
        if (x != null && y != null) {
            double t = tau.get();
            setPair(y, x);
            tau.set(1 - t);
        }
    }

    /** Shows the path from {@code ra} to {@code rb}; a saved path between them is loaded. */
    public void setPair(Run ra, Run rb) {
        cancelLearning();
        closeSlider();
        pairVersion++;
        long version = pairVersion;
        a.set(ra);
        b.set(rb);
        for (Run r : List.of(ra, rb)) {
            if (candidates.stream().noneMatch(c -> c.id().equals(r.id()))) {
                candidates.add(r.record());
            }
        }
        settingPair = true;
        try {
            choiceA.set(find(ra.id()));
            choiceB.set(find(rb.id()));
        } finally {
            settingPair = false;
        }
        ends = null;
        straight = null;
        sameText.set(false);
        bezier.set(null);
        curves.set(null);
        pathStats.set("");
        learnStatus.set("");
        path.set(PathKind.STRAIGHT);
        problem.set("");
        try {
            ends = Interpolation.between(ra, rb);
            space = Arrays.equals(ra.vectors().m(), rb.vectors().m()) ? PathSpace.E : PathSpace.PAIR;
            straight = BezierPath.straight(ends.a(), ends.b(), space);
        } catch (UserError e) {
            problem.set(e.getMessage());
            info.set("");
            return;
        }
        sameText.set(ends.sameText());
        info.set(describePair(ra, rb, space, straight.chord()));
        RunLibrary lib = wb.library();
        PathSpace ps = space;
        CompletableFuture.supplyAsync(() -> SavedPath.latestBetween(lib, ra, rb, ps), wb.io())
                .whenComplete((saved, e) -> Platform.runLater(() -> {
                    if (pairVersion != version) {
                        return;
                    }
                    if (e != null) {
                        pathStats.set("The saved path could not be used: " + Dialogs.describe(e));
                    } else if (saved.isPresent()) {
                        SavedPath p = saved.get();
                        bezier.set(p.path());
                        pathStats.set(savedStats(p));
                        path.set(PathKind.BEZIER);
                        showPath(); // the saved path's grid first, the straight line's after it
                    }
                }));
        modelChanged();
    }

    private RunRecord find(String id) {
        return candidates.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
    }

    static String describePair(Run ra, Run rb, PathSpace ps, double chord) {
        boolean sameText = ra.record().text().equals(rb.record().text());
        int d = ra.vectors().dim();
        String moves = ps == PathSpace.E ? "the runs share m, so the path moves e (" + d + " values)"
                : "each run has its own m, so the path moves e and m together (" + 2 * d + " values)";
        return (sameText ? "Two solutions of one text: " : "Two different texts (no path keeps either; each point is"
                + " compared with both): ") + moves + String.format(Locale.ROOT, "; chord %.2f.", chord);
    }

    private static String savedStats(SavedPath p) {
        var m = p.record().metrics();
        return String.format(Locale.ROOT, "Saved path %s: worst accuracy %.0f %% on its check grid after %d updates,"
                + " %.3f × the chord", p.record().id(), 100 * m.minAccuracy(), m.updates(), m.lengthRatio());
    }

    /** The open model changed (or the pair did): re-checks that it decodes these runs, then decodes the grids. */
    private void modelChanged() {
        closeSlider();
        if (ends == null) {
            return;
        }
        String why = modelProblem();
        problem.set(why == null ? "" : why);
        if (why == null) {
            slider = PathSlider.on(wb.session(), ends, () -> {
                onWritten.run();
                wake.run();
            });
            slider.setOnError(e -> Platform.runLater(() -> problem.set(Dialogs.describe(e))));
            showPath();
        }
    }

    private void closeSlider() {
        if (slider != null) {
            slider.close();
            slider = null;
        }
    }

    /** Why the open model cannot decode A and B, or null. */
    private String modelProblem() {
        ModelSession s = wb.session();
        RunRecord r = a.get().record();
        if (s == null) {
            return "Open " + r.model().name() + " (Ctrl+O) to decode along the path.";
        }
        if (!s.model().identity().equals(r.model().identity())) {
            return "These runs were fitted with " + r.model().name() + " and the open model is " + s.model().name()
                    + ". Open " + r.model().name() + " (Ctrl+O) to decode along the path.";
        }
        return null;
    }

    private BezierPath currentPath() {
        return path.get() == PathKind.BEZIER && bezier.get() != null ? bezier.get() : straight;
    }

    // ---- the slider ----

    /** The chosen path is shown first and its grid refined first; the other path's grid comes after it. */
    private void showPath() {
        if (slider == null) {
            return;
        }
        BezierPath shown = currentPath();
        slider.show(shown, shown == straight ? bezier.get() : straight);
        curvesDrawn = -1;
        move();
    }

    /** The thumb moved (or was let go): the nearest decoded point is parked at once, see {@link PathSlider}. */
    private void move() {
        if (slider != null) {
            slider.moveTo(tau.get(), dragging.get());
        }
    }

    /** Milliseconds per grid point in the slider's last batch (NaN before one). */
    public double millisPerGridPoint() {
        return slider == null ? Double.NaN : slider.millisPerPoint();
    }

    private void showCurves() {
        if (slider == null || slider.decodedCount() == 0) {
            return;
        }
        PathCurve line = slider.curve(straight);
        PathCurve bez = bezier.get() == null ? null : slider.curve(bezier.get());
        curves.set(new Curves(line, bez == null || bez.points().isEmpty() ? null : bez, ends.sameText(),
                slider.complete()));
    }

    // ---- learning a path ----

    /**
     * Learns the Bézier path's control point in the background (served between slider decodes), with progress
     * in the status bar and {@link #learnStatusProperty()}; the result is saved with the runs and shown.
     */
    public void learn() {
        ModelSession s = wb.session();
        if (ends == null || s == null || modelProblem() != null || learning.get()) {
            return;
        }
        if (!ends.sameText()) {
            Dialogs.error(wb.window(), "No path to learn", "A learned path keeps one text all the way, so both runs"
                    + " must be of the same text. Between different texts the straight line shows how one text turns"
                    + " into the other.");
            return;
        }
        Run ra = a.get();
        Run rb = b.get();
        long version = pairVersion;
        BezierSpec spec = BezierSpec.defaults();
        RunningTask rt = new RunningTask("Learning a Bézier path", this::cancelLearning);
        rt.update(0, "starting");
        wb.beginTask(rt);
        learning.set(true);
        learnStatus.set("learning…");
        learningTask = s.learnPath(ends, space, spec, p -> {
            learnProgress.set(p);
            rt.update((double) p.step() / p.steps(), progressLine(p));
            wake.run();
        }, 1);
        learningTask.result().thenApplyAsync(learned -> {
            SavedPath saved = learned.updates() > 0 ? SavedPath.save(wb.library(), ra, rb, learned, spec) : null;
            return new Kept(learned, saved);
        }, wb.io()).whenComplete((r, err) -> Platform.runLater(() -> {
            wb.endTask(rt);
            learning.set(false);
            learningTask = null;
            if (pairVersion != version) {
                return;
            }
            if (err != null) {
                learnStatus.set("");
                Dialogs.error(wb.window(), "Learning the path failed", err);
                return;
            }
            LearnedPath l = r.learned();
            learnStatus.set(String.format(Locale.ROOT, "%s after %d updates (%.1f s)", statusText(l), l.updates(),
                    l.millis() / 1000.0));
            bezier.set(l.path());
            pathStats.set(String.format(Locale.ROOT, "Learned path: worst accuracy %.0f %% on %d check points, %.3f ×"
                            + " the chord%s", 100 * l.minAccuracy(), BezierSpec.CHECK_POINTS, l.path().lengthRatio(),
                    r.saved() != null ? "; saved as " + r.saved().record().id() : ""));
            path.set(PathKind.BEZIER);
            showPath();
            wb.libraryChanged();
        }));
    }

    /** A learned path and where it was saved (null when nothing was learned). */
    private record Kept(LearnedPath learned, SavedPath saved) {}

    private static String statusText(LearnedPath l) {
        return switch (l.status()) {
            case REACHED -> "keeps the text at every check point";
            case MAX_STEPS -> "best path found";
            case CANCELLED -> "stopped; best path so far";
            case DIVERGED -> "diverged; best path before that";
        };
    }

    static String progressLine(PathProgress p) {
        return String.format(Locale.ROOT, "update %d of at most %d · loss %.3f · worst accuracy %s", p.step(),
                p.steps(), p.loss(), Double.isNaN(p.minAccuracy()) ? "–"
                        : String.format(Locale.ROOT, "%.0f %%", 100 * p.minAccuracy()));
    }

    public void cancelLearning() {
        ModelSession.PathTask t = learningTask;
        if (t != null) {
            t.cancel();
        }
    }

}
