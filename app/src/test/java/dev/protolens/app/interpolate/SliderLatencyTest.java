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
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.tokenizer.Encoding;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A measurement, printed, with loose assertions: the latency from a slider change to the repainted text in the
 * Interpolation view of the real window, on a path between two runs of an N = 32 token text. Slider events
 * arrive every 16 ms (a drag at 60 Hz) as the slider's value, set on the FX thread; each event's latency is the
 * time until the text decoded at that τ or a later one is repainted (a superseded event is served by the newer
 * paint, which is what a person sees). Also printed: the same to the end of the next pulse (on screen), the
 * decode alone, and how long the FX thread was ever busy or unavailable.
 *
 * <p>The second part checks that the FX thread never waits on the model: while the model's worker is held busy
 * for {@value #BUSY_MS} ms, slider events keep being handled in well under a frame, the FX thread keeps
 * answering, and when the worker is free only the newest τ is decoded (the stale requests were cancelled).
 *
 * <p>The target is p95 ≤ 16 ms to the repainted text. The test asserts {@value #P95_LIMIT_MS} ms only:
 * this machine's two cores are shared with other jobs. {@link #main} runs the same on a real display.
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

    record Result(String model, int tokens, int events, int paints, double p50, double p95, double max,
                  double screenP50, double screenP95, double decodeP50, double decodeP95, double maxHandlerMs,
                  double maxRunLaterMs, double maxFrameGapMs, double busyMaxHandlerMs, double busyMaxRunLaterMs,
                  int decodesAfterBusy) {}

    @ParameterizedTest
    @ValueSource(strings = {"stories260k-hf", "tinyllama-v0"})
    void sliderToRepaintedText(String name) throws Exception {
        Path model = GuiTesting.sharedModel(name);
        Result r = measure(model, Files.createTempDirectory("protolens-slider"));
        assertThat(r.tokens()).isBetween(N - 2, N);
        assertThat(r.events()).isEqualTo(EVENTS);
        assertThat(r.p95()).as("p95 from slider change to repainted text, ms").isLessThan(P95_LIMIT_MS);
        // the FX thread never waits on the model: with the worker held busy, a slider event still takes far
        // less than the worker's hold, and the FX thread keeps answering
        assertThat(r.busyMaxHandlerMs()).isLessThan(BUSY_MS / 8.0);
        assertThat(r.busyMaxRunLaterMs()).isLessThan(BUSY_MS / 4.0);
        assertThat(r.decodesAfterBusy()).as("stale slider requests are cancelled, the newest is decoded")
                .isBetween(1, 2);
    }

    public static void main(String[] args) throws Exception {
        List<String> models = args.length > 0 ? List.of(args)
                : List.of("../../shared/models/stories260k-hf", "../../shared/models/tinyllama-v0");
        for (String m : models) {
            measure(Path.of(m).toAbsolutePath().normalize(), Files.createTempDirectory("protolens-slider"));
        }
        Platform.exit();
        System.exit(0);
    }

    /** Two runs of the first {@value #N} tokens of the story, 2 seeds sharing m; accuracy does not matter here. */
    static int fitPair(Path model, RunLibrary lib) throws Exception {
        try (ModelSession s = ModelSession.of(ModelLoader.load(model))) {
            Encoding enc = s.model().tokenizer().encode(STORY, false);
            assertThat(enc.size()).isGreaterThanOrEqualTo(N);
            String prefix = s.model().tokenizer().decode(Arrays.copyOf(enc.ids(), N), false);
            FitTarget t = FitTarget.of(s.model(), prefix, Arrangement.E_M);
            FitSpec spec = FitSpec.defaults().withMaxSteps(150).withSharedM(true);
            AtlasFixture.fitAndSave(s, lib, FitRequest.seeds(t, spec, 2), spec);
            return t.length();
        }
    }

    static Result measure(Path model, Path home) throws Exception {
        RunLibrary lib = new RunLibrary(home.resolve("library"));
        int tokens = fitPair(model, lib);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        ProtoLensApp app = GuiTesting.start(home);
        try {
            waitUntil("the model to load", 120, () -> app.workbench().session() != null
                    && !((Label) find("#status-model")).getText().isEmpty());
            onFx(() -> {
                ((ToggleButton) find("#nav-interpolate")).fire();
                return null;
            });
            waitUntil("the view", 30, () -> find("#interpolate-view") != null);
            InterpolateView view = find("#interpolate-view");
            InterpolateViewModel vm = view.model();
            waitUntil("the choosers to list the runs", 30, () -> vm.candidates().size() == 2);
            onFx(() -> {
                vm.choiceAProperty().set(vm.candidates().get(0));
                vm.choiceBProperty().set(vm.candidates().get(1));
                return null;
            });
            waitUntil("the curves", 120, () -> vm.curvesProperty().get() != null);
            waitUntil("the text at τ = 0", 60, () -> view.textCanvas().getUserData() != null);
            Slider slider = find("#interp-tau");

            // probes, all recorded on the FX thread
            List<long[]> paints = new ArrayList<>(); // requested, painted, started, decoded (ns)
            List<Long> pulseEnds = new ArrayList<>();
            List<Double> paintTaus = new ArrayList<>();
            view.setPaintListener((w, t) -> {
                paints.add(new long[] {w.requestedNanos(), t, w.startedNanos(), w.decodedNanos()});
                paintTaus.add(w.tau());
            });
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

            List<long[]> warm = drag(timer, slider, WARMUP, 0);
            waitCovered(paints, warm);
            onFx(() -> {
                paints.clear();
                paintTaus.clear();
                pulseEnds.clear();
                frameGap[0] = 0;
                frameGap[1] = 0;
                return null;
            });
            maxLater.set(0);
            CpuShares cpu = CpuShares.start();
            List<long[]> events = drag(timer, slider, EVENTS, WARMUP);
            String shares = cpu.report();
            waitCovered(paints, events);
            double maxRunLater = maxLater.get() / 1e6;

            List<long[]> ps = onFx(() -> List.copyOf(paints));
            List<Long> pe = onFx(() -> List.copyOf(pulseEnds));
            double[] latency = new double[events.size()];
            double[] screen = new double[events.size()];
            for (int i = 0; i < events.size(); i++) {
                long t0 = events.get(i)[0];
                long[] p = ps.stream().filter(x -> x[0] >= t0).findFirst().orElseThrow();
                latency[i] = (p[1] - t0) / 1e6;
                long shown = pe.stream().filter(x -> x >= p[1]).findFirst().orElse(p[1]);
                screen[i] = (shown - t0) / 1e6;
            }
            double[] decode = ps.stream().mapToDouble(p -> (p[3] - p[2]) / 1e6).toArray();
            double[] queue = ps.stream().mapToDouble(p -> (p[2] - p[0]) / 1e6).toArray();
            double[] delivery = ps.stream().mapToDouble(p -> (p[1] - p[3]) / 1e6).toArray();
            double[] repaint = onFx(() -> {
                double[] r = new double[50];
                for (int i = 0; i < r.length; i++) {
                    long t0 = System.nanoTime();
                    view.textCanvas().repaint();
                    r[i] = (System.nanoTime() - t0) / 1e6;
                }
                return r;
            });
            System.out.printf(Locale.ROOT, "breakdown: waiting for the worker p50 %.1f / p95 %.1f ms, decode p50 %.1f /"
                            + " p95 %.1f ms, decoded → repainted p50 %.1f / p95 %.1f ms, the text's repaint alone p50 %.2f"
                            + " / p95 %.2f ms%n", pct(queue, 50), pct(queue, 95), pct(decode, 50), pct(decode, 95),
                    pct(delivery, 50), pct(delivery, 95), pct(repaint, 50), pct(repaint, 95));
            System.out.println("during the drag: " + shares);
            double maxHandler = events.stream().mapToDouble(e -> e[1] / 1e6).max().orElse(0);

            // the worker held busy: slider events must not wait for it, and stale ones are dropped
            int before = onFx(paints::size);
            maxLater.set(0);
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
            List<long[]> busy = drag(timer, slider, (int) (BUSY_MS / EVERY_MS / 2), WARMUP + EVENTS);
            double busyMaxRunLater = maxLater.get() / 1e6;
            waitCovered(paints, busy);
            double busyMaxHandler = busy.stream().mapToDouble(e -> e[1] / 1e6).max().orElse(0);
            int decodesAfterBusy = onFx(paints::size) - before;
            double lastTau = onFx(() -> paintTaus.getLast());
            assertThat(lastTau).isEqualTo(tauAt(WARMUP + EVENTS + busy.size() - 1));

            heartbeat.cancel(false);
            timer.shutdownNow();
            onFx(() -> {
                frames.stop();
                view.getScene().removePostLayoutPulseListener(pulse);
                return null;
            });
            Result r = new Result(model.getFileName().toString(), tokens, events.size(), ps.size(), pct(latency, 50),
                    pct(latency, 95), pct(latency, 100), pct(screen, 50), pct(screen, 95), pct(decode, 50),
                    pct(decode, 95), maxHandler, maxRunLater, frameGap[1] / 1e6, busyMaxHandler, busyMaxRunLater,
                    decodesAfterBusy);
            System.out.printf(Locale.ROOT, "slider latency, %s, N = %d: %d slider events every %d ms, %d repaints;"
                            + " slider change → repainted text p50 %.1f ms, p95 %.1f ms, max %.1f ms; → end of the next"
                            + " pulse p50 %.1f ms, p95 %.1f ms; decode alone p50 %.1f ms, p95 %.1f ms%n", r.model(),
                    r.tokens(), r.events(), EVERY_MS, r.paints(), r.p50(), r.p95(), r.max(), r.screenP50(),
                    r.screenP95(), r.decodeP50(), r.decodeP95());
            System.out.printf(Locale.ROOT, "FX thread, %s: longest slider event %.2f ms, max runLater delay %.1f ms, max"
                            + " frame gap %.1f ms; worker held %d ms: longest slider event %.2f ms, max runLater delay"
                            + " %.1f ms, %d of %d requests decoded afterwards; load average %.2f on %d cores%n",
                    r.model(), r.maxHandlerMs(), r.maxRunLaterMs(), r.maxFrameGapMs(), BUSY_MS, r.busyMaxHandlerMs(),
                    r.busyMaxRunLaterMs(), r.decodesAfterBusy(), busy.size(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
            return r;
        } finally {
            GuiTesting.stop(app);
        }
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
    static void waitCovered(List<long[]> paints, List<long[]> events) {
        long last = events.getLast()[0];
        waitUntil("the last slider event to be painted", 30, () -> paints.stream().anyMatch(p -> p[0] >= last));
    }

    /**
     * Which threads used the CPU between {@link #start()} and {@link #report()}, as a share of the wall time
     * (a share of one core), and the garbage collector's pauses: on two cores the decode slows down whenever
     * the FX thread and the renderer are busy, so their share is part of the latency's story.
     */
    record CpuShares(Map<Long, Long> cpu, long wall, long gcCount, long gcMillis) {
        static CpuShares start() {
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpu = new HashMap<>();
            for (long id : t.getAllThreadIds()) {
                cpu.put(id, t.getThreadCpuTime(id));
            }
            return new CpuShares(cpu, System.nanoTime(), gc(GarbageCollectorMXBean::getCollectionCount),
                    gc(GarbageCollectorMXBean::getCollectionTime));
        }

        String report() {
            long w = System.nanoTime() - wall;
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            List<String> rows = new ArrayList<>();
            for (ThreadInfo ti : t.getThreadInfo(t.getAllThreadIds())) {
                if (ti != null) {
                    long c = t.getThreadCpuTime(ti.getThreadId()) - cpu.getOrDefault(ti.getThreadId(), 0L);
                    if (c > w / 50) {
                        rows.add(String.format(Locale.ROOT, "%4.1f %% %s", 100.0 * c / w, ti.getThreadName()));
                    }
                }
            }
            rows.sort(Comparator.reverseOrder());
            return "CPU " + String.join(", ", rows) + String.format(Locale.ROOT, "; %d GC pauses, %d ms",
                    gc(GarbageCollectorMXBean::getCollectionCount) - gcCount,
                    gc(GarbageCollectorMXBean::getCollectionTime) - gcMillis);
        }

        private static long gc(java.util.function.ToLongFunction<GarbageCollectorMXBean> f) {
            return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(f).sum();
        }
    }

    static double pct(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[(int) Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
    }
}
