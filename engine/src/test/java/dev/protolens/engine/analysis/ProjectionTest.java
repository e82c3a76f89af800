package dev.protolens.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.protolens.engine.UserError;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import smile.manifold.TSNE;

/** PCA and t-SNE on data whose answer is known; no model needed. */
class ProjectionTest {

    /** n points c + a·s1·u1 + b·s2·u2 in R^p with orthonormal u1, u2: rank-2 data with known axes. */
    private static double[][] plane(Random r, int n, int p, double s1, double s2, double[][] ab) {
        double[] u1 = new double[p];
        double[] u2 = new double[p];
        for (int k = 0; k < p; k++) {
            u1[k] = r.nextGaussian();
            u2[k] = r.nextGaussian();
        }
        normalise(u1);
        double dot = 0;
        for (int k = 0; k < p; k++) {
            dot += u1[k] * u2[k];
        }
        for (int k = 0; k < p; k++) {
            u2[k] -= dot * u1[k];
        }
        normalise(u2);
        // a and b centred and exactly uncorrelated, so the sample's principal axes are exactly u1 and u2
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ab[i][0] = r.nextGaussian();
            ab[i][1] = r.nextGaussian();
            ma += ab[i][0] / n;
            mb += ab[i][1] / n;
        }
        double aa = 0;
        double abDot = 0;
        for (int i = 0; i < n; i++) {
            ab[i][0] -= ma;
            ab[i][1] -= mb;
            aa += ab[i][0] * ab[i][0];
            abDot += ab[i][0] * ab[i][1];
        }
        for (int i = 0; i < n; i++) {
            ab[i][1] -= abDot / aa * ab[i][0];
        }
        double[][] x = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < p; k++) {
                x[i][k] = 5 + ab[i][0] * s1 * u1[k] + ab[i][1] * s2 * u2[k];
            }
        }
        return x;
    }

    private static void normalise(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        s = Math.sqrt(s);
        for (int k = 0; k < v.length; k++) {
            v[k] /= s;
        }
    }

    @RepeatedTest(5)
    void pcaFindsTheAxesOfPlanarDataAndItsVarianceSharesSumToAtMostOne(org.junit.jupiter.api.RepetitionInfo rep) {
        Random r = new Random(rep.getCurrentRepetition());
        int n = 40;
        double[][] ab = new double[n][2];
        double[][] x = plane(r, n, 30, 3.0, 1.0, ab);
        Pca pca = Pca.fit(x, 3);
        double[] share = pca.varianceExplained();
        double sum = share[0] + share[1] + share[2];
        assertThat(sum).isLessThanOrEqualTo(1 + 1e-9).isCloseTo(1, offset(1e-6));
        assertThat(share[2]).isCloseTo(0, offset(1e-9));
        assertThat(share[0]).isGreaterThan(share[1]);

        // coordinates are (a·s1, b·s2) up to centring and each axis' sign: check through sample variances
        double[] va = variance(ab, 0);
        double[] vb = variance(ab, 1);
        double expectFirst = 9 * va[1] / (9 * va[1] + vb[1]);
        assertThat(share[0]).isCloseTo(expectFirst, offset(1e-6));
        double[][] c = pca.coordinates();
        for (int i = 0; i < n; i++) {
            assertThat(Math.abs(c[i][0])).isCloseTo(Math.abs(3 * (ab[i][0] - va[0])), offset(1e-6));
            assertThat(Math.abs(c[i][1])).isCloseTo(Math.abs(ab[i][1] - vb[0]), offset(1e-6));
            assertThat(c[i][2]).isCloseTo(0, offset(1e-6));
            // a new point lands where the fitted one did
            double[] again = pca.apply(x[i]);
            assertThat(again[0]).isCloseTo(c[i][0], offset(1e-9));
            assertThat(again[1]).isCloseTo(c[i][1], offset(1e-9));
        }
    }

    /** {mean, population variance} of column k. */
    private static double[] variance(double[][] ab, int k) {
        double m = 0;
        for (double[] row : ab) {
            m += row[k];
        }
        m /= ab.length;
        double v = 0;
        for (double[] row : ab) {
            v += (row[k] - m) * (row[k] - m);
        }
        return new double[] {m, v / ab.length};
    }

    @Test
    void pcaOfFewerPointsThanDimensionsStillSumsToAtMostOne() {
        Random r = new Random(7);
        double[][] x = new double[6][128];
        for (double[] row : x) {
            for (int k = 0; k < row.length; k++) {
                row[k] = r.nextGaussian();
            }
        }
        double[] share = Pca.fit(x, 2).varianceExplained();
        System.out.printf("PCA of 6 random points in 128-D: variance explained %.3f + %.3f%n", share[0], share[1]);
        assertThat(share[0] + share[1]).isLessThanOrEqualTo(1 + 1e-12).isGreaterThan(0.3);
        assertThat(share[0]).isGreaterThanOrEqualTo(share[1]);
        assertThatThrownBy(() -> Pca.fit(new double[][] {{1, 2}}, 1)).isInstanceOf(UserError.class)
                .hasMessageContaining("at least 2 points");
    }

    /** k clusters of m points in p dims, centres far apart; labels in label[]. */
    private static double[][] clusters(Random r, int k, int m, int p, int[] label) {
        double[][] x = new double[k * m][p];
        for (int c = 0; c < k; c++) {
            double[] centre = new double[p];
            for (int q = 0; q < p; q++) {
                centre[q] = 10 * r.nextGaussian();
            }
            for (int i = 0; i < m; i++) {
                label[c * m + i] = c;
                for (int q = 0; q < p; q++) {
                    x[c * m + i][q] = centre[q] + r.nextGaussian();
                }
            }
        }
        return x;
    }

    private static double nearestSameCluster(double[][] y, int[] label) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            int best = -1;
            double bd = Double.POSITIVE_INFINITY;
            for (int j = 0; j < y.length; j++) {
                double d = Math.hypot(y[i][0] - y[j][0], y[i][1] - y[j][1]);
                if (j != i && d < bd) {
                    bd = d;
                    best = j;
                }
            }
            ok += label[best] == label[i] ? 1 : 0;
        }
        return (double) ok / y.length;
    }

    @Test
    void tsneSeparatesClustersAsWellAsSmileDoes() {
        int[] label = new int[90];
        double[][] x = clusters(new Random(3), 3, 30, 20, label);
        Tsne.Options o = Tsne.Options.defaults().withPerplexity(10);
        Tsne ours = Tsne.of(x, o);
        long t0 = System.nanoTime();
        Tsne.Result r = ours.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        TSNE smile = TSNE.fit(x, new TSNE.Options(2, 10, 200, 12, 1000));
        double smileKl = ours.cost(smile.coordinates());
        System.out.printf("t-SNE of 90 points, 1000 iterations: %d ms; KL(P||Q) ours %.4f, Smile's %.4f;"
                        + " nearest neighbour in the same cluster: ours %.2f, Smile's %.2f%n", ms, r.cost(), smileKl,
                nearestSameCluster(r.coordinates(), label), nearestSameCluster(smile.coordinates(), label));
        assertThat(r.coordinates()).hasNumberOfRows(90);
        assertThat(r.coordinates()[0]).hasSize(2);
        assertThat(r.iterations()).isEqualTo(1000);
        assertThat(r.cancelled()).isFalse();
        assertThat(nearestSameCluster(r.coordinates(), label)).isEqualTo(1.0);
        assertThat(r.cost()).isLessThan(smileKl * 1.15 + 0.02);
        assertThat(r.cost()).isEqualTo(ours.cost(r.coordinates()), offset(1e-9));
    }

    @Test
    void tsneIsDeterministicForASeedAndDiffersAcrossSeeds() {
        int[] label = new int[40];
        double[][] x = clusters(new Random(5), 4, 10, 8, label);
        Tsne.Options o = Tsne.Options.defaults().withPerplexity(5).withIterations(300).withSeed(11);
        double[][] a = Tsne.of(x, o).run().coordinates();
        double[][] b = Tsne.of(x, o).run().coordinates();
        double[][] c = Tsne.of(x, o.withSeed(12)).run().coordinates();
        assertThat(a).isDeepEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a).hasNumberOfRows(40);
    }

    @Test
    void tsneListenerSeesIncreasingIterationsAndTheFinalMap() {
        int[] label = new int[30];
        double[][] x = clusters(new Random(9), 3, 10, 5, label);
        List<Tsne.Progress> seen = new CopyOnWriteArrayList<>();
        Tsne.Result r = Tsne.of(x, Tsne.Options.defaults().withPerplexity(5).withIterations(400)).run(seen::add, 10);
        assertThat(seen).isNotEmpty();
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).iteration()).isGreaterThan(seen.get(i - 1).iteration());
        }
        Tsne.Progress last = seen.getLast();
        assertThat(last.finished()).isTrue();
        assertThat(last.iteration()).isEqualTo(400);
        assertThat(last.coordinates()).isDeepEqualTo(r.coordinates());
        assertThat(seen.getFirst().coordinates()).hasNumberOfRows(30);
        System.out.printf("t-SNE listener: %d snapshots of 40 offered; KL %.3f at iteration %d, %.3f at the end%n",
                seen.size(), seen.getFirst().cost(), seen.getFirst().iteration(), last.cost());
    }

    @Test
    void tsneCanBePausedResumedAndCancelled() throws Exception {
        int[] label = new int[60];
        double[][] x = clusters(new Random(1), 3, 20, 10, label);
        Tsne t = Tsne.of(x, Tsne.Options.defaults().withPerplexity(8).withIterations(1_000_000));
        AtomicInteger at = new AtomicInteger();
        Tsne.Result[] result = new Tsne.Result[1];
        Thread worker = Thread.ofPlatform().start(() -> result[0] = t.run(p -> at.set(p.iteration()), 1));
        while (at.get() < 20) {
            Thread.sleep(5);
        }
        t.pause();
        assertThat(t.isPaused()).isTrue();
        Thread.sleep(100);
        int paused = at.get();
        Thread.sleep(300);
        assertThat(at.get()).as("no iterations while paused").isEqualTo(paused);
        t.resume();
        while (at.get() < paused + 20) {
            Thread.sleep(5);
        }
        t.cancel();
        worker.join(10_000);
        assertThat(worker.isAlive()).isFalse();
        assertThat(result[0].cancelled()).isTrue();
        assertThat(result[0].iterations()).isBetween(paused + 20, 1_000_000 - 1);
        assertThat(result[0].coordinates()).hasNumberOfRows(60);
    }

    @Test
    void tsneLowersThePerplexityForSmallSetsAndRefusesTooFewPoints() {
        double[][] x = clusters(new Random(2), 2, 5, 3, new int[10]);
        Tsne t = Tsne.of(x, Tsne.Options.defaults().withIterations(50));
        assertThat(t.perplexity()).isEqualTo(3.0);
        assertThat(t.run().perplexity()).isEqualTo(3.0);
        assertThatThrownBy(() -> Tsne.of(new double[][] {{1}, {2}}, Tsne.Options.defaults()))
                .isInstanceOf(UserError.class).hasMessageContaining("at least 3 points");
    }
}
