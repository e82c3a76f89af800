package dev.protolens.engine.mem;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.protolens.engine.fit.AdamW;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.model.LanguageModel;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.runtime.EngineRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The autoregressive baseline of Kuratov et al. (ACL 2025, "Cramming 1568 tokens into a single vector"): one
 * trainable vector {@code [mem]} placed before the text, the frozen model trained with teacher forcing on the
 * ordinary next-token loss, decoded greedily one token per pass.
 *
 * <p>Input, as the parent code orders it (the vector first, then what the tokenizer gives): {@code [mem, BOS,
 * t_0 … t_{N-2}]} when the model has a BOS token, else {@code [mem, t_0 … t_{N-2}]}. The output at the position
 * before {@code t_i} predicts {@code t_i}: with BOS the output at BOS predicts t_0 and the output at mem is not
 * supervised; without BOS the output at mem predicts t_0. Loss: the mean cross-entropy over the N tokens, as
 * the one-step objective, so the same optimiser settings mean the same step sizes.
 *
 * <p>Teacher-forced accuracy of 1 and an exact greedy decode are the same thing: if every next token is the
 * argmax given the true prefix, greedy decoding writes the true prefix.
 */
public final class MemFitter {
    private final LoadedModel loaded;
    private final LanguageModel model;
    private final Engine engine;
    private final Integer bos;

    public MemFitter(LoadedModel loaded) {
        this.loaded = loaded;
        this.model = loaded.model();
        this.engine = model.manager().getEngine();
        var b = loaded.tokenizer().bosId();
        this.bos = b.isPresent() ? b.getAsInt() : null;
    }

    /** Whether the input carries BOS after [mem] (recorded with every result). */
    public boolean usesBos() {
        return bos != null;
    }

    /** Input positions for a text of n tokens. */
    public int inputLength(int n) {
        return n + (bos != null ? 1 : 0);
    }

    /** Loss, its gradient with respect to [mem], the logits at the supervised positions (N × V) and their argmax. */
    public record Objective(float loss, float[] grad, float[] logits, long[] argmax) {}

    /** Per seed: the best [mem] seen (highest teacher-forced accuracy, then lowest loss). */
    public record Item(long seed, float[] mem, double accuracy, double loss, boolean reached, int stepsToReach,
                       int bestStep) {}

    public record Result(List<Item> items, int updates, long millis, boolean cancelled) {}

    /** Hears the batch after each step: its best teacher-forced accuracy and the mean loss. */
    public interface Steps {
        void step(int step, double bestAccuracy, double meanLoss);
    }

    /** The objective at one [mem], without an update (what the reference script checks). */
    public Objective objective(long[] ids, float[] mem) {
        EngineRuntime.setGradMode(false);
        int d = loaded.config().hiddenSize();
        try (NDManager params = model.manager().newSubManager()) {
            NDArray p = params.create(mem, new Shape(1, d));
            p.setRequiresGradient(true);
            try (NDManager sm = params.newSubManager()) {
                p.tempAttach(sm);
                Pass pass = forward(sm, p, ids, 1);
                return new Objective(pass.perItem.toFloatArray()[0], p.getGradient().toFloatArray(),
                        pass.supervised.toFloatArray(), pass.argmax.toLongArray());
            }
        } finally {
            EngineRuntime.setGradMode(false);
        }
    }

    private record Pass(NDArray perItem, NDArray supervised, NDArray argmax) {}

    /** Forward and backward for k rows of [mem] (k, d) on one text; gradients land in p's .grad. */
    private Pass forward(NDManager sm, NDArray p, long[] ids, int k) {
        int n = ids.length;
        int d = loaded.config().hiddenSize();
        long[] context = new long[n - 1 + (bos != null ? 1 : 0)];
        int off = 0;
        if (bos != null) {
            context[0] = bos;
            off = 1;
        }
        System.arraycopy(ids, 0, context, off, n - 1);
        NDArray targets = sm.create(ids, new Shape(1, n, 1)).broadcast(k, n, 1);
        NDArray perItem;
        NDArray sup;
        NDArray argmax;
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray z = p.expandDims(1);
            if (context.length > 0) {
                NDArray emb = model.embed(sm.create(context, new Shape(1, context.length)));
                z = z.concat(emb.broadcast(k, context.length, d), 1);
            }
            NDArray logits = model.logits(z);
            sup = bos != null ? logits.get(new NDIndex(":, 1:, :")) : logits;
            NDArray tl = sup.logSoftmax(-1).gather(targets, 2).squeeze(2);
            perItem = tl.mean(new int[] {1}).neg();
            argmax = sup.argMax(2);
            gc.backward(perItem.sum());
        }
        EngineRuntime.setGradMode(false);
        return new Pass(perItem, sup, argmax);
    }

    /**
     * K seeds of [mem] for one text in one batch (each row its own vector and its own AdamW state), with the
     * spec's optimiser, init, step limit and target accuracy. Seed i starts from {@code N(0, σ²)} drawn from
     * {@code new Random(spec.seed() + i)}.
     */
    public Result fit(long[] ids, FitSpec spec, int k, double initScale, BooleanSupplier cancelled, Steps steps) {
        int d = loaded.config().hiddenSize();
        float[] start = new float[k * d];
        for (int i = 0; i < k; i++) {
            Random r = new Random(spec.seed() + i);
            for (int j = 0; j < d; j++) {
                start[i * d + j] = (float) (r.nextGaussian() * initScale);
            }
        }
        return fit(ids, spec, start, cancelled, steps);
    }

    /** The same from given starting vectors (k × d, row-major): a reference's start, a test's. */
    public Result fit(long[] ids, FitSpec spec, float[] start, BooleanSupplier cancelled, Steps steps) {
        EngineRuntime.setGradMode(false);
        int d = loaded.config().hiddenSize();
        int n = ids.length;
        if (start.length % d != 0 || start.length == 0) {
            throw new IllegalArgumentException("starting vectors of " + start.length + " values for d=" + d);
        }
        int k = start.length / d;
        double[] bestAcc = new double[k];
        Arrays.fill(bestAcc, -1);
        double[] bestLoss = new double[k];
        int[] bestStep = new int[k];
        int[] reachStep = new int[k];
        Arrays.fill(reachStep, -1);
        float[][] best = new float[k][];
        long t0 = System.nanoTime();
        int step = 0;
        boolean stopped = false;
        try (NDManager params = model.manager().newSubManager()) {
            NDArray p = params.create(start, new Shape(k, d));
            p.setRequiresGradient(true);
            AdamW adam = new AdamW(params, spec.lr(), spec.beta1(), spec.beta2(), spec.eps(), spec.weightDecay(), null,
                    null, p.getShape());
            while (true) {
                if (cancelled != null && cancelled.getAsBoolean()) {
                    stopped = true;
                    break;
                }
                boolean done;
                try (NDManager sm = params.newSubManager()) {
                    p.tempAttach(sm);
                    Pass pass = forward(sm, p, ids, k);
                    float[] loss = pass.perItem.toFloatArray();
                    long[] am = pass.argmax.toLongArray();
                    float[] now = null;
                    double top = 0;
                    double mean = 0;
                    boolean all = true;
                    for (int i = 0; i < k; i++) {
                        int correct = 0;
                        for (int j = 0; j < n; j++) {
                            correct += am[i * n + j] == ids[j] ? 1 : 0;
                        }
                        double acc = (double) correct / n;
                        mean += loss[i] / k;
                        if (reachStep[i] < 0 && (acc > bestAcc[i] || (acc == bestAcc[i] && loss[i] < bestLoss[i]))) {
                            if (now == null) {
                                now = p.toFloatArray();
                            }
                            bestAcc[i] = acc;
                            bestLoss[i] = loss[i];
                            bestStep[i] = step;
                            best[i] = Arrays.copyOfRange(now, i * d, (i + 1) * d);
                        }
                        if (reachStep[i] < 0 && acc >= spec.targetAccuracy()) {
                            reachStep[i] = step;
                        }
                        all &= reachStep[i] >= 0;
                        top = Math.max(top, bestAcc[i]);
                    }
                    if (!Double.isFinite(mean)) {
                        break; // diverged: the best vectors seen are kept
                    }
                    if (steps != null) {
                        steps.step(step, top, mean);
                    }
                    done = all || step >= spec.maxSteps();
                    if (!done) {
                        adam.update(sm, p, step + 1);
                    }
                }
                if (done) {
                    break;
                }
                step++;
            }
        } finally {
            EngineRuntime.setGradMode(false);
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            float[] v = best[i] != null ? best[i] : Arrays.copyOfRange(start, i * d, (i + 1) * d);
            items.add(new Item(spec.seed() + i, v, Math.max(0, bestAcc[i]), bestLoss[i], reachStep[i] >= 0,
                    reachStep[i], bestStep[i]));
        }
        return new Result(items, step, (System.nanoTime() - t0) / 1_000_000, stopped);
    }

    /**
     * Greedy decoding from [mem]: n passes, each writing one token. The engine's model has no KV cache, so pass
     * i recomputes the whole prefix (the parent method with a cache does the same arithmetic in less time).
     */
    public long[] greedy(float[] mem, int n) {
        EngineRuntime.setGradMode(false);
        int d = loaded.config().hiddenSize();
        long[] out = new long[n];
        try (NDManager mgr = model.manager().newSubManager()) {
            NDArray p = mgr.create(mem, new Shape(1, 1, d));
            for (int i = 0; i < n; i++) {
                try (NDManager sm = mgr.newSubManager()) {
                    long[] context = new long[i + (bos != null ? 1 : 0)];
                    int off = 0;
                    if (bos != null) {
                        context[0] = bos;
                        off = 1;
                    }
                    System.arraycopy(out, 0, context, off, i);
                    NDArray z = p;
                    if (context.length > 0) {
                        z = p.concat(model.embed(sm.create(context, new Shape(1, context.length))), 1);
                    }
                    long[] next = model.argmaxTokens(z, context.length);
                    out[i] = next[0];
                }
            }
        }
        return out;
    }

    /** Positions where greedy output equals the target, over n (after the first miss the texts usually part). */
    public static double accuracy(long[] decoded, long[] target) {
        int c = 0;
        for (int i = 0; i < target.length; i++) {
            c += decoded[i] == target[i] ? 1 : 0;
        }
        return (double) c / target.length;
    }
}
