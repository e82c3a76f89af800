package dev.protolens.engine.inside;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelConfig;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.model.PassProbe;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.testing.ReferenceForward;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The probe in every family (only Llama-family real models exist here, so the others are checked on tiny random
 * checkpoints): the knock-out pass against the independent float64 {@link ReferenceForward} with the same keys
 * removed, in the first and the last layer, within the oracle's 1e-4; the lens's last row is the pass's own
 * output; attention rows are causal distributions; and a probe that only watches changes nothing.
 */
class InsideFamiliesTest {
    static final java.util.List<String> VARIANTS = TinyModels.VARIANTS;

    @ParameterizedTest
    @FieldSource("VARIANTS")
    void knockOutsMatchTheFloat64ReferenceAndTheProbeOnlyWatches(String variant, @TempDir Path tmp) {
        Path dir = TinyModels.write(tmp, variant, 7);
        ReferenceForward ref = ReferenceForward.open(dir);
        Random r = new Random(variant.hashCode());
        try (LoadedModel m = ModelLoader.load(dir)) {
            ModelConfig c = m.config();
            int d = c.hiddenSize();
            int n = Math.min(9, c.maxPositions());
            float[] e = new float[d];
            float[] mm = new float[d];
            for (int i = 0; i < d; i++) {
                e[i] = (float) r.nextGaussian();
                mm[i] = (float) r.nextGaussian();
            }
            long[] target = new long[n];
            for (int i = 0; i < n; i++) {
                target[i] = r.nextInt(c.vocabSize());
            }
            FittedPass pass = new FittedPass("tiny", new ProtoTokens(e, mm), Arrangement.E_M, target, new String[n], "");
            Inside inside = new Inside(m);
            double[][] x = new double[n][d];
            float[] z = pass.input();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    x[i][j] = z[i * d + j];
                }
            }
            long[] pattern = pass.pattern();
            double worst = 0;
            for (KnockOut what : KnockOut.values()) {
                for (int layer : new int[] {1, c.numLayers()}) {
                    float[] got;
                    try (NDManager step = m.model().manager().newSubManager()) {
                        got = inside.knockOutLogits(step, pass, what, KnockOut.Scope.LAYER, layer).toFloatArray();
                    }
                    double[][] want = ref.logitsWithout(x, layer, (q, k) -> what.removes(pattern, q, k));
                    double plainDiff = 0;
                    double[][] plain = ref.logits(x);
                    for (int i = 0; i < n; i++) {
                        for (int v = 0; v < c.vocabSize(); v++) {
                            worst = Math.max(worst, Math.abs(got[i * c.vocabSize() + v] - want[i][v]));
                            plainDiff = Math.max(plainDiff, Math.abs(plain[i][v] - want[i][v]));
                        }
                    }
                    assertThat(plainDiff).as(variant + " " + what + " in layer " + layer + " changes the pass")
                            .isGreaterThan(1e-4);
                }
            }
            System.out.printf("%-24s knock-outs vs float64 reference: max |diff| %.3g%n", variant, worst);
            assertThat(worst).as(variant + " knock-out logits").isLessThanOrEqualTo(1e-4);

            try (NDManager step = m.model().manager().newSubManager()) {
                var input = step.create(z, new ai.djl.ndarray.types.Shape(1, n, d));
                float[] plain = m.model().logits(input).toFloatArray();
                Inside.Recorder watching = new Inside.Recorder(c.numLayers(), Inside.layersRead(c.numLayers(), 1),
                        PassProbe.Site.AFTER_ATTENTION, true);
                assertThat(m.model().logits(input, watching).toFloatArray()).as("a probe that only watches")
                        .containsExactly(plain);
                assertThat(watching.residual(c.numLayers())).isNotNull();
                assertThat(watching.attention(1)).isNotNull();
            }

            for (PassProbe.Site site : PassProbe.Site.values()) {
                Inside.Look look = inside.look(pass, site, 1);
                LensMap read = inside.teacherForced(pass, site, 2);
                assertThat(read.layers()).startsWith(0).endsWith(c.numLayers());
                for (int col = 1; col < n; col++) {
                    assertThat(read.prob(read.rows() - 1, col)).isBetween(0f, 1f);
                }
                AttentionMaps a = look.attention();
                for (int l = 1; l <= c.numLayers(); l++) {
                    for (int h = 0; h < c.numHeads(); h++) {
                        for (int q = 0; q < n; q++) {
                            double sum = 0;
                            for (int k = 0; k < n; k++) {
                                sum += a.p(l, h, q, k);
                                if (k > q) {
                                    assertThat(a.p(l, h, q, k)).isZero();
                                }
                            }
                            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
                        }
                    }
                }
                if (site == PassProbe.Site.AFTER_LAYER) {
                    // the last row of the lens is the pass's own prediction, the one the decoder writes
                    double[][] logits = ref.logits(x);
                    for (int i = 0; i < n; i++) {
                        double[] lp = logSoftmax(logits[i]);
                        assertThat((double) look.oneStep().prob(c.numLayers(), i))
                                .isCloseTo(Math.exp(lp[(int) target[i]]), org.assertj.core.data.Offset.offset(1e-4));
                    }
                }
            }
        }
    }

    private static double[] logSoftmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - max);
        }
        double lse = max + Math.log(s);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - lse;
        }
        return out;
    }
}
