package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.ReferenceForward;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * What fitting needs from every family: the gradient of the mean cross-entropy with respect to the input
 * embeddings, by DJL's autograd, equals central finite differences of the float64 reference, and stays so
 * over repeated steps (a Java scalar in the graph shows up as NaN after a few backward passes).
 */
class FamilyGradientTest {
    static final List<String> VARIANTS = TinyModels.VARIANTS;
    private static final int N = 6;
    private static final int STEPS = 4;

    @ParameterizedTest
    @FieldSource("VARIANTS")
    void inputGradientMatchesFiniteDifferences(String variant, @TempDir Path tmp) {
        Path dir = TinyModels.write(tmp, variant, 3);
        ReferenceForward ref = ReferenceForward.open(dir);
        Random r = new Random(variant.hashCode() * 7L);
        EngineRuntime.get(); // setGradMode needs the native library loaded
        EngineRuntime.setGradMode(true);
        try (LoadedModel m = ModelLoader.load(dir)) {
            check(variant, m, ref, r);
        } finally {
            EngineRuntime.setGradMode(false); // as Fitter leaves it
        }
    }

    private static void check(String variant, LoadedModel m, ReferenceForward ref, Random r) {
        int d = m.config().hiddenSize();
        int v = m.config().vocabSize();
        float[] z = new float[N * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        int[] targets = r.ints(N, 0, v).toArray();
        float[] grad = null;
        for (int step = 0; step < STEPS; step++) {
            float[] g = djlGradient(m, z, targets);
            for (float x : g) {
                assertThat(Float.isFinite(x)).as("%s step %d: finite gradient", variant, step).isTrue();
            }
            if (grad != null) {
                assertThat(g).as("%s step %d: same gradient as step 0", variant, step).containsExactly(grad);
            }
            grad = g;
        }
        double[][] x = new double[N][d];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = z[i * d + j];
            }
        }
        double worst = 0;
        double largest = 0;
        for (int probe = 0; probe < 12; probe++) {
            int i = r.nextInt(N);
            int j = r.nextInt(d);
            double h = 1e-4;
            double keep = x[i][j];
            x[i][j] = keep + h;
            double up = loss(ref.logits(x), targets);
            x[i][j] = keep - h;
            double down = loss(ref.logits(x), targets);
            x[i][j] = keep;
            double fd = (up - down) / (2 * h);
            double diff = Math.abs(grad[i * d + j] - fd);
            assertThat(diff).as("%s d loss / d z[%d][%d]: autograd %g vs finite difference %g", variant, i, j,
                    grad[i * d + j], fd).isLessThanOrEqualTo(1e-5 + 1e-3 * Math.abs(fd));
            worst = Math.max(worst, diff);
            largest = Math.max(largest, Math.abs(fd));
        }
        System.out.printf("%-24s gradient vs finite differences: max |diff| %.3g (largest |grad| probed %.3g)%n",
                variant, worst, largest);
    }

    private static float[] djlGradient(LoadedModel m, float[] z, int[] targets) {
        int d = m.config().hiddenSize();
        int v = m.config().vocabSize();
        float[] pick = new float[N * v];
        for (int i = 0; i < N; i++) {
            pick[i * v + targets[i]] = -1f / N;
        }
        try (NDManager step = EngineRuntime.get().newManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray input = step.create(z, new Shape(1, N, d));
            input.setRequiresGradient(true);
            NDArray logits = m.model().logits(input);
            NDArray loss = logits.logSoftmax(2).mul(step.create(pick, new Shape(1, N, v))).sum();
            gc.backward(loss);
            try (NDArray g = input.getGradient()) {
                return g.toFloatArray();
            }
        }
    }

    /** Mean cross-entropy over the positions, in float64. */
    private static double loss(double[][] logits, int[] targets) {
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logits[i]) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (double l : logits[i]) {
                sum += Math.exp(l - max);
            }
            total += max + Math.log(sum) - logits[i][targets[i]];
        }
        return total / logits.length;
    }
}
