package dev.protolens.engine.analysis;

import dev.protolens.engine.UserError;
import dev.protolens.engine.task.ProgressChannel;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Exact t-SNE (van der Maaten and Hinton, JMLR 9, 2008) into 2-D, with the usual optimiser of the reference
 * implementations (Smile, scikit-learn, tsne.m): early exaggeration, momentum 0.5 then 0.8, per-coordinate
 * gains, random start N(0, 1e-4²).
 *
 * <p>Why not {@code smile.manifold.TSNE}: Smile 4.4.2 reports only the iteration number and cost to its
 * controller, never the coordinates, and cannot continue from given coordinates, so a map cannot animate
 * while it runs. A library holds hundreds of runs, where the exact O(n²) gradient costs about a millisecond
 * an iteration, so Barnes-Hut is not needed. The tests check the result against Smile's on the same data.
 *
 * <p>{@link #run} computes on the calling thread; {@link #pause}, {@link #resume} and {@link #cancel} may be
 * called from any thread. Coordinates go to the listener on its own thread, latest wins.
 */
public final class Tsne {

    /**
     * @param perplexity        effective number of neighbours (lowered to (n−1)/3 for small sets; see
     *                          {@link Result#perplexity})
     * @param learningRate      η of the gradient steps
     * @param earlyExaggeration factor on P for the first iterations, which lets clusters form
     */
    public record Options(double perplexity, int iterations, long seed, double learningRate, double earlyExaggeration) {
        public Options {
            if (!(perplexity > 0)) {
                throw new UserError("The t-SNE perplexity must be positive, got " + perplexity + ".");
            }
            if (iterations < 1) {
                throw new UserError("t-SNE needs at least 1 iteration, got " + iterations + ".");
            }
            if (!(learningRate > 0) || !(earlyExaggeration >= 1)) {
                throw new IllegalArgumentException("learning rate must be > 0 and early exaggeration >= 1");
            }
        }

        /** Smile's and the paper's defaults: perplexity 20, 1000 iterations, η = 200, exaggeration 12. */
        public static Options defaults() {
            return new Options(20, 1000, 0, 200, 12);
        }

        public Options withPerplexity(double v) {
            return new Options(v, iterations, seed, learningRate, earlyExaggeration);
        }

        public Options withIterations(int v) {
            return new Options(perplexity, v, seed, learningRate, earlyExaggeration);
        }

        public Options withSeed(long v) {
            return new Options(perplexity, iterations, v, learningRate, earlyExaggeration);
        }
    }

    /**
     * @param coordinates (n, 2), a copy
     * @param cost        KL(P‖Q) of these coordinates
     */
    public record Progress(int iteration, int iterations, double[][] coordinates, double cost, boolean finished) {}

    /**
     * @param iterations iterations done (fewer than asked when cancelled)
     * @param perplexity the perplexity used
     */
    public record Result(double[][] coordinates, double cost, int iterations, double perplexity, boolean cancelled) {}

    private static final int EXAGGERATION_ITERATIONS = 250;
    private static final double MIN_GAIN = 0.01;

    private final int n;
    private final double[] p;
    private final Options options;
    private final double perplexity;
    private final Object pauseLock = new Object();
    private volatile boolean paused;
    private volatile boolean cancelled;

    private Tsne(double[][] squaredDistances, Options options) {
        this.n = squaredDistances.length;
        if (n < 3) {
            throw new UserError("A t-SNE map needs at least 3 points; there " + (n == 1 ? "is 1" : "are " + n) + ".");
        }
        this.options = options;
        this.perplexity = Math.min(options.perplexity(), (n - 1) / 3.0);
        this.p = jointProbabilities(squaredDistances, perplexity);
    }

    /** t-SNE of the rows of x under Euclidean distance. */
    public static Tsne of(double[][] x, Options options) {
        int n = x.length;
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double s = 0;
                for (int k = 0; k < x[i].length; k++) {
                    double t = x[i][k] - x[j][k];
                    s += t * t;
                }
                d[i][j] = d[j][i] = s;
            }
        }
        return new Tsne(d, options);
    }

    /** t-SNE of a symmetric matrix of dissimilarities (e.g. cosine distances), used in place of squared distances. */
    public static Tsne ofDissimilarities(double[][] d, Options options) {
        return new Tsne(d, options);
    }

    public double perplexity() {
        return perplexity;
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /** Stops before the next iteration (also when paused); the result holds the coordinates so far. */
    public void cancel() {
        synchronized (pauseLock) {
            cancelled = true;
            pauseLock.notifyAll();
        }
    }

    /** Runs to the end without a listener. */
    public Result run() {
        return run(null, 1);
    }

    /**
     * Runs the optimisation on this thread.
     *
     * @param listener gets the coordinates every {@code every} iterations and at the end (may be null)
     */
    public Result run(Consumer<Progress> listener, int every) {
        ProgressChannel<Progress> channel = listener == null ? null : new ProgressChannel<>("tsne-progress", listener);
        int iterations = options.iterations();
        int exaggerate = Math.min(EXAGGERATION_ITERATIONS, iterations / 2);
        Random random = new Random(options.seed());
        double[] y = new double[2 * n];
        for (int i = 0; i < y.length; i++) {
            y[i] = 1e-4 * random.nextGaussian();
        }
        double[] update = new double[2 * n];
        double[] gains = new double[2 * n];
        Arrays.fill(gains, 1.0);
        double[] num = new double[n * n];
        double[] grad = new double[2 * n];
        double eta = options.learningRate();
        int done = 0;
        try {
            for (int it = 0; it < iterations; it++) {
                if (!waitWhilePaused()) {
                    break;
                }
                double exaggeration = it < exaggerate ? options.earlyExaggeration() : 1.0;
                double momentum = it < exaggerate ? 0.5 : 0.8;
                double z = studentT(y, num);
                // ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij) (y_i − y_j) / (1 + |y_i − y_j|²), with q_ij = num_ij / Z
                Arrays.fill(grad, 0);
                for (int i = 0; i < n; i++) {
                    double gx = 0;
                    double gy = 0;
                    for (int j = 0; j < n; j++) {
                        if (j != i) {
                            double w = num[i * n + j];
                            double f = (exaggeration * p[i * n + j] - w / z) * w;
                            gx += f * (y[2 * i] - y[2 * j]);
                            gy += f * (y[2 * i + 1] - y[2 * j + 1]);
                        }
                    }
                    grad[2 * i] = 4 * gx;
                    grad[2 * i + 1] = 4 * gy;
                }
                for (int k = 0; k < 2 * n; k++) {
                    // delta-bar-delta: grow the step where the gradient keeps pointing against the last move
                    gains[k] = Math.signum(grad[k]) != Math.signum(update[k]) ? gains[k] + 0.2 : gains[k] * 0.8;
                    gains[k] = Math.max(gains[k], MIN_GAIN);
                    update[k] = momentum * update[k] - eta * gains[k] * grad[k];
                    y[k] += update[k];
                }
                center(y);
                done = it + 1;
                if (channel != null && done % Math.max(1, every) == 0 && done < iterations) {
                    channel.offer(new Progress(done, iterations, rows(y), cost(y, num), false));
                }
            }
            double cost = cost(y, num);
            if (channel != null) {
                channel.offer(new Progress(done, iterations, rows(y), cost, true));
            }
            return new Result(rows(y), cost, done, perplexity, cancelled);
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** False when cancelled (while paused or not). */
    private boolean waitWhilePaused() {
        synchronized (pauseLock) {
            while (paused && !cancelled) {
                try {
                    pauseLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !cancelled;
        }
    }

    /** Fills num with 1 / (1 + |y_i − y_j|²) (zero diagonal) and returns their sum Z. */
    private double studentT(double[] y, double[] num) {
        double z = 0;
        for (int i = 0; i < n; i++) {
            num[i * n + i] = 0;
            for (int j = 0; j < i; j++) {
                double dx = y[2 * i] - y[2 * j];
                double dy = y[2 * i + 1] - y[2 * j + 1];
                double w = 1 / (1 + dx * dx + dy * dy);
                num[i * n + j] = w;
                num[j * n + i] = w;
                z += 2 * w;
            }
        }
        return z;
    }

    /** KL(P‖Q) for the coordinates y. */
    private double cost(double[] y, double[] num) {
        double z = studentT(y, num);
        double kl = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    double pij = p[i * n + j];
                    double q = Math.max(num[i * n + j] / z, 1e-300);
                    kl += pij * Math.log(pij / q);
                }
            }
        }
        return kl;
    }

    /** KL(P‖Q) of any coordinates (n, 2) under this map's P; lets tests compare embeddings made elsewhere. */
    public double cost(double[][] coordinates) {
        double[] y = new double[2 * n];
        for (int i = 0; i < n; i++) {
            y[2 * i] = coordinates[i][0];
            y[2 * i + 1] = coordinates[i][1];
        }
        return cost(y, new double[n * n]);
    }

    private void center(double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += y[2 * i];
            my += y[2 * i + 1];
        }
        mx /= n;
        my /= n;
        for (int i = 0; i < n; i++) {
            y[2 * i] -= mx;
            y[2 * i + 1] -= my;
        }
    }

    private double[][] rows(double[] y) {
        double[][] r = new double[n][2];
        for (int i = 0; i < n; i++) {
            r[i][0] = y[2 * i];
            r[i][1] = y[2 * i + 1];
        }
        return r;
    }

    /**
     * Symmetric P: for each point a Gaussian over the others whose width is found by bisection so that its
     * perplexity 2^H matches, then p_ij = (p_j|i + p_i|j) / 2n.
     */
    private static double[] jointProbabilities(double[][] d, double perplexity) {
        int n = d.length;
        double[] cond = new double[n * n];
        double logU = Math.log(perplexity);
        double[] row = new double[n];
        for (int i = 0; i < n; i++) {
            double min = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    if (!Double.isFinite(d[i][j]) || d[i][j] < 0) {
                        throw new IllegalArgumentException("distance " + i + "," + j + " is " + d[i][j]);
                    }
                    min = Math.min(min, d[i][j]);
                }
            }
            double beta = 1;
            double lo = 0;
            double hi = Double.POSITIVE_INFINITY;
            for (int step = 0; step < 200; step++) {
                double sum = 0;
                double weighted = 0;
                for (int j = 0; j < n; j++) {
                    // shifted by the nearest distance so the largest term is exp(0): no underflow to an all-zero row
                    double e = j == i ? 0 : Math.exp(-beta * (d[i][j] - min));
                    row[j] = e;
                    sum += e;
                    weighted += e * (d[i][j] - min);
                }
                double h = Math.log(sum) + beta * weighted / sum;
                double diff = h - logU;
                if (Math.abs(diff) < 1e-5) {
                    break;
                }
                if (diff > 0) {
                    lo = beta;
                    beta = Double.isInfinite(hi) ? beta * 2 : (beta + hi) / 2;
                } else {
                    hi = beta;
                    beta = (beta + lo) / 2;
                }
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += row[j];
            }
            for (int j = 0; j < n; j++) {
                cond[i * n + j] = row[j] / sum;
            }
        }
        double[] p = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    p[i * n + j] = Math.max((cond[i * n + j] + cond[j * n + i]) / (2 * n), 1e-12);
                }
            }
        }
        return p;
    }
}
