package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.Shared;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LanguageModel#read} (the head in vocabulary slices, merged as an online softmax, on two threads) says what
 * {@code log_softmax(readOut(residual))} says: the target's log-probability, the first argmax and its log-probability,
 * on TinyLLama-v0, whose 32,000-token vocabulary spans many slices, for a batch of residual streams.
 */
class HeadReadingTest {

    @Test
    void slicedReadingEqualsTheFullLogSoftmax() {
        try (LoadedModel m = ModelLoader.load(Shared.model("tinyllama-v0"));
             NDManager step = m.model().manager().newSubManager()) {
            EngineRuntime.setGradMode(false);
            int b = 3;
            int n = 11;
            int d = m.config().hiddenSize();
            int v = m.config().vocabSize();
            Random r = new Random(5);
            float[] x = new float[b * n * d];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (3 * r.nextGaussian());
            }
            long[] target = new long[b * n];
            for (int i = 0; i < target.length; i++) {
                target[i] = i % 5 == 4 ? -1 : r.nextInt(v);
            }
            var residual = step.create(x, new Shape(b, n, d));
            HeadReading h = m.model().read(residual, target);
            float[] logits = m.model().readOut(residual).toFloatArray();
            double worst = 0;
            for (int p = 0; p < b * n; p++) {
                double max = Double.NEGATIVE_INFINITY;
                int best = 0;
                for (int k = 0; k < v; k++) {
                    if (logits[p * v + k] > max) {
                        max = logits[p * v + k];
                        best = k;
                    }
                }
                double s = 0;
                for (int k = 0; k < v; k++) {
                    s += Math.exp(logits[p * v + k] - max);
                }
                double lse = max + Math.log(s);
                assertThat(h.top()[p]).as("top at " + p).isEqualTo(best);
                worst = Math.max(worst, Math.abs(h.topLogProb()[p] - (max - lse)));
                if (target[p] < 0) {
                    assertThat(h.targetLogProb()[p]).isNaN();
                } else {
                    worst = Math.max(worst, Math.abs(h.targetLogProb()[p] - (logits[(int) (p * v + target[p])] - lse)));
                }
            }
            System.out.printf("sliced head reading vs full log-softmax: max |diff| %.3g%n", worst);
            assertThat(worst).isLessThanOrEqualTo(1e-5);
        }
    }
}
