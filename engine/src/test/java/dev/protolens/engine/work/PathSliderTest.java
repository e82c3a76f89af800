package dev.protolens.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.analysis.BezierPath;
import dev.protolens.engine.analysis.Interpolation;
import dev.protolens.engine.analysis.PathCurve;
import dev.protolens.engine.analysis.PathGrid;
import dev.protolens.engine.analysis.PathPoint;
import dev.protolens.engine.analysis.PathSpace;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slider's grid without a model: a worker the test steps by hand and a decoder that writes "path@τ", so the
 * order of the work, what is cancelled and what is shown are exact. The last test runs the same on a tiny
 * random model and checks that grid points are the decodes at their τ.
 */
class PathSliderTest {
    private final BezierPath p1 = path(1);
    private final BezierPath p2 = path(2);
    private final ManualWorker worker = new ManualWorker();
    private final List<String> calls = new ArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();
    private Runnable duringDecode = () -> { };
    private final PathSlider slider = new PathSlider(worker, this::decode, 9, changes::incrementAndGet);

    @Test
    void gridGoesCoarseToFineAndNearestTheThumbFirstWithinALevel() {
        PathGrid g = new PathGrid(p1, 9);
        assertThat(g.taus(g.claim(0.3, 9))).containsExactly(0, 1, 0.5, 0.25, 0.75, 0.375, 0.125, 0.625, 0.875);
        assertThat(g.claim(0.3, 9)).isEmpty();
        // any number of points: a point's level is how many halvings a grid needs to hold it
        PathGrid g21 = new PathGrid(p1, 21);
        assertThat(g21.taus(g21.claim(0.9, 5))).containsExactly(1, 0, 0.5, 0.75, 0.25);
    }

    @Test
    void nearestIsTheClosestDecodedPointAndReleasedPointsAreClaimedAgain() {
        PathGrid g = new PathGrid(p1, 9);
        assertThat(g.nearest(0.3)).isNull();
        int[] first = g.claim(0, 3);
        g.fill(first, decode(p1, g.taus(first)));
        assertThat(g.decodedCount()).isEqualTo(3);
        assertThat(g.nearest(0.3).tau()).isEqualTo(0.5);
        assertThat(g.nearest(0.2).tau()).isEqualTo(0.0);
        assertThat(g.nearest(0.25).tau()).as("a tie goes to the lower τ").isEqualTo(0.0);
        assertThat(g.nearest(0.9).tau()).isEqualTo(1.0);
        int[] next = g.claim(0.3, 2);
        g.release(next);
        assertThat(g.claim(0.3, 2)).containsExactly(next);
        assertThat(g.curve().taus()).containsExactly(0, 0.5, 1);
    }

    @Test
    void theThumbGetsTheNearestGridPointAtOnceAndTheExactTauWhenItRests() {
        slider.show(p1);
        assertThat(slider.moveTo(0.3, true)).as("nothing decoded yet").isNull();
        worker.runAll();
        assertThat(slider.take().exact()).as("with an empty grid the position is decoded exactly").isTrue();
        assertThat(calls).contains("p1 [0.3000]");
        calls.clear();
        slider.show(p1);
        // dragging: the nearest decoded point, no model work for the position
        PathSlider.Shown s = slider.moveTo(0.3, true);
        assertThat(s.exact()).isFalse();
        assertThat(s.point().tau()).isEqualTo(0.25);
        assertThat(s.decoded()).isEqualTo(9);
        assertThat(slider.take()).isSameAs(s);
        assertThat(worker.queue).isEmpty();
        // the thumb rests: the exact τ is decoded and replaces it
        slider.moveTo(0.3, false);
        assertThat(slider.take().exact()).isFalse();
        worker.runAll();
        PathSlider.Shown exact = slider.take();
        assertThat(exact.exact()).isTrue();
        assertThat(exact.point().text()).isEqualTo("p1@0.3000");
        assertThat(calls).containsExactly("p1 [0.3000]");
        // on a grid point nothing is decoded, and a thumb resting on a τ the grid decodes meanwhile not twice
        PathSlider fresh = new PathSlider(worker, this::decode, 9, () -> { });
        fresh.show(p2);
        fresh.moveTo(0, false);
        worker.runAll();
        assertThat(calls.stream().filter(c -> c.equals("p2 [0.0000]"))).hasSize(1);
        assertThat(fresh.take().exact()).isTrue();
        slider.moveTo(0.5, false);
        assertThat(slider.take().exact()).isTrue();
        assertThat(worker.queue).isEmpty();
    }

    @Test
    void refinementFollowsTheThumbAndImprovesWhatARestingThumbShows() {
        slider.show(p1);
        worker.step(); // the end nearest the thumb first, alone: a text after one point's decode
        assertThat(calls).containsExactly("p1 [0.0000]");
        slider.moveTo(0.8, true);
        assertThat(slider.take().point().tau()).isEqualTo(0.0);
        worker.step();
        // then coarse to fine, nearest the thumb first within a level
        assertThat(calls.get(1)).startsWith("p1 [1.0000, 0.5000, 0.7500, 0.2500, 0.8750, 0.6250");
        PathSlider.Shown better = slider.take();
        assertThat(better.point().tau()).as("a nearer point, once the grid has one").isEqualTo(0.75);
        assertThat(better.exact()).isFalse();
    }

    @Test
    void aNewerPositionCancelsTheWaitingExactDecodeAndWins() {
        slider.show(p1);
        worker.runAll();
        calls.clear();
        slider.moveTo(0.3, false);
        slider.moveTo(0.6, false);
        slider.moveTo(0.7, true);
        slider.moveTo(0.55, false);
        worker.runAll();
        assertThat(calls).containsExactly("p1 [0.5500]");
        PathSlider.Shown s = slider.take();
        assertThat(s.tau()).isEqualTo(0.55);
        assertThat(s.exact()).isTrue();
        assertThat(slider.take()).isNull();
    }

    @Test
    void aPathChangeCancelsTheOldWorkAndNothingOfTheOldPathIsShown() {
        slider.show(p1);
        worker.step();
        slider.moveTo(0.3, false); // an exact decode of p1 and a batch of p1 wait
        slider.take();
        slider.show(p2);
        assertThat(slider.take()).as("p2's grid is empty").isNull();
        calls.clear();
        worker.runAll();
        assertThat(calls).allMatch(c -> c.startsWith("p2")).isNotEmpty();
        PathSlider.Shown s;
        while ((s = slider.take()) != null) {
            assertThat(s.path()).isSameAs(p2);
        }
        // an exact decode of p1 that is already running when the path changes is dropped when it ends
        slider.show(p1);
        worker.runAll();
        slider.moveTo(0.3, false);
        duringDecode = () -> {
            duringDecode = () -> { };
            slider.show(p2);
        };
        worker.runAll();
        while ((s = slider.take()) != null) {
            assertThat(s.path()).isSameAs(p2);
        }
        assertThat(slider.current()).isSameAs(p2);
    }

    @Test
    void theShownPathIsRefinedBeforeTheOthersAndAKeptPathKeepsItsGrid() {
        slider.show(p1, p2);
        worker.step();
        int p1Calls = 0;
        while (!slider.curve(p1).points().isEmpty() && slider.curve(p1).points().size() < 9) {
            worker.step();
            p1Calls++;
        }
        assertThat(calls).allMatch(c -> c.startsWith("p1"));
        assertThat(p1Calls).isPositive();
        worker.runAll();
        assertThat(slider.complete()).isTrue();
        assertThat(slider.curve(p2).points()).hasSize(9);
        calls.clear();
        slider.show(p2, p1);
        assertThat(slider.moveTo(0.4, true).point().tau()).isEqualTo(0.375);
        worker.runAll();
        assertThat(calls).as("both grids are kept").isEmpty();
        slider.close();
        assertThat(slider.take()).isNull();
    }

    @Test
    void onATinyModelGridPointsAreTheDecodesAtTheirTau(@TempDir Path tmp) throws Exception {
        try (LoadedModel m = ModelLoader.load(TinyModels.write(tmp, "llama", 5)); ModelSession s = ModelSession.of(m)) {
            int d = m.config().hiddenSize();
            Random r = new Random(3);
            long[] ids = {72, 101, 108, 108, 111, 32, 119};
            Interpolation ends = new Interpolation(new ProtoTokens(gauss(r, d), gauss(r, d)),
                    new ProtoTokens(gauss(r, d), gauss(r, d)), ids, ids, Arrangement.E_M);
            BezierPath line = BezierPath.straight(ends.a(), ends.b(), PathSpace.PAIR);
            // the CLI's way: every point in batches, against the full decode with probabilities
            PathCurve batched = new PathGrid(line, 9).decodeAll(4, t -> ends.textsAt(m, line, t));
            PathCurve full = ends.curve(m, line, 9);
            for (int i = 0; i < 9; i++) {
                assertThat(batched.points().get(i).decoded().ids()).isEqualTo(full.points().get(i).decoded().ids());
                assertThat(batched.points().get(i).accuracy()).isEqualTo(full.points().get(i).accuracy());
            }
            PathSlider ps = PathSlider.on(s, ends, () -> { });
            ps.show(line);
            ps.moveTo(0.37, false);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            PathSlider.Shown exact = null;
            while ((!ps.complete() || exact == null) && System.nanoTime() < until) {
                PathSlider.Shown t = ps.take();
                exact = t != null && t.exact() ? t : exact;
                Thread.sleep(5);
            }
            assertThat(ps.complete()).isTrue();
            assertThat(exact.point().decoded().ids()).isEqualTo(ends.at(m, line, 0.37, 0).decoded().ids());
            assertThat(ps.curve(line).points()).hasSize(PathGrid.SLIDER_POINTS);
            assertThat(ps.curve(line).points().get(64).decoded().ids())
                    .isEqualTo(ends.at(m, line, 0.5, 0).decoded().ids());
            assertThat(ps.millisPerPoint()).isPositive();
            ps.close();
        }
    }

    private static float[] gauss(Random r, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static BezierPath path(int id) {
        return BezierPath.straight(new ProtoTokens(new float[] {id, 0}, new float[] {0, 0}),
                new ProtoTokens(new float[] {0, id}, new float[] {0, 0}), PathSpace.E);
    }

    private List<PathPoint> decode(BezierPath path, double[] taus) {
        String name = path == p1 ? "p1" : "p2";
        calls.add(name + " " + Arrays.toString(Arrays.stream(taus).mapToObj(t -> String.format(Locale.ROOT, "%.4f", t)).toArray()));
        duringDecode.run();
        List<PathPoint> out = new ArrayList<>();
        for (double t : taus) {
            Decoded d = new Decoded(new long[] {1}, new String[] {"x"}, String.format(Locale.ROOT, "%s@%.4f", name, t), null, null,
                    new Decoded.Alternative[1][0], Double.NaN, Double.NaN);
            out.add(new PathPoint(t, d, new boolean[1], new boolean[1], 0, 0));
        }
        return out;
    }

    /** The model's worker, stepped by the test: one job at a time, a job cancelled before it starts skipped. */
    static final class ManualWorker implements PathSlider.Worker {
        final Deque<Runnable> queue = new ArrayDeque<>();

        @Override
        public CompletableFuture<Void> submit(Runnable work) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            queue.add(() -> {
                if (f.isDone()) {
                    return;
                }
                try {
                    work.run();
                    f.complete(null);
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            return f;
        }

        /** Runs the next job that is not cancelled. */
        boolean step() {
            Runnable r = queue.poll();
            if (r == null) {
                return false;
            }
            r.run();
            return true;
        }

        void runAll() {
            for (int guard = 0; step() && guard < 1000; guard++) {
                // until nothing is queued
            }
        }
    }
}
