package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.ReferenceForward;
import dev.protolens.engine.testing.TinyModels;
import dev.protolens.engine.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every family, on tiny random checkpoints, against the independent float64 {@link ReferenceForward}: the
 * token path and arbitrary input embeddings (two sequences in one batch), within 1e-4 on the logits.
 */
class TinyFamiliesTest {
    static final java.util.List<String> VARIANTS = TinyModels.VARIANTS;

    @ParameterizedTest
    @FieldSource("VARIANTS")
    void matchesFloat64Reference(String variant, @TempDir Path tmp) {
        Path dir = TinyModels.write(tmp, variant, 11);
        ReferenceForward ref = ReferenceForward.open(dir);
        Random r = new Random(variant.hashCode());
        try (LoadedModel m = ModelLoader.load(dir); NDManager step = EngineRuntime.get().newManager()) {
            ModelConfig c = m.config();
            int n = Math.min(12, c.maxPositions());
            int d = c.hiddenSize();
            int v = c.vocabSize();

            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = r.nextInt(v);
            }
            float[] tokenLogits = m.model().logitsForTokens(step.create(ids, new Shape(1, n))).toFloatArray();
            double tokenDiff = maxDiff(tokenLogits, ref.logitsForTokens(ids), 0);

            int batch = 2;
            float[] z = new float[batch * n * d];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) r.nextGaussian();
            }
            NDArray logits = m.model().logits(step.create(z, new Shape(batch, n, d)));
            assertThat(logits.getShape()).isEqualTo(new Shape(batch, n, v));
            float[] got = logits.toFloatArray();
            double embedsDiff = 0;
            for (int b = 0; b < batch; b++) {
                double[][] x = new double[n][d];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        x[i][j] = z[(b * n + i) * d + j];
                    }
                }
                embedsDiff = Math.max(embedsDiff, maxDiff(got, ref.logits(x), b * n * v));
            }
            System.out.printf("%-24s token path max |diff| %.3g, embeddings path max |diff| %.3g%n", variant,
                    tokenDiff, embedsDiff);
            assertThat(tokenDiff).as(variant + " token path vs float64 reference").isLessThanOrEqualTo(1e-4);
            assertThat(embedsDiff).as(variant + " embeddings path vs float64 reference").isLessThanOrEqualTo(1e-4);

            LanguageModel.Trace t = m.model().trace(step.create(z, new Shape(batch, n, d)));
            assertThat(t.residual()).hasSize(c.numLayers() + 1);
            assertThat(t.logits().toFloatArray()).containsExactly(got);
            assertThat(m.model().parameterCount()).as("every stored parameter is used, each once")
                    .isEqualTo(storedParameters(dir));
        }
    }

    /** BF16-stored checkpoints are widened in Java on the CPU and must compute exactly what their values say. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gpt_neox", "gpt2", "qwen3"})
    void bf16StoredMatchesFloat64Reference(String variant, @TempDir Path tmp) {
        Path dir = TinyModels.builder(variant).seed(13).bf16().write(tmp);
        ReferenceForward ref = ReferenceForward.open(dir);
        try (LoadedModel m = ModelLoader.load(dir); NDManager step = EngineRuntime.get().newManager()) {
            assertThat(m.config().storedDtype()).isEqualTo("bfloat16");
            long[] ids = new Random(3).longs(9, 0, m.config().vocabSize()).toArray();
            float[] got = m.model().logitsForTokens(step.create(ids, new Shape(1, ids.length))).toFloatArray();
            double diff = maxDiff(got, ref.logitsForTokens(ids), 0);
            System.out.printf("%-24s BF16-stored token path max |diff| %.3g%n", variant, diff);
            assertThat(diff).isLessThanOrEqualTo(1e-4);
        }
    }

    static long storedParameters(Path dir) {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            return f.tensors().stream().filter(t -> !TinyModels.isBuffer(t.name())).mapToLong(t -> t.elementCount()).sum();
        }
    }

    /** Max |got[offset + i*V + j] - want[i][j]|. */
    static double maxDiff(float[] got, double[][] want, int offset) {
        double max = 0;
        int v = want[0].length;
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < v; j++) {
                max = Math.max(max, Math.abs(got[offset + i * v + j] - want[i][j]));
            }
        }
        return max;
    }
}
