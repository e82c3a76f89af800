package dev.protolens.engine.analysis;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.AdamW;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.model.LanguageModel;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.runtime.EngineRuntime;
import java.util.Arrays;
import java.util.Random;

/**
 * Learns the control point of a Bézier path between two solutions of one text so that the whole path keeps
 * the text (PAPER.md, "Interpolation"): c starts at the midpoint (the straight line), and each Adam update
 * follows the gradient of the loss averaged over a fresh set of random τ, all decoded in one batched
 * forward/backward pass. Only c receives gradients; the two ends and the model are fixed.
 *
 * <p>Like {@link dev.protolens.engine.fit.Fitter} it must run on the model's worker thread: libtorch's grad
 * mode is per thread and DJL allows one gradient collector at a time.
 */
public final class BezierLearner {
    private final LoadedModel loaded;
    private final LanguageModel model;
    private final Engine engine;

    public BezierLearner(LoadedModel loaded) {
        this.loaded = loaded;
        this.model = loaded.model();
        this.engine = model.manager().getEngine();
    }

    public LearnedPath learn(Interpolation ends, PathSpace space, BezierSpec spec, PathMonitor monitor) {
        long[] target = ends.target();
        if (target == null) {
            throw new UserError("A learned path keeps one text all the way, so both runs must be of the same text;"
                    + " these two are of different texts. Their straight line can still be decoded.");
        }
        BezierPath straight = BezierPath.straight(ends.a(), ends.b(), space);
        EngineRuntime.setGradMode(false);
        int n = target.length;
        int d = ends.a().dim();
        int dim = straight.control().length;
        int batch = spec.tausPerStep();
        Arrangement arr = ends.arrangement();
        Random random = new Random(spec.seed());
        long t0 = System.nanoTime();
        float[] history = new float[Math.min(spec.steps(), 1024)];

        Check best = check(ends, straight, spec);
        double lastMinAcc = best.minAccuracy;
        try (NDManager params = model.manager().newSubManager()) {
            NDArray p1 = params.create(straight.start(), new Shape(1, dim));
            NDArray p2 = params.create(straight.end(), new Shape(1, dim));
            NDArray c = params.create(straight.control(), new Shape(1, dim));
            NDArray pattern = params.create(arr.inputPattern(n));
            long[] ids = new long[batch * n];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(target, 0, ids, i * n, n);
            }
            NDArray targets = params.create(ids, new Shape(batch, n, 1));
            AdamW adam = new AdamW(params, spec.lr(), spec.beta1(), spec.beta2(), FitSpec.EPS, 0, null, null, c.getShape());
            c.setRequiresGradient(true);

            int step = 0;
            LearnedPath.Status status = best.minAccuracy >= spec.targetAccuracy() ? LearnedPath.Status.REACHED : null;
            while (status == null) {
                if (monitor.isCancelled()) {
                    status = LearnedPath.Status.CANCELLED;
                    break;
                }
                if (step >= spec.steps()) {
                    status = LearnedPath.Status.MAX_STEPS;
                    break;
                }
                float loss;
                try (NDManager sm = params.newSubManager()) {
                    c.tempAttach(sm);
                    loss = forwardBackward(sm, p1, p2, c, space == PathSpace.E ? ends.a().m() : null, d, pattern,
                            targets, arr, taus(random, batch));
                    if (!Float.isFinite(loss)) {
                        status = LearnedPath.Status.DIVERGED;
                        break;
                    }
                    if (step == history.length) {
                        history = Arrays.copyOf(history, Math.min(spec.steps(), 2 * history.length));
                    }
                    history[step] = loss;
                    adam.update(sm, c, step + 1);
                }
                step++;
                if (step % spec.checkEvery() == 0 || step == spec.steps()) {
                    Check now = check(ends, straight.withControl(c.toFloatArray()), spec);
                    lastMinAcc = now.minAccuracy;
                    if (now.betterThan(best)) {
                        best = now;
                    }
                    if (now.minAccuracy >= spec.targetAccuracy()) {
                        status = LearnedPath.Status.REACHED;
                    }
                }
                if (monitor.wantsProgress(step) && status == null) {
                    monitor.publish(new PathProgress(step, spec.steps(), loss, lastMinAcc, c.toFloatArray(),
                            (System.nanoTime() - t0) / 1_000_000, false));
                }
                monitor.between();
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            monitor.finish(new PathProgress(step, spec.steps(), step > 0 ? history[step - 1] : Double.NaN,
                    best.minAccuracy, best.path.control().clone(), millis, true));
            return new LearnedPath(best.path, status, best.minAccuracy, best.meanLoss, step,
                    Arrays.copyOf(history, step), millis);
        } finally {
            EngineRuntime.setGradMode(false);
        }
    }

    /** Mean over the τ samples of the mean cross-entropy at φ(τ); leaves the gradient in c's .grad. */
    private float forwardBackward(NDManager sm, NDArray p1, NDArray p2, NDArray c, float[] sharedM, int d,
                                  NDArray pattern, NDArray targets, Arrangement arr, double[] taus) {
        int b = taus.length;
        float[] wa = new float[b];
        float[] wc = new float[b];
        float[] wb = new float[b];
        for (int i = 0; i < b; i++) {
            double t = taus[i];
            wa[i] = (float) ((1 - t) * (1 - t));
            wc[i] = (float) (2 * t * (1 - t));
            wb[i] = (float) (t * t);
        }
        // the Bézier weights are arrays of the step, not Java scalars: a scalar in the graph corrupts gradients
        NDArray a = sm.create(wa, new Shape(b, 1));
        NDArray mid = sm.create(wc, new Shape(b, 1));
        NDArray z = sm.create(wb, new Shape(b, 1));
        NDArray mFixed = sharedM != null ? sm.create(sharedM, new Shape(1, d)).broadcast(b, d) : null;
        NDArray loss;
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray phi = a.mul(p1).add(mid.mul(c)).add(z.mul(p2)); // (b, dim)
            NDArray e = mFixed != null ? phi : phi.get(new NDIndex(":, 0:" + d));
            NDArray m = mFixed != null ? mFixed : phi.get(new NDIndex(":, " + d + ":"));
            NDArray inputs = e.expandDims(1).concat(m.expandDims(1), 1).get(new NDIndex(":, {}", pattern));
            NDArray logits = model.logits(inputs);
            NDArray sup = arr.offset() == 0 ? logits : logits.get(new NDIndex(":, 1:, :"));
            loss = sup.logSoftmax(-1).gather(targets, 2).mean().neg();
            gc.backward(loss);
        }
        EngineRuntime.setGradMode(false);
        return loss.getFloat();
    }

    /** One uniform draw in each of b equal strata of [0, 1]. */
    private static double[] taus(Random r, int b) {
        double[] t = new double[b];
        for (int i = 0; i < b; i++) {
            t[i] = (i + r.nextDouble()) / b;
        }
        return t;
    }

    private Check check(Interpolation ends, BezierPath path, BezierSpec spec) {
        PathCurve curve = ends.curve(loaded, path, spec.checkPoints());
        double meanLoss = Arrays.stream(curve.losses()).average().orElse(Double.NaN);
        return new Check(path, curve.minAccuracy(), meanLoss);
    }

    private record Check(BezierPath path, double minAccuracy, double meanLoss) {
        boolean betterThan(Check o) {
            return minAccuracy > o.minAccuracy || (minAccuracy == o.minAccuracy && meanLoss < o.meanLoss);
        }
    }
}
