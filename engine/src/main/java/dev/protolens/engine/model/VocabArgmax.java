package dev.protolens.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import dev.protolens.engine.runtime.EngineRuntime;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The most likely token at every position, {@code argmax(linear(hidden, head), -1)}, computed on the CPU a slice
 * of the vocabulary at a time and scanned in Java.
 *
 * <p>Why not libtorch's {@code argmax}: it is a scalar reduction, about 1 ns per logit on our machines, and the
 * full logits (4 MB for 32 positions of a 32,000-token vocabulary) have left the cache by the time it reads them.
 * Here each slice's logits (at most {@value #CHUNK_FLOATS} floats, 512 KB) are read straight from libtorch's buffer
 * while they are still in the cache, and freed before the next slice reuses the memory. On TinyLlama at 32
 * positions that takes the head plus argmax from 3.3-3.5 ms to 2.5-2.9 ms (measured side by side, one thread),
 * and a whole slider decode to 0.886 of its time (paired A/B over 400 decodes). A second thread takes slices
 * when the engine computes on one (see {@link #useHelper()}): another 0.863.
 *
 * <p>The result equals libtorch's: every logit is the same dot product (a slice of the head's rows does not
 * change how any output element is summed), the first index wins on ties within and across slices, and a NaN
 * counts as the largest value, as in {@code torch.argmax}.
 */
final class VocabArgmax {
    /** Logits per slice: 512 KB of floats, which a core's L2 cache holds. */
    static final int CHUNK_FLOATS = 1 << 17;

    private final Supplier<NDArray> head;
    /** Row slices of the head (views: no copy), by slice height, owned by the model's manager. */
    private final Map<Long, NDArray[]> slices = new ConcurrentHashMap<>();

    VocabArgmax(Supplier<NDArray> head) {
        this.head = head;
    }

    /** @param hidden (batch, N, d) on the CPU, float32; returns (batch × N) token ids, row-major */
    long[] tokens(NDArray hidden) {
        int positions = Math.toIntExact(hidden.getShape().size() / hidden.getShape().getLastDimension());
        int count = sliceCount(positions);
        long[][] index = new long[count][positions];
        float[][] max = new float[count][positions];
        eachSlice(hidden, (c, offset, logits, f, cols) -> {
            int[] at = new int[1];
            for (int p = 0; p < positions; p++) {
                max[c][p] = rowMax(f, p * cols, cols, at);
                index[c][p] = offset + at[0];
            }
        });
        long[] best = new long[positions];
        for (int p = 0; p < positions; p++) {
            best[p] = index[bestSlice(max, p)][p];
        }
        return best;
    }

    /** The slice holding position {@code p}'s maximum: the first on ties, as {@code torch.argmax}. */
    private static int bestSlice(float[][] max, int p) {
        int c = 0;
        for (int k = 1; k < max.length; k++) {
            if (beats(max[k][p], max[c][p])) {
                c = k;
            }
        }
        return c;
    }

    /**
     * The head's log-softmax at the target and at its maximum, per position of {@code hidden}, from the slices: each
     * slice's maximum, first argmax and sum of {@code exp(logit - max)}, merged as an online softmax.
     *
     * @param target one id per position (negative: none, NaN comes back)
     */
    HeadReading read(NDArray hidden, long[] target) {
        int positions = Math.toIntExact(hidden.getShape().size() / hidden.getShape().getLastDimension());
        int count = sliceCount(positions);
        long[][] index = new long[count][positions];
        float[][] max = new float[count][positions];
        double[][] sum = new double[count][positions];
        float[] targetLogit = new float[positions];
        eachSlice(hidden, (c, offset, logits, f, cols) -> {
            // the sums of exp(logit - max) in libtorch (vectorised; a Java exp per logit cost as much as the head
            // product on a model with d = 64), freed at once so a slice's arrays never pile up
            int last = logits.getShape().dimension() - 1;
            float[] s;
            try (NDArray m = logits.max(new int[] {last}, true); NDArray shifted = logits.sub(m);
                 NDArray e = shifted.exp(); NDArray sums = e.sum(new int[] {last})) {
                s = sums.toFloatArray();
            }
            int[] at = new int[1];
            for (int p = 0; p < positions; p++) {
                int base = p * cols;
                max[c][p] = rowMax(f, base, cols, at);
                index[c][p] = offset + at[0];
                sum[c][p] = s[p];
                long t = target[p] - offset;
                if (t >= 0 && t < cols) {
                    targetLogit[p] = f.get(base + (int) t); // one slice holds the target: one writer
                }
            }
        });
        float[] targetLogProb = new float[positions];
        long[] top = new long[positions];
        float[] topLogProb = new float[positions];
        for (int p = 0; p < positions; p++) {
            int c = bestSlice(max, p);
            double m = max[c][p];
            double s = 0;
            for (int k = 0; k < count; k++) {
                s += sum[k][p] * Math.exp(max[k][p] - m);
            }
            double lse = m + Math.log(s);
            top[p] = index[c][p];
            topLogProb[p] = (float) (m - lse);
            targetLogProb[p] = target[p] < 0 ? Float.NaN : (float) (targetLogit[p] - lse);
        }
        return new HeadReading(targetLogProb, top, topLogProb);
    }

    /**
     * What a scan does with one slice's logits, for vocabulary ids from {@code offset}: the array, and its floats
     * (positions × cols, row-major) read in place.
     */
    @FunctionalInterface
    interface SliceScan {
        void scan(int slice, long offset, NDArray logits, FloatBuffer values, int cols);
    }

    /** How many slices {@link #eachSlice} cuts the vocabulary into for this many positions. */
    int sliceCount(int positions) {
        long vocab = head.get().getShape().get(0);
        long height = height(vocab, positions);
        return Math.toIntExact((vocab + height - 1) / height);
    }

    private static long height(long vocab, int positions) {
        // a power of two, so that the few batch sizes in use share a handful of slicings
        return Math.min(vocab, Long.highestOneBit(Math.max(64, CHUNK_FLOATS / Math.max(1, positions))));
    }

    /**
     * Computes the head's logits a slice of the vocabulary at a time and hands each to {@code scan} while it is in
     * the cache, on this thread and (see {@link #useHelper()}) a second one: slices may be scanned concurrently.
     */
    void eachSlice(NDArray hidden, SliceScan scan) {
        int positions = Math.toIntExact(hidden.getShape().size() / hidden.getShape().getLastDimension());
        NDArray w = head.get();
        long vocab = w.getShape().get(0);
        long height = height(vocab, positions);
        NDArray[] parts = slices.computeIfAbsent(height, h -> split(w, vocab, h));
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int c = next.getAndIncrement(); c < parts.length; c = next.getAndIncrement()) {
                NDArray logits = Linear.linear(hidden, parts[c], null).singletonOrThrow();
                try {
                    scan.scan(c, c * height, logits, logits.toByteBuffer(true).asFloatBuffer(),
                            Math.toIntExact(parts[c].getShape().get(0)));
                } finally {
                    logits.close();
                }
            }
        };
        Helper helper = parts.length > 1 && useHelper() ? Helper.start(drain) : null;
        try {
            drain.run();
        } finally {
            // the helper reads this step's arrays, so it must be done before the caller frees them. One that has
            // not started is told not to; one that has holds at most one slice
            if (helper != null) {
                helper.finish();
            }
        }
    }

    /** The second thread's share of one call: it runs only if it starts before the caller has finished. */
    private static final class Helper implements Runnable {
        private final Runnable drain;
        private final AtomicInteger state = new AtomicInteger(); // 0 waiting, 1 started, 2 not needed
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile RuntimeException failure;

        private Helper(Runnable drain) {
            this.drain = drain;
        }

        static Helper start(Runnable drain) {
            Helper h = new Helper(drain);
            THREAD.execute(h);
            return h;
        }

        @Override
        public void run() {
            if (!state.compareAndSet(0, 1)) {
                return;
            }
            try {
                drain.run();
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                done.countDown();
            }
        }

        void finish() {
            if (state.compareAndSet(0, 2)) {
                return;
            }
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // still wait: the slice in progress reads the caller's arrays
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * With one intra-op thread (the default on a 2-core machine, which keeps a core for the window) the slices
     * are shared with a second thread: the head is most of a small model's decode, and the slider waits for it.
     * A decode holds that core for about a millisecond. With more intra-op threads MKL splits each slice itself.
     */
    private static boolean useHelper() {
        return EngineRuntime.get().threads() == 1 && Runtime.getRuntime().availableProcessors() >= 2;
    }

    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(() -> {
            EngineRuntime.setGradMode(false);
            r.run();
        }, "protolens-head");
        t.setDaemon(true);
        return t;
    });

    private static NDArray[] split(NDArray w, long vocab, long height) {
        int n = Math.toIntExact((vocab + height - 1) / height);
        NDArray[] parts = new NDArray[n];
        for (int c = 0; c < n; c++) {
            parts[c] = w.get(new NDIndex((c * height) + ":" + Math.min(vocab, (c + 1) * height)));
        }
        return parts;
    }

    /** The row's largest value and (in {@code at[0]}) its first index; the first NaN if there is one. */
    static float rowMax(FloatBuffer f, int base, int cols, int[] at) {
        float m = f.get(base);
        int i = 0;
        if (m == m) {
            for (int j = 1; j < cols; j++) {
                float v = f.get(base + j);
                if (!(v <= m)) { // larger, or NaN
                    m = v;
                    i = j;
                    if (v != v) {
                        break;
                    }
                }
            }
        }
        at[0] = i;
        return m;
    }

    /** Whether a later slice's maximum {@code v} replaces {@code m}: strictly larger, or the first NaN. */
    static boolean beats(float v, float m) {
        return v > m || (v != v && m == m);
    }
}
