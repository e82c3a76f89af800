package dev.protolens.app.cli;

import dev.protolens.engine.analysis.BezierPath;
import dev.protolens.engine.analysis.Interpolation;
import dev.protolens.engine.analysis.PathGrid;
import dev.protolens.engine.analysis.PathSpace;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.work.PathSlider;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * {@code protolens bench --slider}: the window's slider without the window, on a straight line between two random
 * solutions sharing m (what is timed does not depend on their accuracy). How long until the first text and
 * until the whole grid is decoded, the engine's share of a slider event (the thumb moves → the point to show is
 * ready), and letting go → the exact τ decoded. The repaint in the window is measured by SliderLatencyTest.
 */
final class SliderBench {
    private SliderBench() {}

    static Map<String, Object> run(LoadedModel m, long[] ids, int events) throws InterruptedException {
        int d = m.config().hiddenSize();
        Random r = new Random(0);
        float[] shared = gauss(r, d);
        Interpolation ends = new Interpolation(new ProtoTokens(gauss(r, d), shared),
                new ProtoTokens(gauss(r, d), shared), ids, ids, Arrangement.E_M);
        BezierPath line = BezierPath.straight(ends.a(), ends.b(), PathSpace.E);
        // not closed: closing a session closes its model, which the caller owns (its worker thread is a daemon)
        ModelSession session = ModelSession.of(m);
        PathSlider slider = PathSlider.on(session, ends, () -> { });
        try {
            long t0 = System.nanoTime();
            slider.show(line);
            slider.moveTo(0, false);
            long firstText = 0;
            while (!slider.complete()) {
                if (firstText == 0 && slider.take() != null) {
                    firstText = System.nanoTime();
                }
                Thread.sleep(1);
            }
            long ready = System.nanoTime();
            double[] micros = new double[events];
            for (int i = 0; i < events; i++) {
                double phase = (i % 120) / 120.0;
                double tau = phase < 0.5 ? 2 * phase : 2 - 2 * phase;
                long a = System.nanoTime();
                slider.moveTo(tau, true);
                PathSlider.Shown s = slider.take();
                micros[i] = (System.nanoTime() - a) / 1e3;
                if (s == null) {
                    throw new IllegalStateException("nothing to show at τ = " + tau + " with the grid complete");
                }
            }
            long letGo = System.nanoTime();
            slider.moveTo(0.4321, false);
            PathSlider.Shown exact = null;
            while (exact == null || !exact.exact()) {
                PathSlider.Shown s = slider.take();
                exact = s != null ? s : exact;
                Thread.sleep(0, 200_000);
            }
            long exactAt = System.nanoTime();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", m.path().toString());
            o.put("mode", "slider");
            o.put("tokens", ids.length);
            o.put("grid_points", PathGrid.SLIDER_POINTS);
            o.put("ms_to_first_text", (firstText - t0) / 1e6);
            o.put("ms_to_grid_ready", (ready - t0) / 1e6);
            o.put("ms_per_grid_point", (ready - t0) / 1e6 / PathGrid.SLIDER_POINTS);
            o.put("slider_events", events);
            o.put("us_move_to_shown_p50", percentile(micros, 50));
            o.put("us_move_to_shown_p95", percentile(micros, 95));
            o.put("ms_let_go_to_exact", (exactAt - letGo) / 1e6);
            o.put("threads", EngineRuntime.get().threads());
            return o;
        } finally {
            slider.close();
        }
    }

    private static float[] gauss(Random r, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static double percentile(double[] v, double p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
    }
}
