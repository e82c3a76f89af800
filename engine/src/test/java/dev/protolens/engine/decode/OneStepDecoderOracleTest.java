package dev.protolens.engine.decode;

import dev.protolens.engine.proto.ProtoTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.testing.Fixture;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One-step decoding against the reference's logits: the written tokens are the argmax of the oracle's logits,
 * the target probabilities and the loss are the oracle's, the alternatives are its top k in order, asking for
 * alternatives does not change the tokens, and a batch decodes like its items one by one.
 */
class OneStepDecoderOracleTest {

    @ParameterizedTest
    @ValueSource(strings = {"stories260k-hf", "tinyllama-v0"})
    void decodesWhatTheReferenceLogitsSay(String modelDir) {
        try (Fixture f = Fixture.open(modelDir); LoadedModel m = ModelLoader.load(f.model())) {
            int d = m.config().hiddenSize();
            int v = m.config().vocabSize();
            long[] target = f.longs("token_ids");
            int n = target.length;
            float[] logits = f.floats("logits");
            ProtoTokens start = new ProtoTokens(f.floats("e"), f.floats("m"));
            ProtoTokens solution = new ProtoTokens(f.floats("solution_e"), f.floats("solution_m"));
            OneStepDecoder dec = new OneStepDecoder(m);
            Decoded withTop = dec.decode(start, n, Arrangement.E_M, target, 5);
            Decoded plain = dec.decode(start, n, Arrangement.E_M, target, 0);
            assertThat(plain.ids()).isEqualTo(withTop.ids());
            assertThat(start.dim()).isEqualTo(d);
            double loss = 0;
            for (int j = 0; j < n; j++) {
                int[] order = topIndices(logits, j * v, v, 5);
                double lse = logSumExp(logits, j * v, v);
                assertThat(withTop.ids()[j]).as("position %d", j).isEqualTo(order[0]);
                assertThat((double) withTop.targetProb()[j]).isCloseTo(Math.exp(logits[j * v + (int) target[j]] - lse),
                        within(1e-5));
                for (int q = 0; q < 5; q++) {
                    Decoded.Alternative a = withTop.alternatives()[j][q];
                    assertThat(a.id()).as("position %d, alternative %d", j, q).isEqualTo(order[q]);
                    assertThat((double) a.prob()).isCloseTo(Math.exp(logits[j * v + order[q]] - lse), within(1e-5));
                }
                loss -= logits[j * v + (int) target[j]] - lse;
            }
            assertThat(withTop.loss()).isCloseTo(loss / n, within(1e-5));
            assertThat(withTop.loss()).isCloseTo(f.floats("loss")[0], within(1e-5));

            Decoded solved = dec.decode(solution, n, Arrangement.E_M, target, 3);
            assertThat(solved.accuracy()).isEqualTo(1.0);
            assertThat(solved.ids()).isEqualTo(target);
            assertThat(solved.text()).isEqualTo(Fixture.LILY);

            List<Decoded> both = dec.decodeAll(List.of(start, solution), n, Arrangement.E_M, target, 5);
            assertThat(both.get(0).ids()).isEqualTo(withTop.ids());
            assertThat(both.get(1).ids()).isEqualTo(solved.ids());
            assertThat(both.get(0).loss()).isCloseTo(withTop.loss(), within(1e-6));
        }
    }

    private static int[] topIndices(float[] x, int off, int len, int k) {
        int[] top = new int[k];
        boolean[] used = new boolean[len];
        for (int q = 0; q < k; q++) {
            int best = -1;
            for (int i = 0; i < len; i++) {
                if (!used[i] && (best < 0 || x[off + i] > x[off + best])) {
                    best = i;
                }
            }
            used[best] = true;
            top[q] = best;
        }
        return top;
    }

    private static double logSumExp(float[] x, int off, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            max = Math.max(max, x[off + i]);
        }
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += Math.exp(x[off + i] - max);
        }
        return max + Math.log(s);
    }
}
