package dev.protolens.app.fit;

import dev.protolens.app.AppSettings;
import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Screen;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.decode.TextEntropy;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitProgress;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitState;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Init;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.FitRuns;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.tokenizer.Encoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;

/**
 * The Fit screen without its nodes: the text and settings, the live tokenisation, the running fit and its
 * result, and the commands (fit, stop, save, fit again, copy vectors, resume, open a run). All properties
 * change on the FX thread only. Fit steps run on the model's worker; progress snapshots arrive on the engine's
 * progress thread and are only parked here ({@link #takeLive()}) for the view's frame loop, so the FX thread
 * sees at most one update per frame however fast the fit runs.
 */
public final class FitViewModel {
    static final int TOP_K = 5;
    static final long CHECKPOINT_MILLIS = 3000;
    /** The strip repaints at most 30 times a second, so live states closer together than this are not built. */
    private static final long LIVE_EVERY_NANOS = 30_000_000L;
    private static final long PREVIEW_DELAY_MS = 120;

    public enum Phase { IDLE, RUNNING, STOPPING, FINISHED }

    /** The live tokenisation of the text. {@code warning} is null when nothing is in the way. */
    public record Preview(String text, String[] pieces, int[] starts, int n, int context, String warning,
                          boolean blocking) {}

    /** What the strip shows in one frame. {@code progress} is null for a decoded (finished or opened) state. */
    public record Live(float[] prob, String[] written, boolean[] correct, String caption, FitProgress progress) {}

    /** Top-k alternatives per position, as of a step (from the last checkpoint or the final decode). */
    public record Alternatives(int step, Decoded decoded) {}

    /**
     * A finished fit (or a run opened from the library).
     *
     * @param result  null for a run opened from the library
     * @param runs    the library entries of a fresh fit (null for an opened run)
     * @param opened  the run opened from the library (null for a fresh fit)
     * @param resume  where "Resume" continues from (null when it cannot)
     */
    public record Outcome(FitTarget target, FitSpec spec, List<ProtoTokens> vectors, List<Decoded> decoded,
                          List<Long> seeds, int best, double hLm, int updates, long millis, String status,
                          String message, FitResult result, FitRuns runs, Run opened, FitState resume,
                          boolean saved) {
        public Decoded bestDecoded() {
            return decoded.get(best);
        }

        Outcome withSaved(boolean s) {
            return new Outcome(target, spec, vectors, decoded, seeds, best, hLm, updates, millis, status, message,
                    result, runs, opened, resume, s);
        }

        /** The run ids this outcome is stored under. */
        public List<String> ids() {
            return runs != null ? runs.ids() : List.of(opened.id());
        }
    }

    private final Workbench wb;
    private final StringProperty text = new SimpleStringProperty("");
    private final IntegerProperty seed = new SimpleIntegerProperty(0);
    private final IntegerProperty maxSteps = new SimpleIntegerProperty(FitSpec.MAX_STEPS);
    private final DoubleProperty lr = new SimpleDoubleProperty(FitSpec.LR);
    private final ObjectProperty<Init> init = new SimpleObjectProperty<>(Init.NORMAL);
    private final ObjectProperty<Arrangement> arrangement = new SimpleObjectProperty<>(Arrangement.E_M);
    private final IntegerProperty restarts = new SimpleIntegerProperty(1);
    private final BooleanProperty logLoss = new SimpleBooleanProperty(false);

    private final ReadOnlyObjectWrapper<Preview> preview = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Phase> phase = new ReadOnlyObjectWrapper<>(Phase.IDLE);
    private final ReadOnlyObjectWrapper<FitTarget> target = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Outcome> outcome = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<FitProgress> shownProgress = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper("");

    private final CurveRecorder curves = new CurveRecorder();
    private final AtomicReference<Live> pendingLive = new AtomicReference<>();
    private final AtomicReference<Alternatives> alternatives = new AtomicReference<>();
    /** The fit's last snapshot (its final one once it ended), so the numbers show where it stopped. */
    private final AtomicReference<FitProgress> lastProgress = new AtomicReference<>();
    private final ScheduledExecutorService previewWorker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "token-preview");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> pendingPreview;
    private volatile Runnable wake = () -> { };
    private ModelSession.FitTask running;
    private CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);

    public FitViewModel(Workbench wb) {
        this.wb = wb;
        AppSettings s = wb.settings();
        if (s.fit() != null) {
            AppSettings.Fit f = s.fit();
            seed.set((int) Math.max(0, Math.min(Integer.MAX_VALUE, f.seed())));
            maxSteps.set(f.maxSteps() > 0 ? f.maxSteps() : FitSpec.MAX_STEPS);
            lr.set(f.lr() > 0 ? f.lr() : FitSpec.LR);
            init.set(parse(() -> Init.parse(f.init()), Init.NORMAL));
            arrangement.set(parse(() -> Arrangement.parse(f.arrangement()), Arrangement.E_M));
            restarts.set(Math.max(1, f.restarts()));
        }
        List<SampleTexts.SampleText> samples = SampleTexts.load();
        text.set(s.lastText() != null && !s.lastText().isBlank() ? s.lastText()
                : samples.isEmpty() ? "" : samples.getFirst().text());
        text.addListener((o, a, b) -> schedulePreview());
        arrangement.addListener((o, a, b) -> schedulePreview());
        wb.sessionProperty().addListener((o, was, now) -> modelChanged());
        schedulePreview();
        wb.setTextFileHandler(this::loadTextFile);
    }

    private static <T> T parse(java.util.function.Supplier<T> p, T fallback) {
        try {
            return p.get();
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    // ---- properties ----

    public StringProperty textProperty() {
        return text;
    }

    public IntegerProperty seedProperty() {
        return seed;
    }

    public IntegerProperty maxStepsProperty() {
        return maxSteps;
    }

    public DoubleProperty lrProperty() {
        return lr;
    }

    public ObjectProperty<Init> initProperty() {
        return init;
    }

    public ObjectProperty<Arrangement> arrangementProperty() {
        return arrangement;
    }

    public IntegerProperty restartsProperty() {
        return restarts;
    }

    public BooleanProperty logLossProperty() {
        return logLoss;
    }

    public ReadOnlyObjectProperty<Preview> previewProperty() {
        return preview.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Phase> phaseProperty() {
        return phase.getReadOnlyProperty();
    }

    public Phase phase() {
        return phase.get();
    }

    /** The text being fitted (or shown), tokenised: what the strip's cells are. */
    public ReadOnlyObjectProperty<FitTarget> targetProperty() {
        return target.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Outcome> outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    /** The progress snapshot last painted (step, rate, elapsed, ETA, accuracy); set once per frame. */
    public ReadOnlyObjectProperty<FitProgress> shownProgressProperty() {
        return shownProgress.getReadOnlyProperty();
    }

    /** A short line about what just happened ("checkpoint saved", "saved to the library as …"). */
    public ReadOnlyStringProperty noteProperty() {
        return note.getReadOnlyProperty();
    }

    public CurveRecorder curves() {
        return curves;
    }

    /** The latest top-k alternatives, or null. Any thread. */
    public Alternatives alternatives() {
        return alternatives.get();
    }

    /** Called (from any thread) whenever a new live state is parked; the view's frame loop wakes up. */
    public void setWake(Runnable r) {
        wake = r;
    }

    /** The newest live state since the last call, or null; the frame loop calls this once per frame. */
    public Live takeLive() {
        Live l = pendingLive.getAndSet(null);
        if (l != null && l.progress() != null) {
            shownProgress.set(l.progress());
        }
        return l;
    }

    // ---- settings ----

    public FitSpec spec() {
        return FitSpec.defaults().withSeed(seed.get()).withMaxSteps(maxSteps.get()).withLr(lr.get())
                .withInit(init.get()).withArrangement(arrangement.get());
    }

    /** Back to the paper's recipe (seed 0, 5000 steps, lr 0.01, N(0,1) init, [e][m]×(N−1), one restart). */
    public void resetSettings() {
        FitSpec d = FitSpec.defaults();
        seed.set((int) d.seed());
        maxSteps.set(d.maxSteps());
        lr.set(d.lr());
        init.set(d.init());
        arrangement.set(d.arrangement());
        restarts.set(1);
    }

    private void rememberSettings() {
        AppSettings.Fit f = new AppSettings.Fit(seed.get(), maxSteps.get(), lr.get(), init.get().cliName(),
                arrangement.get().cliName(), restarts.get());
        String t = text.get();
        wb.updateSettings(s -> s.withFit(f).withLastText(t));
    }

    // ---- tokenisation preview (latest wins) ----

    private void schedulePreview() {
        if (pendingPreview != null) {
            pendingPreview.cancel(false);
        }
        ModelSession s = wb.session();
        String t = text.get();
        Arrangement arr = arrangement.get();
        if (s == null) {
            preview.set(null);
            return;
        }
        LoadedModel m = s.model();
        pendingPreview = previewWorker.schedule(() -> {
            Preview p = tokenize(m, t, arr);
            Platform.runLater(() -> {
                if (t.equals(text.get()) && wb.session() == s) {
                    preview.set(p);
                }
            });
        }, PREVIEW_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    static Preview tokenize(LoadedModel m, String t, Arrangement arr) {
        int context = m.config().maxPositions() - arr.offset();
        if (t.isEmpty()) {
            return new Preview(t, new String[0], new int[0], 0, context, "Type or paste a text to fit.", true);
        }
        Encoding enc = m.tokenizer().encode(t, false);
        int n = enc.size();
        String warning = null;
        boolean blocking = false;
        int reach = likelyReach(m.model().parameterCount());
        if (n == 0) {
            warning = "The text has no tokens for this model's tokenizer.";
            blocking = true;
        } else if (n > context) {
            warning = n + " tokens: more than the model's context of " + context
                    + " positions. Shorten the text to at most " + context + " tokens.";
            blocking = true;
        } else if (n > reach) {
            warning = n + " tokens: models of this size usually write about " + reach
                    + " tokens in one pass (a rough guide from the paper), so the fit may stop short of 100 %.";
        }
        return new Preview(t, enc.pieces(), enc.starts(), n, context, warning, blocking);
    }

    /**
     * About how many tokens a model of this size reconstructs from two vectors: a rough interpolation in
     * log(parameters) through the paper's capacity table (Pythia-160M ~128, Llama-3.2-1B 362, 3B 512,
     * Llama-3.1-8B 724) and the ~20 tokens the 0.3–5 M-parameter test models reach.
     */
    static int likelyReach(long parameters) {
        double[][] points = {{2.6e5, 20}, {5e6, 24}, {1.6e8, 128}, {1.24e9, 362}, {3.2e9, 512}, {8e9, 724}};
        double lp = Math.log(Math.max(1, parameters));
        if (lp <= Math.log(points[0][0])) {
            return (int) points[0][1];
        }
        for (int i = 1; i < points.length; i++) {
            double a = Math.log(points[i - 1][0]);
            double b = Math.log(points[i][0]);
            if (lp <= b) {
                double t = (lp - a) / (b - a);
                return (int) Math.round(points[i - 1][1] + t * (points[i][1] - points[i - 1][1]));
            }
        }
        return (int) points[points.length - 1][1];
    }

    // ---- commands ----

    /** Starts a fit of the text with the settings (Ctrl+Enter). */
    public void fit() {
        start(null);
    }

    /** "Fit again with new seed": the next unused seeds, same text and settings. */
    public void fitAgainWithNewSeed() {
        if (phase.get() == Phase.RUNNING || phase.get() == Phase.STOPPING) {
            return;
        }
        seed.set(seed.get() + Math.max(1, restarts.get()));
        start(null);
    }

    /** Continues the shown run from its optimiser state (a checkpoint, or a fit that ran out of steps). */
    public void resume() {
        Outcome o = outcome.get();
        if (o == null || o.resume() == null || phase.get() == Phase.RUNNING) {
            return;
        }
        start(o);
    }

    private void start(Outcome resumeFrom) {
        ModelSession s = wb.session();
        if (s == null) {
            wb.showModelPicker();
            return;
        }
        if (phase.get() == Phase.RUNNING || phase.get() == Phase.STOPPING) {
            return;
        }
        if (wb.fittingProperty().get()) {
            Dialogs.error(wb.window(), "A fit is running", "Another fit (seeds from the Atlas) is running on "
                    + s.model().name() + "; wait for it or stop it in the status bar.");
            return;
        }
        FitSpec spec = resumeFrom != null ? resumeFrom.spec() : spec();
        FitTarget t;
        try {
            t = resumeFrom != null ? resumeFrom.target() : FitTarget.of(s.model(), text.get(), spec.arrangement());
        } catch (UserError e) {
            Dialogs.error(wb.window(), "Cannot fit this text", e);
            return;
        }
        FitRequest request;
        String resumedId = null;
        if (resumeFrom != null) {
            // up to "max steps" more updates from where it stopped
            FitSpec more = spec.withSeed(resumeFrom.seeds().get(resumeFrom.best()))
                    .withMaxSteps(resumeFrom.resume().step() + maxSteps.get());
            request = FitRequest.single(t, more).startingFrom(resumeFrom.resume());
            resumedId = resumeFrom.ids().get(resumeFrom.best());
        } else {
            int k = Math.max(1, restarts.get());
            request = k == 1 ? FitRequest.single(t, spec) : FitRequest.seeds(t, spec, k);
            rememberSettings();
        }
        FitRuns runs = FitRuns.start(s.model(), request, resumedId);
        OneStepDecoder decoder = new OneStepDecoder(s.model());
        int n = t.length();

        target.set(t);
        curves.reset(request.size());
        if (resumeFrom != null && request.start().history() != null) {
            curves.replace(List.of(request.start().history()), 0);
        }
        alternatives.set(null);
        lastProgress.set(null);
        outcome.set(null);
        shownProgress.set(null);
        pendingLive.set(new Live(new float[n], new String[n], new boolean[n], "starting…", null));
        phase.set(Phase.RUNNING);
        note.set("");
        wb.fittingProperty().set(true);
        RunningTask task = new RunningTask("Fitting " + n + " tokens", this::stop);
        task.update(0, "starting");
        wb.beginTask(task);
        wake.run();

        long[] lastLive = {0};
        ModelSession.FitTask ft = s.fit(request, p -> {
            // every step goes into the curves; the strip and the status bar need at most a frame's worth
            curves.record(p);
            lastProgress.set(p);
            long now = System.nanoTime();
            if (now - lastLive[0] < LIVE_EVERY_NANOS && !p.finished()) {
                return;
            }
            lastLive[0] = now;
            FitProgress.Item b = p.best();
            String[] written = new String[b.argmax().length];
            for (int i = 0; i < written.length; i++) {
                written[i] = TokenText.clean(s.model().tokenizer().piece(b.argmax()[i]));
            }
            pendingLive.set(new Live(b.targetProb(), written, b.correct(), caption(p), p));
            task.update(p.maxSteps() > 0 ? Math.min(1, (double) p.step() / p.maxSteps()) : -1,
                    "step " + p.step() + ", " + b.correctCount() + "/" + n + " tokens right");
            wake.run();
        }, 1, state -> checkpoint(runs, decoder, t, spec, state), CHECKPOINT_MILLIS);
        running = ft;
        CompletableFuture<Void> done = new CompletableFuture<>();
        settled = done;
        ft.result().whenComplete((r, e) -> finished(s, runs, decoder, t, spec, task, r, e, done));
    }

    /** On the model's worker, between two steps: write the checkpoint (on the IO thread) and refresh top-k. */
    private void checkpoint(FitRuns runs, OneStepDecoder decoder, FitTarget t, FitSpec spec, FitState state) {
        List<FitRuns.Entry> entries = runs.checkpoint(state);
        int best = bestItem(state.history());
        Decoded d = decoder.decode(entries.get(best).vectors(), t.length(), spec.arrangement(), t.ids(), TOP_K);
        alternatives.set(new Alternatives(state.step(), d));
        wb.io().execute(() -> {
            try {
                write(entries);
                Platform.runLater(() -> note.set("checkpoint saved at step " + state.step()));
                wb.libraryChanged();
            } catch (RuntimeException ex) {
                Platform.runLater(() -> note.set("checkpoint failed: " + Dialogs.describe(ex)));
            }
        });
    }

    private static int bestItem(FitHistory h) {
        int last = h.length() - 1;
        int best = 0;
        for (int i = 1; i < h.items() && last >= 0; i++) {
            float a = h.accuracy(i)[last];
            float b = h.accuracy(best)[last];
            if (a > b || (a == b && h.loss(i)[last] < h.loss(best)[last])) {
                best = i;
            }
        }
        return best;
    }

    private void finished(ModelSession s, FitRuns runs, OneStepDecoder decoder, FitTarget t, FitSpec spec,
                          RunningTask task, FitResult r, Throwable e, CompletableFuture<Void> done) {
        if (e != null) {
            Platform.runLater(() -> {
                running = null;
                phase.set(outcome.get() != null ? Phase.FINISHED : Phase.IDLE);
                wb.fittingProperty().set(false);
                wb.endTask(task);
                Dialogs.error(wb.window(), "The fit failed", e);
                done.complete(null);
            });
            return;
        }
        task.update(-1, "decoding the result");
        s.submit(m -> {
            List<ProtoTokens> vectors = new ArrayList<>();
            for (FitResult.Item it : r.items()) {
                vectors.add(new ProtoTokens(it.e(), it.m()));
            }
            List<Decoded> decoded = decoder.decodeAll(vectors, t.length(), spec.arrangement(), t.ids(), TOP_K);
            double hLm = TextEntropy.hLm(m, t.ids());
            return new Outcome(t, spec, vectors, decoded, r.items().stream().map(FitResult.Item::seed).toList(),
                    r.items().indexOf(r.best()), hLm, r.updates(), r.millis(), statusText(r), r.message(), r, runs,
                    null, resumable(r) ? withHistory(r) : null, false);
        }).whenComplete((o, err) -> {
            if (o != null) {
                List<FitRuns.Entry> draft = runs.draft(r, o.decoded(), o.hLm());
                wb.io().execute(() -> {
                    try {
                        write(draft);
                        wb.libraryChanged();
                    } catch (RuntimeException ex) {
                        Platform.runLater(() -> Dialogs.error(wb.window(), "Could not keep the result", ex));
                    } finally {
                        done.complete(null);
                    }
                });
            } else {
                done.complete(null);
            }
            Platform.runLater(() -> {
                running = null;
                wb.fittingProperty().set(false);
                wb.endTask(task);
                if (err != null) {
                    phase.set(Phase.IDLE);
                    Dialogs.error(wb.window(), "Could not decode the result", err);
                    return;
                }
                curves.replace(r.items().stream().map(FitResult.Item::history).toList(), o.best());
                show(o);
                note.set(r.status() == FitResult.Status.CANCELLED ? "stopped; the partial result is kept"
                        : "kept as a checkpoint until saved");
                if (r.status() == FitResult.Status.DIVERGED) {
                    Dialogs.error(wb.window(), "The fit diverged", r.message());
                }
            });
        });
    }

    /** One item that stopped short of the target (steps ran out, or stopped) can continue where it ended. */
    private static boolean resumable(FitResult r) {
        return r.items().size() == 1 && !r.best().reached()
                && (r.status() == FitResult.Status.MAX_STEPS || r.status() == FitResult.Status.CANCELLED);
    }

    /** The final state with its history, so a resumed fit continues the curves. */
    private static FitState withHistory(FitResult r) {
        FitState l = r.last();
        if (l == null) {
            return null;
        }
        return new FitState(l.step(), l.e(), l.m(), l.adamE1(), l.adamE2(), l.adamM1(), l.adamM2(),
                r.items().getFirst().history());
    }

    private void show(Outcome o) {
        Decoded best = o.bestDecoded();
        String[] written = Arrays.stream(best.pieces()).map(TokenText::clean).toArray(String[]::new);
        alternatives.set(new Alternatives(o.updates(), best));
        target.set(o.target());
        outcome.set(o);
        phase.set(Phase.FINISHED);
        FitProgress last = o.opened() == null ? lastProgress.get() : null;
        if (last == null) {
            shownProgress.set(null);
        }
        pendingLive.set(new Live(best.targetProb(), written, best.correct(),
                String.format(Locale.ROOT, "%s · %d/%d tokens right", o.status(), best.correctCount(),
                        best.length()), last));
        wake.run();
    }

    private static String statusText(FitResult r) {
        FitResult.Item b = r.best();
        return switch (r.status()) {
            case REACHED -> "reached 100 % after " + b.stepsToReach() + " steps";
            case MAX_STEPS -> b.reached() ? "reached after " + b.stepsToReach() + " steps" : "ran all " + r.updates() + " steps";
            case CANCELLED -> "stopped after " + r.updates() + " steps";
            case DIVERGED -> "diverged after " + r.updates() + " steps";
        };
    }

    private static String caption(FitProgress p) {
        FitProgress.Item b = p.best();
        return String.format(Locale.ROOT, "step %d · %d/%d tokens right · loss %.3f", p.step(), b.correctCount(),
                b.correct().length, b.loss());
    }

    /** Stops the running fit before its next step (Esc); the best vectors so far become the result. */
    public void stop() {
        ModelSession.FitTask t = running;
        if (t != null && phase.get() == Phase.RUNNING) {
            t.cancel();
            phase.set(Phase.STOPPING);
        }
    }

    /** For closing the window: stops a running fit and completes once its result is kept in the library. */
    public CompletableFuture<Void> stopAndKeep() {
        stop();
        return settled;
    }

    public boolean isBusy() {
        return phase.get() == Phase.RUNNING || phase.get() == Phase.STOPPING;
    }

    /** "Save to library" (Ctrl+S): the finished records replace the checkpoints. */
    public CompletableFuture<Void> save() {
        Outcome o = outcome.get();
        if (o == null || o.saved() || isBusy()) {
            return CompletableFuture.completedFuture(null);
        }
        List<FitRuns.Entry> entries = o.runs() != null ? o.runs().finals(o.result(), o.decoded(), o.hLm())
                : List.of(finalOf(o));
        return CompletableFuture.runAsync(() -> write(entries), wb.io()).whenComplete((v, e) -> Platform.runLater(() -> {
            if (e != null) {
                Dialogs.error(wb.window(), "Could not save the run", e);
                return;
            }
            if (outcome.get() == o) {
                outcome.set(o.withSaved(true));
            }
            note.set(entries.size() == 1 ? "saved to the library as " + entries.getFirst().record().id()
                    : "saved " + entries.size() + " runs to the library");
            wb.libraryChanged();
        }));
    }

    /** An opened checkpoint saved as a finished run: its status and metrics from the one-pass decode. */
    private static FitRuns.Entry finalOf(Outcome o) {
        RunRecord r = o.opened().record();
        Decoded d = o.bestDecoded();
        boolean reached = d.accuracy() >= r.settings().targetAccuracy();
        RunRecord.Metrics old = r.metrics();
        RunRecord.Metrics m = new RunRecord.Metrics(d.accuracy(), d.loss(), d.correctCount(), d.length(), reached,
                old != null ? old.stepsToReach() : -1, old != null ? old.bestStep() : 0,
                old != null ? old.updates() : 0, o.hLm(), d.text());
        RunRecord rec = new RunRecord(r.schemaVersion(), r.id(), r.createdAt(), r.appVersion(), r.model(), r.text(),
                r.tokenIds(), r.tokenPieces(), r.settings(), reached ? "complete" : "cancelled", m, r.history(),
                r.timings(), r.environment(), r.batch(), null, r.label());
        return new FitRuns.Entry(rec, o.vectors().get(o.best()), null);
    }

    private void write(List<FitRuns.Entry> entries) {
        RunLibrary lib = wb.library();
        for (FitRuns.Entry en : entries) {
            lib.save(en.record(), en.vectors(), en.resume());
        }
    }

    /** "Copy vectors": e and m of the best item as JSON on the clipboard. */
    public void copyVectors() {
        Outcome o = outcome.get();
        if (o == null) {
            return;
        }
        ProtoTokens v = o.vectors().get(o.best());
        String json = "{\"text\": " + RunLibrary.JSON.writeValueAsString(o.target().text())
                + ", \"e\": " + Arrays.toString(v.e()) + ", \"m\": " + Arrays.toString(v.m()) + "}";
        ClipboardContent c = new ClipboardContent();
        c.putString(json);
        Clipboard.getSystemClipboard().setContent(c);
        note.set("copied e and m (" + v.dim() + " values each) as JSON");
    }

    /** A dropped or opened text file becomes the text to fit. */
    public void loadTextFile(Path p) {
        try {
            long size = Files.size(p);
            if (size > 1_000_000) {
                throw new UserError(p.getFileName() + " is " + size / 1024 + " KB; paste a shorter text (a few"
                        + " hundred tokens is what large models write in one pass).");
            }
            String t = Files.readString(p, StandardCharsets.UTF_8);
            text.set(t.endsWith("\n") ? t.stripTrailing() : t);
        } catch (java.nio.charset.MalformedInputException e) {
            Dialogs.error(wb.window(), "Cannot read the text", p.getFileName() + " is not UTF-8 text.");
        } catch (IOException e) {
            Dialogs.error(wb.window(), "Cannot read the text", "Reading " + p + " failed: " + e.getMessage());
        } catch (UserError e) {
            Dialogs.error(wb.window(), "Cannot read the text", e);
        }
    }

    /**
     * Shows a run from the library: its text, settings, curves (from its history) and, decoded with the open
     * model, its strip and result. Asks to open the run's model first when another one is open.
     */
    public void openRun(Run run) {
        if (isBusy()) {
            Dialogs.error(wb.window(), "A fit is running", "Stop the running fit (Esc) before opening a run.");
            return;
        }
        RunRecord r = run.record();
        ModelSession s = wb.session();
        if (s == null || !r.model().identity().equals(s.model().identity())) {
            Path modelPath = r.model().path() == null ? null : Path.of(r.model().path());
            if (modelPath == null || !Files.exists(modelPath)) {
                Dialogs.error(wb.window(), "The run's model is not available", "Run " + r.id() + " was fitted with "
                        + r.model().name() + " (" + r.model().path() + "), which is not there any more. Open that"
                        + " model (Ctrl+O) to show this run.");
                return;
            }
            wb.openModel(modelPath).thenRun(() -> Platform.runLater(() -> openRun(run)));
            return;
        }
        RunRecord.Settings st = r.settings();
        FitSpec spec = FitSpec.defaults().withSeed(st.seed()).withMaxSteps(st.maxSteps()).withLr(st.lr())
                .withInit(parse(() -> Init.parse(st.init()), Init.NORMAL))
                .withArrangement(parse(() -> Arrangement.parse(st.arrangement()), Arrangement.E_M))
                .withBetas(st.beta1(), st.beta2()).withWeightDecay(st.weightDecay())
                .withTargetAccuracy(st.targetAccuracy());
        FitTarget t;
        try {
            t = FitTarget.of(s.model(), r.text(), spec.arrangement());
            if (!Arrays.equals(t.ids(), r.tokenIds())) {
                throw new UserError("Run " + r.id() + " stores other token ids than " + s.model().name()
                        + "'s tokenizer gives for its text; it cannot be shown with this model.");
            }
        } catch (UserError e) {
            Dialogs.error(wb.window(), "Cannot show the run", e);
            return;
        }
        text.set(r.text());
        seed.set((int) Math.max(0, Math.min(Integer.MAX_VALUE, st.seed())));
        maxSteps.set(st.maxSteps());
        lr.set(st.lr());
        init.set(spec.init());
        arrangement.set(spec.arrangement());
        restarts.set(1);
        FitHistory history = r.history() != null && r.history().loss() != null
                ? FitHistory.of(new float[][] {r.history().loss()}, new float[][] {r.history().accuracy()})
                : new FitHistory(1);
        FitState resume = run.resumeState() == null ? null : new FitState(run.resumeState().step(),
                run.resumeState().e(), run.resumeState().m(), run.resumeState().adamE1(),
                run.resumeState().adamE2(), run.resumeState().adamM1(), run.resumeState().adamM2(), history);
        OneStepDecoder decoder = new OneStepDecoder(s.model());
        double storedHLm = r.metrics() != null ? r.metrics().hLm() : Double.NaN;
        s.submit(m -> {
            Decoded d = decoder.decode(run.vectors(), t.length(), spec.arrangement(), t.ids(), TOP_K);
            double h = Double.isFinite(storedHLm) ? storedHLm : TextEntropy.hLm(m, t.ids());
            RunRecord.Metrics mt = r.metrics();
            long millis = r.timings() != null ? r.timings().millis() : 0;
            int updates = mt != null ? mt.updates() : history.length();
            String status = r.isCheckpoint() ? "checkpoint (unsaved) at step " + updates : r.status().replace('_', ' ');
            return new Outcome(t, spec, List.of(run.vectors()), List.of(d), List.of(st.seed()), 0, h, updates, millis,
                    status, null, null, null, run, resume, !r.isCheckpoint());
        }).whenComplete((o, e) -> Platform.runLater(() -> {
            if (e != null) {
                Dialogs.error(wb.window(), "Cannot show the run", e);
                return;
            }
            curves.replace(List.of(history), 0);
            show(o);
            note.set("opened run " + r.id());
            wb.screenProperty().set(Screen.FIT);
        }));
    }

    /** The model changed: the shown result belongs to the old one (it is in the library either way). */
    private void modelChanged() {
        if (!isBusy()) {
            outcome.set(null);
            target.set(null);
            shownProgress.set(null);
            phase.set(Phase.IDLE);
            pendingLive.set(null);
        }
        schedulePreview();
    }
}
