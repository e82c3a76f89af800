package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.weights.SafetensorsFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forward pass against the PyTorch reference's fixtures (../shared/oracle): the ordinary token path,
 * the [e, m, m…] input, every layer's residual stream and the final norm, within the oracle's 1e-4.
 */
class OracleForwardTest {

    @ParameterizedTest
    @CsvSource({"stories260k-hf, stories260k-hf__lily__seed0_normal", "tinyllama-v0, tinyllama-v0__lily__seed0_normal"})
    void matchesReferenceFixtures(String modelDir, String fixture) {
        try (LoadedModel m = ModelLoader.load(Shared.model(modelDir));
             SafetensorsFile fx = SafetensorsFile.open(Shared.oracle(fixture + ".safetensors"));
             NDManager step = EngineRuntime.get().newManager()) {
            long[] tokenIds = longs(fx, "token_ids");
            int n = tokenIds.length;
            int d = m.config().hiddenSize();
            int v = m.config().vocabSize();

            long[] refIds = longs(fx, "ref_input_ids");
            NDArray refLogits = m.model().logitsForTokens(step.create(refIds, new Shape(1, refIds.length)));
            assertClose(refLogits.toFloatArray(), fx.floats("ref_logits"), 1e-4, "ref_logits");

            float[] e = fx.floats("e");
            float[] mm = fx.floats("m");
            float[] z = new float[n * d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(i == 0 ? e : mm, 0, z, i * d, d);
            }
            LanguageModel.Trace t = m.model().trace(step.create(z, new Shape(1, n, d)));
            assertClose(t.logits().toFloatArray(), fx.floats("logits"), 1e-4, "logits");
            float[] residual = fx.floats("residual");
            assertThat(t.residual()).hasSize(m.config().numLayers() + 1);
            for (int l = 0; l <= m.config().numLayers(); l++) {
                float[] want = java.util.Arrays.copyOfRange(residual, l * n * d, (l + 1) * n * d);
                assertClose(t.residual().get(l).toFloatArray(), want, 1e-4, "residual[" + l + "]");
            }
            assertClose(t.finalNorm().toFloatArray(), fx.floats("final_norm"), 1e-4, "final_norm");
            assertThat(t.logits().getShape()).isEqualTo(new Shape(1, n, v));
        }
    }

    static long[] longs(SafetensorsFile f, String name) {
        float[] x = f.floats(name);
        long[] r = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = (long) x[i];
        }
        return r;
    }

    static void assertClose(float[] got, float[] want, double tol, String what) {
        assertThat(got).as(what + " length").hasSize(want.length);
        double max = 0;
        int at = -1;
        for (int i = 0; i < got.length; i++) {
            double diff = Math.abs(got[i] - want[i]);
            if (!(diff <= max)) {
                max = diff;
                at = i;
            }
        }
        System.out.printf("%s: max abs diff %.3g at %d%n", what, max, at);
        assertThat(max).as(what + ": max abs diff at index " + at).isLessThanOrEqualTo(tol);
    }
}
