package dev.protolens.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.protolens.engine.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks the checker: {@link ReferenceForward} on the real models reproduces the PyTorch oracle's logits
 * (../shared/oracle), both the ordinary token path and the proto-token input [e, m, m…].
 */
class ReferenceForwardTest {

    @ParameterizedTest
    @CsvSource({"stories260k-hf, stories260k-hf__lily__seed0_normal", "tinyllama-v0, tinyllama-v0__lily__seed0_normal"})
    void agreesWithOracleFixtures(String modelDir, String fixture) {
        ReferenceForward ref = ReferenceForward.open(Shared.model(modelDir));
        try (SafetensorsFile fx = SafetensorsFile.open(Shared.oracle(fixture + ".safetensors"))) {
            float[] refIds = fx.floats("ref_input_ids");
            long[] ids = new long[refIds.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (long) refIds[i];
            }
            double tokenDiff = maxDiff(ref.logitsForTokens(ids), fx.floats("ref_logits"));

            int n = fx.floats("token_ids").length;
            int d = ref.hiddenSize();
            float[] e = fx.floats("e");
            float[] m = fx.floats("m");
            double[][] z = new double[n][d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    z[i][j] = i == 0 ? e[j] : m[j];
                }
            }
            double protoDiff = maxDiff(ref.logits(z), fx.floats("logits"));
            System.out.printf("%s: float64 reference vs oracle, ref_logits max |diff| %.3g, logits max |diff| %.3g%n",
                    modelDir, tokenDiff, protoDiff);
            assertThat(tokenDiff).isLessThanOrEqualTo(1e-4);
            assertThat(protoDiff).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void erfMatchesTabulatedValues() {
        // values from Python 3.11 math.erf (correctly rounded to about 1 ulp)
        assertThat(ReferenceForward.erf(0)).isEqualTo(0.0);
        assertThat(ReferenceForward.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
        assertThat(ReferenceForward.erf(1)).isCloseTo(0.8427007929497149, within(1e-15));
        assertThat(ReferenceForward.erf(-2)).isCloseTo(-0.9953222650189527, within(1e-15));
        assertThat(ReferenceForward.erf(2.0001)).isCloseTo(0.9953243313041966, within(1e-14));
        assertThat(ReferenceForward.erf(2.5)).isCloseTo(0.9995930479825550, within(1e-15));
        assertThat(ReferenceForward.erf(3)).isCloseTo(0.9999779095030014, within(1e-15));
        assertThat(ReferenceForward.erf(3.5)).isCloseTo(0.9999992569016276, within(1e-15));
        assertThat(ReferenceForward.erf(6)).isCloseTo(1.0, within(1e-15));
    }

    private static double maxDiff(double[][] got, float[] want) {
        int v = got[0].length;
        assertThat(got.length * v).isEqualTo(want.length);
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            for (int j = 0; j < v; j++) {
                max = Math.max(max, Math.abs(got[i][j] - want[i * v + j]));
            }
        }
        return max;
    }
}
