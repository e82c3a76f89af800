package dev.protolens.app.interpolate;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.atlas.AtlasFixture;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.model.RandomCheckpoint;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.tokenizer.Encoding;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A benchmark, printed as one JSON line per model, with loose assertions: the latency from a slider change to
 * the repainted text in the Interpolation view of the real window, on a path between two runs of an N = 32 token
 * text, once the slider's grid is decoded; and how long the grid takes. Slider events arrive every 16 ms as a
 * drag (the slider's valueChanging is set, as a mouse drag sets it), on the FX thread; each event's latency is
 * the time until the text shown for that τ is repainted. With the grid decoded the text is the nearest grid
 * point's and is repainted in the event itself; also printed: the same to the end of the next pulse (when it
 * reaches the screen), and the time from letting go of the thumb to the exact τ's text.
 *
 * <p>The second part checks that the FX thread never waits on the model: while the model's worker is held busy
 * for {@value #BUSY_MS} ms, dragging keeps showing grid points in well under a frame, and letting go decodes
 * the one last τ.
 *
 * <p>Models: TinyLLama-v0 from ../shared and a random checkpoint of SmolLM2-135M's shape (576 wide, 30 layers,
 * a 49,152-token vocabulary; TinyLLama's tokenizer). The goal is p95 ≤ 16 ms to the repainted text; the
 * test asserts {@value #P95_LIMIT_MS} ms only. {@link #main} runs the same on a real display (under Xvfb).
 */
@Tag("bench") // a measurement: runs with mvn -Pbench verify, not in the unit suite
class SliderLatencyTest {
    static final String STORY = "Lily and Ben went to the park to play with a big red ball. They ran and laughed in"
            + " the warm sun all day long. Then it started to rain, so they went home and had hot soup with mom.";
    static final int N = 32;
    static final int WARMUP = 60;
    static final int EVENTS = 240;
    static final long EVERY_MS = 16;
    static final long BUSY_MS = 400;
    static final double P95_LIMIT_MS = 100;
    /** A model name that means: write a random checkpoint of SmolLM2-135M's shape first. */
    static final String RANDOM_135M = "random-smollm2-135m";

    record Result(String model, int tokens, int gridPoints, double firstTextMs, double firstCurveMs,
                  double gridReadyMs, double msPerPoint, int events, double p50, double p95, double max,
                  double screenP50, double screenP95, double releaseToExactMs, double maxRunLaterMs,
                  double maxFrameGapMs, double busyP95, int exactAfterBusy) {}

    @ParameterizedTest
    @ValueSource(strings = {"tinyllama-v0", RANDOM_135M})
    void sliderToRepaintedText(String name, @TempDir Path tmp) throws Exception {
        Result r = measure(model(name, tmp), tmp.resolve("home"), name.equals(RANDOM_135M) ? 5 : 150);
        assertThat(r.tokens()).isBetween(N - 2, N);
        assertThat(r.events()).isEqualTo(EVENTS);
        assertThat(r.p95()).as("p95 from slider change to repainted text, ms").isLessThan(P95_LIMIT_MS);
        // the FX thread never waits on the model: with the worker held busy, dragging still shows grid points
        assertThat(r.busyP95()).isLessThan(BUSY_MS / 8.0);
        assertThat(r.exactAfterBusy()).as("letting go decodes the last τ only").isEqualTo(1);
    }

    /** The model folder: one of ../shared/models, or a random SmolLM2-135M-shaped checkpoint written into tmp. */
    static Path model(String name, Path tmp) throws Exception {
        if (!name.equals(RANDOM_135M)) {
            return name.contains("/") ? Path.of(name).toAbsolutePath().normalize() : GuiTesting.sharedModel(name);
        }
        Path dir = tmp.resolve(RANDOM_135M);
        RandomCheckpoint.write(dir, RandomCheckpoint.shape("smollm2-135m"), 0, GuiTesting.sharedModel("tinyllama-v0"));
        return dir;
    }

    /** Runs on a real display: {@code xvfb-run -a java ... SliderLatencyTest [MODEL ...]} (see the README). */
    public static void main(String[] args) throws Exception {
        List<String> models = args.length > 0 ? List.of(args) : List.of("tinyllama-v0", RANDOM_135M);
        for (String m : models) {
            Path tmp = Files.createTempDirectory("protolens-slider");
            try {
                measure(model(m, tmp), tmp.resolve("home"), m.equals(RANDOM_135M) ? 5 : 150);
            } finally {
                try (var files = Files.walk(tmp)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
        Platform.exit();
        System.exit(0);
    }

    /** Two runs of the first {@value #N} tokens of the story, 2 seeds sharing m; accuracy does not matter here. */
    static int fitPair(Path model, RunLibrary lib, int steps) throws Exception {
        try (ModelSession s = ModelSession.of(ModelLoader.load(model))) {
            Encoding enc = s.model().tokenizer().encode(STORY, false);
            assertThat(enc.size()).isGreaterThanOrEqualTo(N);
            String prefix = s.model().tokenizer().decode(Arrays.copyOf(enc.ids(), N), false);
            FitTarget t = FitTarget.of(s.model(), prefix, Arrangement.E_M);
            FitSpec spec = FitSpec.defaults().withMaxSteps(steps).withSharedM(true);
            AtlasFixture.fitAndSave(s, lib, FitRequest.seeds(t, spec, 2), spec);
            return t.length();
        }
    }

    static Result measure(Path model, Path home, int fitSteps) throws Exception {
        Files.createDirectories(home);
        RunLibrary lib = new RunLibrary(home.resolve("library"));
        int tokens = fitPair(model, lib, fitSteps);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        ProtoLensApp app = GuiTesting.start(home);
        try {
            waitUntil("the model to load", 300, () -> app.workbench().session() != null
                    && !((Label) find("#status-model")).getText().isEmpty());
            onFx(() -> {
                ((ToggleButton) find("#nav-interpolate")).fire();
                return null;
            });
            waitUntil("the view", 30, () -> find("#interpolate-view") != null);
            InterpolateView view = find("#interpolate-view");
            InterpolateViewModel vm = view.model();
            waitUntil("the choosers to list the runs", 30, () -> vm.candidates().size() == 2);
            Slider slider = find("#interp-tau");

            // probes, all recorded on the FX thread: requested, painted (ns), exact (1/0), τ
            List<double[]> paints = new ArrayList<>();
            List<Long> pulseEnds = new ArrayList<>();
            view.setPaintListener((w, t) -> paints.add(new double[] {w.shown().requestedNanos(), t,
                    w.shown().exact() ? 1 : 0, w.tau()}));
            long chosen = System.nanoTime();
            onFx(() -> {
                vm.choiceAProperty().set(vm.candidates().get(0));
                vm.choiceBProperty().set(vm.candidates().get(1));
                return null;
            });
            long[] firstText = {0};
            long[] firstCurve = {0};
            waitUntil("the grid", 900, () -> {
                long now = System.nanoTime();
                if (firstText[0] == 0 && view.textCanvas().getUserData() != null) {
                    firstText[0] = now;
                }
                if (firstCurve[0] == 0 && vm.curvesProperty().get() != null) {
                    firstCurve[0] = now;
                }
                return vm.curvesProperty().get() != null && vm.curvesProperty().get().complete();
            });
            long ready = System.nanoTime();
            int gridPoints = onFx(() -> vm.curvesProperty().get().straight().points().size());

            Runnable pulse = () -> pulseEnds.add(System.nanoTime());
            long[] frameGap = {0, 0};
            AnimationTimer frames = new AnimationTimer() {
                @Override
                public void handle(long now) {
                    if (frameGap[0] != 0) {
                        frameGap[1] = Math.max(frameGap[1], now - frameGap[0]);
                    }
                    frameGap[0] = now;
                }
            };
            onFx(() -> {
                view.getScene().addPostLayoutPulseListener(pulse);
                frames.start();
                return null;
            });
            AtomicLong maxLater = new AtomicLong();
            ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
            ScheduledFuture<?> heartbeat = timer.scheduleAtFixedRate(() -> {
                long posted = System.nanoTime();
                Platform.runLater(() -> maxLater.accumulateAndGet(System.nanoTime() - posted, Math::max));
            }, 0, 5, TimeUnit.MILLISECONDS);

            setDragging(slider, true);
            List<long[]> warm = drag(timer, slider, WARMUP, 0);
            waitCovered(paints, warm);
            onFx(() -> {
                paints.clear();
                pulseEnds.clear();
                frameGap[0] = 0;
                frameGap[1] = 0;
                return null;
            });
            maxLater.set(0);
            List<long[]> events = drag(timer, slider, EVENTS, WARMUP);
            waitCovered(paints, events);
            double maxRunLater = maxLater.get() / 1e6;
            List<double[]> ps = onFx(() -> List.copyOf(paints));
            List<Long> pe = onFx(() -> List.copyOf(pulseEnds));
            double[] latency = new double[events.size()];
            double[] screen = new double[events.size()];
            for (int i = 0; i < events.size(); i++) {
                long t0 = events.get(i)[0];
                double[] p = ps.stream().filter(x -> x[0] >= t0).findFirst().orElseThrow();
                latency[i] = (p[1] - t0) / 1e6;
                long shown = pe.stream().filter(x -> x >= p[1]).findFirst().orElse((long) p[1]);
                screen[i] = (shown - t0) / 1e6;
            }
            // letting go: the exact τ replaces the grid point
            double releaseToExact = release(slider, paints);

            // the worker held busy: dragging still shows grid points at once; letting go decodes the last τ only
            setDragging(slider, true);
            CountDownLatch holding = new CountDownLatch(1);
            app.workbench().session().submit(m -> {
                holding.countDown();
                try {
                    Thread.sleep(BUSY_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            onFx(() -> {
                paints.clear();
                return null;
            });
            List<long[]> busy = drag(timer, slider, (int) (BUSY_MS / EVERY_MS / 2), WARMUP + EVENTS);
            waitCovered(paints, busy);
            List<double[]> bp = onFx(() -> List.copyOf(paints));
            double[] busyLatency = busy.stream().mapToDouble(e -> bp.stream().filter(x -> x[0] >= e[0]).findFirst()
                    .map(x -> (x[1] - e[0]) / 1e6).orElse(Double.NaN)).toArray();
            long letGo = System.nanoTime();
            release(slider, paints);
            Thread.sleep(300); // any further exact decode would arrive meanwhile
            List<double[]> after = onFx(() -> List.copyOf(paints));
            // (a drag can pass over a grid point's τ exactly, τ = 1 here: that one is exact without a decode)
            int exactAfterBusy = (int) after.stream().filter(x -> x[1] >= letGo && x[2] == 1).count();
            double lastTau = after.getLast()[3];
            assertThat(lastTau).isEqualTo(tauAt(WARMUP + EVENTS + busy.size() - 1));

            heartbeat.cancel(false);
            timer.shutdownNow();
            onFx(() -> {
                frames.stop();
                view.getScene().removePostLayoutPulseListener(pulse);
                return null;
            });
            double msPerPoint = onFx(() -> vm.millisPerGridPoint());
            Result r = new Result(model.getFileName().toString(), tokens, gridPoints, (firstText[0] - chosen) / 1e6,
                    (firstCurve[0] - chosen) / 1e6, (ready - chosen) / 1e6, msPerPoint, events.size(),
                    pct(latency, 50), pct(latency, 95), pct(latency, 100), pct(screen, 50), pct(screen, 95),
                    releaseToExact, maxRunLater, frameGap[1] / 1e6, pct(busyLatency, 95), exactAfterBusy);
            System.out.printf(Locale.ROOT, "slider latency, %s, N = %d: grid of %d points ready %.1f s after the pair"
                            + " was chosen (first text %.0f ms, first curve %.0f ms, %.1f ms per point); %d slider"
                            + " events every %d ms: slider change → repainted text p50 %.2f ms, p95 %.2f ms, max %.2f"
                            + " ms; → end of the next pulse p50 %.1f ms, p95 %.1f ms; let go → exact τ's text %.0f ms;"
                            + " worker held %d ms: p95 %.2f ms, %d exact decode after letting go; max runLater delay"
                            + " %.1f ms, max frame gap %.1f ms; load average %.2f on %d cores%n", r.model(), r.tokens(),
                    r.gridPoints(), r.gridReadyMs() / 1000, r.firstTextMs(), r.firstCurveMs(), r.msPerPoint(),
                    r.events(), EVERY_MS, r.p50(), r.p95(), r.max(), r.screenP50(), r.screenP95(),
                    r.releaseToExactMs(), BUSY_MS, r.busyP95(), r.exactAfterBusy(), r.maxRunLaterMs(),
                    r.maxFrameGapMs(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "slider");
            for (var c : Result.class.getRecordComponents()) {
                json.put(c.getName(), c.getAccessor().invoke(r));
            }
            json.put("load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            json.put("cores", Runtime.getRuntime().availableProcessors());
            System.out.println(new tools.jackson.databind.ObjectMapper().writeValueAsString(json));
            return r;
        } finally {
            GuiTesting.stop(app);
        }
    }

    static void setDragging(Slider slider, boolean on) {
        onFx(() -> {
            slider.setValueChanging(on);
            return null;
        });
    }

    /**
     * Lets go of the thumb (at a τ off the grid, as a drag leaves it) and waits for the exact τ's text: the ms
     * from letting go to its repaint.
     */
    static double release(Slider slider, List<double[]> paints) {
        long t0 = System.nanoTime();
        setDragging(slider, false);
        waitUntil("the exact τ's text", 60, () -> paints.stream().anyMatch(p -> p[1] >= t0 && p[2] == 1));
        double[] p = onFx(() -> paints.stream().filter(x -> x[1] >= t0 && x[2] == 1).findFirst().orElseThrow());
        return (p[1] - t0) / 1e6;
    }

    /** A triangle wave over [0, 1], 120 events per sweep, so consecutive values always differ. */
    static double tauAt(int i) {
        double phase = (i % 120) / 120.0;
        return phase < 0.5 ? 2 * phase : 2 - 2 * phase;
    }

    /**
     * Sets the slider {@code count} times, one every {@value #EVERY_MS} ms, on the FX thread; returns for each
     * event when it began and how long the FX thread spent on it (ns).
     */
    static List<long[]> drag(ScheduledExecutorService timer, Slider slider, int count, int first) throws Exception {
        List<long[]> out = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(count);
        int[] next = {0};
        ScheduledFuture<?> f = timer.scheduleAtFixedRate(() -> {
            int i = next[0]++;
            if (i >= count) {
                return;
            }
            Platform.runLater(() -> {
                long t0 = System.nanoTime();
                slider.setValue(tauAt(first + i));
                out.add(new long[] {t0, System.nanoTime() - t0});
                done.countDown();
            });
        }, 0, EVERY_MS, TimeUnit.MILLISECONDS);
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        f.cancel(false);
        return onFx(() -> List.copyOf(out));
    }

    /** Waits until the last event's τ (or a later one) has been painted. */
    static void waitCovered(List<double[]> paints, List<long[]> events) {
        long last = events.getLast()[0];
        waitUntil("the last slider event to be painted", 30, () -> paints.stream().anyMatch(p -> p[0] >= last));
    }

    static double pct(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[(int) Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
    }
}
