package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The causal-mask property, for every family: changing input position j never changes the logits at
 * positions before j, and does change them at j. Checked for every j of random inputs, on both the
 * embeddings path (a random new vector at j) and the token path (another token at j), three seeds each.
 */
class CausalityTest {
    static final List<String> VARIANTS = TinyModels.VARIANTS;
    private static final int N = 10;
    private static final int SEEDS = 3;

    @ParameterizedTest
    @FieldSource("VARIANTS")
    void laterPositionsNeverChangeEarlierLogits(String variant, @TempDir Path tmp) {
        try (LoadedModel m = ModelLoader.load(TinyModels.write(tmp, variant, 5))) {
            int d = m.config().hiddenSize();
            int v = m.config().vocabSize();
            double worstBefore = 0;
            double smallestAt = Double.MAX_VALUE;
            for (int seed = 0; seed < SEEDS; seed++) {
                Random r = new Random(seed * 31L + variant.hashCode());
                float[] z = gaussian(r, N * d);
                long[] ids = r.longs(N, 0, v).toArray();
                float[] base = embeddingsLogits(m, z);
                float[] baseTokens = tokenLogits(m, ids);
                for (int j = 0; j < N; j++) {
                    float[] z2 = z.clone();
                    float[] fresh = gaussian(r, d);
                    System.arraycopy(fresh, 0, z2, j * d, d);
                    long[] ids2 = ids.clone();
                    ids2[j] = (ids[j] + 1 + r.nextInt(v - 1)) % v;
                    for (float[][] pair : List.of(new float[][] {base, embeddingsLogits(m, z2)},
                            new float[][] {baseTokens, tokenLogits(m, ids2)})) {
                        double before = maxDiff(pair[0], pair[1], 0, j * v);
                        double at = maxDiff(pair[0], pair[1], j * v, (j + 1) * v);
                        assertThat(before).as("%s: changing position %d moved logits before it", variant, j)
                                .isLessThanOrEqualTo(1e-6);
                        assertThat(at).as("%s: changing position %d left its own logits unchanged", variant, j)
                                .isGreaterThan(1e-3);
                        worstBefore = Math.max(worstBefore, before);
                        smallestAt = Math.min(smallestAt, at);
                    }
                }
            }
            System.out.printf("%-24s max |change| before j: %.3g; min over j of max |change| at j: %.3g%n", variant,
                    worstBefore, smallestAt);
        }
    }

    private static float[] embeddingsLogits(LoadedModel m, float[] z) {
        try (NDManager step = EngineRuntime.get().newManager()) {
            return m.model().logits(step.create(z, new Shape(1, N, m.config().hiddenSize()))).toFloatArray();
        }
    }

    private static float[] tokenLogits(LoadedModel m, long[] ids) {
        try (NDManager step = EngineRuntime.get().newManager()) {
            return m.model().logitsForTokens(step.create(ids, new Shape(1, N))).toFloatArray();
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static double maxDiff(float[] a, float[] b, int from, int to) {
        double max = 0;
        for (int i = from; i < to; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
