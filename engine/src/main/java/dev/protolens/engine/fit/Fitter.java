package dev.protolens.engine.fit;

import dev.protolens.engine.proto.Arrangement;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.protolens.engine.model.LanguageModel;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.runtime.SystemMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The paper's optimisation: find e and m such that the frozen model, fed {@code [e, m, m, …, m]}, writes
 * each target text in one forward pass. Items of a batch (seeds of one text, or several texts) are fitted
 * together in one forward/backward per step; each item's loss is its own mean cross-entropy and the batch
 * loss is their sum, so every item's gradient is exactly what fitting it alone would give.
 *
 * <p>Must run on one thread for its whole life (the model worker): libtorch's grad mode is per thread and
 * DJL allows one gradient collector at a time.
 */
public final class Fitter {
    private final LoadedModel loaded;
    private final LanguageModel model;
    private final Engine engine;
    private Double embeddingStd;

    public Fitter(LoadedModel loaded) {
        this.loaded = loaded;
        this.model = loaded.model();
        this.engine = model.manager().getEngine();
    }

    /** Runs the request to its end (target reached, max steps, cancel or divergence). */
    public FitResult fit(FitRequest req, FitMonitor monitor) {
        EngineRuntime.setGradMode(false);
        FitSpec spec = req.spec();
        int items = req.size();
        int d = loaded.config().hiddenSize();
        int nMax = req.targets().stream().mapToInt(FitTarget::length).max().orElseThrow();
        Arrangement arr = spec.arrangement();
        int inputLen = arr.inputLength(nMax);
        boolean shared = spec.sharedM() && items > 1;
        int mRows = shared ? 1 : items;
        boolean trainM = arr != Arrangement.E_ONLY;

        if (!model.manager().getDevice().isGpu()) {
            FitMemory.check(loaded.config(), items, inputLen, SystemMemory.available());
        }
        FitState start = req.start() != null ? req.start() : initialState(req, null);
        checkStart(start, items, mRows, d);

        try (NDManager params = model.manager().newSubManager()) {
            NDArray e = params.create(start.e(), new Shape(items, d));
            NDArray m = params.create(start.m(), new Shape(mRows, d));
            AdamW adamE = AdamW.of(params, spec, start.adamE1(), start.adamE2(), e.getShape());
            AdamW adamM = AdamW.of(params, spec, start.adamM1(), start.adamM2(), m.getShape());
            e.setRequiresGradient(true);
            if (trainM) {
                m.setRequiresGradient(true);
            }
            Batch batch = new Batch(params, req.targets(), arr, nMax, inputLen);

            Tracker tracker = new Tracker(req, start, d, shared);
            long t0 = System.nanoTime();
            long lastCheckpoint = t0;
            int step = start.step();
            FitResult.Status status = null;
            String message = null;
            while (true) {
                if (monitor.isCancelled()) {
                    status = FitResult.Status.CANCELLED;
                    break;
                }
                StepStats stats;
                try (NDManager sm = params.newSubManager()) {
                    e.tempAttach(sm);
                    m.tempAttach(sm);
                    stats = forwardBackward(sm, e, m, batch, items, shared, spec.start().focus());
                    boolean finite = stats.allFinite();
                    if (finite) {
                        tracker.observe(step, stats, e, m);
                    }
                    long now = System.nanoTime();
                    if (!finite) {
                        status = FitResult.Status.DIVERGED;
                        message = divergence(stats.hasNaN() ? "NaN" : "infinite", step, tracker.observedAny(), spec);
                    } else if (tracker.done()) {
                        status = FitResult.Status.REACHED;
                    } else if (step - start.step() >= spec.maxSteps() || step >= spec.maxSteps()) {
                        status = FitResult.Status.MAX_STEPS;
                    }
                    if (status == null) {
                        double lr = spec.start().lr(spec.lr(), step + 1, spec.maxSteps());
                        adamE.update(sm, e, step + 1, lr);
                        if (trainM) {
                            adamM.update(sm, m, step + 1, lr);
                        }
                    }
                    if (monitor.wantsProgress(step) && status == null) {
                        monitor.publish(tracker.progress(step, spec.maxSteps(), t0, now, start.step(), false));
                    }
                    if (status == null && monitor.checkpoint() != null
                            && (now - lastCheckpoint) / 1_000_000 >= monitor.checkpointMillis()) {
                        lastCheckpoint = now;
                        monitor.checkpoint().accept(state(step + 1, e, m, adamE, adamM, tracker.history));
                    }
                }
                if (status != null) {
                    break;
                }
                step++;
                monitor.between();
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            FitState last = state(step, e, m, adamE, adamM, tracker.history);
            monitor.finish(tracker.progress(step, spec.maxSteps(), t0, System.nanoTime(), start.step(), true));
            return new FitResult(tracker.results(req), status, step, millis, message, last);
        } finally {
            EngineRuntime.setGradMode(false);
        }
    }

    /** One forward pass at the current e, m and (unless diverged) the gradients in e's and m's .grad. */
    private StepStats forwardBackward(NDManager sm, NDArray e, NDArray m, Batch batch, int items, boolean shared,
                                      double focus) {
        NDArray perItem;
        NDArray targetLogp;
        NDArray argmax;
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray z = batch.inputs(e, m, items, shared);
            NDArray logits = model.logits(z);
            NDArray sup = batch.offset == 0 ? logits : logits.get(new NDIndex(":, 1:, :"));
            NDArray logp = sup.logSoftmax(-1);
            targetLogp = logp.gather(batch.targets, 2).squeeze(2);
            perItem = targetLogp.mul(batch.weights).sum(new int[] {1}).neg();
            argmax = sup.argMax(2);
            NDArray total;
            if (focus > 0) {
                // positions not yet right weigh (1 + focus)/N: the argmax carries no gradient, so the weights are
                // constants of this step; the reported loss stays the paper's mean cross-entropy
                NDArray wrong = argmax.neq(batch.targets.squeeze(2)).toType(DataType.FLOAT32, false);
                NDArray w = batch.weights.add(wrong.mul(batch.weights).muli(focus));
                total = targetLogp.mul(w).sum().neg();
            } else {
                total = perItem.sum();
            }
            gc.backward(total);
        }
        EngineRuntime.setGradMode(false);
        float[] loss = perItem.toFloatArray();
        float[] prob = targetLogp.exp().toFloatArray();
        long[] am = argmax.toLongArray();
        return new StepStats(loss, prob, am);
    }

    /**
     * Why the loss stopped being finite. Before any update it is the model itself (its config or weights give
     * NaN on any input), and the learning rate has nothing to do with it; after updates it is the step size.
     */
    static String divergence(String what, int step, boolean anyFinite, FitSpec spec) {
        if (!anyFinite) {
            return "The model gives a " + what + " loss before any update, so nothing can be fitted: its weights or"
                    + " config produce non-finite values (check values such as rms_norm_eps, rope_theta or weights"
                    + " out of range). This is not the learning rate.";
        }
        return "The loss became " + what + " after " + step + " updates, so the optimisation diverged: the"
                + " learning rate " + spec.lr() + " is too large (the paper uses " + FitSpec.LR + ").";
    }

    private static FitState state(int step, NDArray e, NDArray m, AdamW ae, AdamW am, FitHistory history) {
        return new FitState(step, e.toFloatArray(), m.toFloatArray(), ae.firstMoment(), ae.secondMoment(),
                am.firstMoment(), am.secondMoment(), history.copy());
    }

    /**
     * The vectors a fit of {@code req} starts from: item i's seeded random e and m (the init's scale times the
     * start's init scale), with the warm vectors in their place where {@code warm} gives them. Pass the result to
     * {@link FitRequest#startingFrom} to fit from warm vectors.
     */
    public FitState initialState(FitRequest req, WarmVectors warm) {
        int items = req.size();
        int d = loaded.config().hiddenSize();
        int mRows = req.spec().sharedM() && items > 1 ? 1 : items;
        double scale = req.spec().start().initScale() * switch (req.spec().init()) {
            case NORMAL -> 1.0;
            case EMB_STD -> embeddingStd();
        };
        if (warm != null) {
            warm.check(d);
        }
        float[] e = new float[items * d];
        float[] m = new float[mRows * d];
        for (int i = 0; i < items; i++) {
            // e first, then m, from the item's own seed: item i of a batch equals a lone fit with that seed
            Random r = new Random(req.seedOf(i));
            for (int j = 0; j < d; j++) {
                e[i * d + j] = (float) (r.nextGaussian() * scale);
            }
            float[] mi = new float[d];
            for (int j = 0; j < d; j++) {
                mi[j] = (float) (r.nextGaussian() * scale);
            }
            if (i < mRows) {
                System.arraycopy(warm != null && warm.m() != null ? warm.m() : mi, 0, m, i * d, d);
            }
            if (warm != null && warm.e() != null) {
                System.arraycopy(warm.e(), 0, e, i * d, d);
            }
        }
        return FitState.initial(e, m);
    }

    /** Unbiased std of every element of the input embedding table (the parent paper's init scale). */
    public synchronized double embeddingStd() {
        if (embeddingStd == null) {
            NDArray table = model.embeddingTable();
            long rows = table.getShape().get(0);
            long cols = table.getShape().get(1);
            long chunk = Math.max(1, (1 << 24) / cols);
            double sum = 0;
            double sumSq = 0;
            try (NDManager tmp = model.manager().newSubManager()) {
                for (long r = 0; r < rows; r += chunk) {
                    float[] v = table.get(tmp, new NDIndex(r + ":" + Math.min(rows, r + chunk))).toType(DataType.FLOAT32, false).toFloatArray();
                    for (float x : v) {
                        sum += x;
                        sumSq += (double) x * x;
                    }
                }
            }
            double n = (double) rows * cols;
            double mean = sum / n;
            embeddingStd = Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
        }
        return embeddingStd;
    }

    private static void checkStart(FitState s, int items, int mRows, int d) {
        if (s.e().length != items * d || s.m().length != mRows * d) {
            throw new IllegalArgumentException("starting vectors have the wrong size: e " + s.e().length + ", m "
                    + s.m().length + " for " + items + " items of d=" + d);
        }
    }

    /** The per-batch constants: input pattern, targets and loss weights. */
    private static final class Batch {
        final NDArray pattern;
        final NDArray targets;
        final NDArray weights;
        final int offset;
        final int inputLen;

        Batch(NDManager mgr, List<FitTarget> t, Arrangement arr, int nMax, int inputLen) {
            int b = t.size();
            this.offset = arr.offset();
            this.inputLen = inputLen;
            pattern = mgr.create(arr.inputPattern(nMax));
            long[] ids = new long[b * nMax];
            float[] w = new float[b * nMax];
            for (int i = 0; i < b; i++) {
                long[] ti = t.get(i).ids();
                for (int j = 0; j < ti.length; j++) {
                    ids[i * nMax + j] = ti[j];
                    w[i * nMax + j] = 1f / ti.length;
                }
            }
            // shorter texts are padded at the end: causal attention keeps padding from reaching their positions,
            // and a zero weight keeps it out of the loss
            targets = mgr.create(ids, new Shape(b, nMax, 1));
            weights = mgr.create(w, new Shape(b, nMax));
        }

        /** (items, inputLen, d): row i of e and of m placed by the arrangement's pattern. */
        NDArray inputs(NDArray e, NDArray m, int items, boolean shared) {
            long d = e.getShape().get(1);
            NDArray mm = shared ? m.broadcast(items, d) : m;
            NDArray both = e.expandDims(1).concat(mm.expandDims(1), 1); // (items, 2, d)
            return both.get(new NDIndex(":, {}", pattern));
        }
    }

    private record StepStats(float[] loss, float[] prob, long[] argmax) {
        boolean allFinite() {
            for (float l : loss) {
                if (!Float.isFinite(l)) {
                    return false;
                }
            }
            return true;
        }

        boolean hasNaN() {
            for (float l : loss) {
                if (Float.isNaN(l)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Per-item bookkeeping: accuracy, best vectors, first reach, history.
     *
     * <p>Items with their own m are independent fits that happen to share a forward pass: each keeps its own
     * best step and freezes at its first reach, like a lone fit that stopped there. Items that share one m are
     * one solution: the batch keeps one best step for all of them (the step whose worst item is best, then the
     * best mean accuracy, then the lowest summed loss), so every saved item carries the same m, and the batch
     * has reached the target only when all its items are there at the same step.
     */
    private static final class Tracker {
        final int items;
        final int d;
        final int nMax;
        final boolean shared;
        final long[][] targets;
        final FitHistory history;
        final double[] bestAcc;
        final double[] bestLoss;
        final int[] bestStep;
        final float[][] bestE;
        final float[][] bestM;
        /** First step at which the item was at the target accuracy (shared m: reported only if its saved step is). */
        final int[] reachStep;
        final float[] lastLoss;
        final float[] lastAcc;
        /** The same accuracies as doubles (correct / n exactly), which is what results and decodes report. */
        final double[] lastAccuracy;
        final FitProgress.Item[] frozen;
        StepStats last;
        double targetAccuracy = 1.0;
        // the shared-m batch's best step so far: worst item's accuracy, mean accuracy, summed loss
        double batchWorst = -1;
        double batchMean = -1;
        double batchLoss = Double.POSITIVE_INFINITY;
        boolean batchReached;

        Tracker(FitRequest req, FitState start, int d, boolean shared) {
            this.items = req.size();
            this.d = d;
            this.shared = shared;
            this.nMax = req.targets().stream().mapToInt(FitTarget::length).max().orElseThrow();
            this.targets = req.targets().stream().map(FitTarget::ids).toArray(long[][]::new);
            this.history = start.history() != null ? start.history().copy() : new FitHistory(items);
            bestAcc = new double[items];
            Arrays.fill(bestAcc, -1);
            bestLoss = new double[items];
            Arrays.fill(bestLoss, Double.NaN);
            bestStep = new int[items];
            bestE = new float[items][];
            bestM = new float[items][];
            reachStep = new int[items];
            Arrays.fill(reachStep, -1);
            lastLoss = new float[items];
            Arrays.fill(lastLoss, Float.NaN);
            lastAcc = new float[items];
            lastAccuracy = new double[items];
            frozen = new FitProgress.Item[items];
            targetAccuracy = req.spec().targetAccuracy();
            float[] e0 = start.e();
            float[] m0 = start.m();
            for (int i = 0; i < items; i++) {
                bestE[i] = Arrays.copyOfRange(e0, i * d, (i + 1) * d);
                bestM[i] = Arrays.copyOfRange(m0, (shared ? 0 : i) * d, ((shared ? 0 : i) + 1) * d);
            }
        }

        void observe(int step, StepStats s, NDArray e, NDArray m) {
            last = s;
            for (int i = 0; i < items; i++) {
                int n = targets[i].length;
                int correct = 0;
                for (int j = 0; j < n; j++) {
                    if (s.argmax[i * nMax + j] == targets[i][j]) {
                        correct++;
                    }
                }
                lastLoss[i] = s.loss[i];
                lastAccuracy[i] = (double) correct / n;
                lastAcc[i] = (float) lastAccuracy[i];
            }
            if (shared) {
                observeShared(step, e, m);
            } else {
                observeEach(step, s, e, m);
            }
            history.add(lastLoss.clone(), lastAcc.clone());
        }

        private void observeEach(int step, StepStats s, NDArray e, NDArray m) {
            float[] eVals = null;
            float[] mVals = null;
            for (int i = 0; i < items; i++) {
                if (reachStep[i] >= 0) {
                    continue; // frozen at its first reach, like a lone fit that stopped there
                }
                double acc = lastAccuracy[i];
                boolean better = acc > bestAcc[i] || (acc == bestAcc[i] && s.loss[i] < bestLoss[i]);
                if (better) {
                    if (eVals == null) {
                        eVals = e.toFloatArray();
                        mVals = m.toFloatArray();
                    }
                    bestAcc[i] = acc;
                    bestLoss[i] = s.loss[i];
                    bestStep[i] = step;
                    bestE[i] = Arrays.copyOfRange(eVals, i * d, (i + 1) * d);
                    bestM[i] = Arrays.copyOfRange(mVals, i * d, (i + 1) * d);
                }
                if (acc >= targetAccuracy) {
                    reachStep[i] = step;
                    frozen[i] = item(i, s, true);
                }
            }
        }

        private void observeShared(int step, NDArray e, NDArray m) {
            double worst = Double.POSITIVE_INFINITY;
            double sum = 0;
            double loss = 0;
            for (int i = 0; i < items; i++) {
                worst = Math.min(worst, lastAccuracy[i]);
                sum += lastAccuracy[i];
                loss += lastLoss[i];
                if (lastAccuracy[i] >= targetAccuracy && reachStep[i] < 0) {
                    reachStep[i] = step;
                }
            }
            double mean = sum / items;
            boolean better = worst > batchWorst || (worst == batchWorst && (mean > batchMean
                    || (mean == batchMean && loss < batchLoss)));
            if (better && !batchReached) {
                batchWorst = worst;
                batchMean = mean;
                batchLoss = loss;
                float[] eVals = e.toFloatArray();
                float[] mVals = Arrays.copyOf(m.toFloatArray(), d);
                for (int i = 0; i < items; i++) {
                    bestE[i] = Arrays.copyOfRange(eVals, i * d, (i + 1) * d);
                    bestM[i] = mVals; // one array for all: the saved m are the same vector
                    bestAcc[i] = lastAccuracy[i];
                    bestLoss[i] = lastLoss[i];
                    bestStep[i] = step;
                }
                batchReached = worst >= targetAccuracy;
            }
        }

        /** Whether the saved vectors of item i reach the target. */
        boolean reached(int i) {
            return shared ? bestAcc[i] >= targetAccuracy : reachStep[i] >= 0;
        }

        boolean done() {
            if (shared) {
                return batchReached;
            }
            for (int i = 0; i < items; i++) {
                if (reachStep[i] < 0) {
                    return false;
                }
            }
            return true;
        }

        FitProgress.Item item(int i, StepStats s, boolean reached) {
            int n = targets[i].length;
            float[] prob = Arrays.copyOfRange(s.prob, i * nMax, i * nMax + n);
            long[] am = Arrays.copyOfRange(s.argmax, i * nMax, i * nMax + n);
            boolean[] ok = new boolean[n];
            for (int j = 0; j < n; j++) {
                ok[j] = am[j] == targets[i][j];
            }
            return new FitProgress.Item(i, s.loss[i], lastAccuracy[i], Math.max(bestAcc[i], lastAccuracy[i]), prob, am, ok, reached);
        }

        /** Before any finite step (the model gave NaN at once): every position unknown. */
        FitProgress.Item nothingYet(int i) {
            int n = targets[i].length;
            long[] am = new long[n];
            Arrays.fill(am, -1);
            return new FitProgress.Item(i, Double.NaN, 0, 0, new float[n], am, new boolean[n], false);
        }

        FitProgress progress(int step, int maxSteps, long t0, long now, int startStep, boolean finished) {
            List<FitProgress.Item> list = new ArrayList<>(items);
            for (int i = 0; i < items; i++) {
                if (frozen[i] != null) {
                    list.add(frozen[i]);
                } else if (last != null) {
                    list.add(item(i, last, reached(i)));
                } else {
                    list.add(nothingYet(i));
                }
            }
            double secs = (now - t0) / 1e9;
            double rate = secs > 0 ? (step - startStep + 1) / secs : 0;
            return new FitProgress(step, maxSteps, List.copyOf(list), rate, (now - t0) / 1_000_000, finished);
        }

        /** Whether any step gave finite numbers (a fit whose first step is NaN has nothing to keep). */
        boolean observedAny() {
            return last != null;
        }

        List<FitResult.Item> results(FitRequest req) {
            List<FitResult.Item> r = new ArrayList<>(items);
            for (int i = 0; i < items; i++) {
                boolean reached = reached(i);
                r.add(new FitResult.Item(i, req.seedOf(i), req.targets().get(i), bestE[i], bestM[i],
                        Math.max(0, bestAcc[i]), bestLoss[i], bestStep[i], reached, reached ? reachStep[i] : -1,
                        history.item(i)));
            }
            return r;
        }
    }

    /** Not used by the fit itself: exposes the objective's building blocks to tests that check gradients. */
    public record Objective(float loss, float[] gradE, float[] gradM, float[] logits) {}

    /** Loss and gradients at (e, m) for one target, without any update. */
    public Objective objective(FitTarget target, float[] e, float[] m, Arrangement arr) {
        EngineRuntime.setGradMode(false);
        int d = loaded.config().hiddenSize();
        try (NDManager params = model.manager().newSubManager()) {
            NDArray ea = params.create(e, new Shape(1, d));
            NDArray ma = params.create(m, new Shape(1, d));
            ea.setRequiresGradient(true);
            ma.setRequiresGradient(true);
            Batch batch = new Batch(params, List.of(target), arr, target.length(), arr.inputLength(target.length()));
            try (NDManager sm = params.newSubManager()) {
                ea.tempAttach(sm);
                ma.tempAttach(sm);
                NDArray logitsOut;
                NDArray perItem;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray logits = model.logits(batch.inputs(ea, ma, 1, false));
                    logitsOut = logits;
                    NDArray sup = batch.offset == 0 ? logits : logits.get(new NDIndex(":, 1:, :"));
                    NDArray tl = sup.logSoftmax(-1).gather(batch.targets, 2).squeeze(2);
                    perItem = tl.mul(batch.weights).sum(new int[] {1}).neg();
                    gc.backward(perItem.sum());
                }
                EngineRuntime.setGradMode(false);
                return new Objective(perItem.toFloatArray()[0], ea.getGradient().toFloatArray(),
                        ma.getGradient().toFloatArray(), logitsOut.toFloatArray());
            }
        } finally {
            EngineRuntime.setGradMode(false);
        }
    }

}
