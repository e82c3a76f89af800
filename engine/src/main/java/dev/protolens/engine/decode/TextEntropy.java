package dev.protolens.engine.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.runtime.EngineRuntime;

/**
 * H_LM: the ordinary autoregressive cross-entropy of a text under the model, −Σ log P(t_i | t_&lt;i) in nats,
 * with BOS in front where the model has one (then every token is scored; without BOS the first token has no
 * context and is not scored). The paper's measure of a text's information content.
 */
public final class TextEntropy {
    private TextEntropy() {}

    public static double hLm(LoadedModel model, long[] ids) {
        var bos = model.tokenizer().bosId();
        long[] input = new long[ids.length + (bos.isPresent() ? 1 : 0)];
        int off = 0;
        if (bos.isPresent()) {
            input[0] = bos.getAsInt();
            off = 1;
        }
        System.arraycopy(ids, 0, input, off, ids.length);
        if (input.length > model.config().maxPositions()) {
            return Double.NaN;
        }
        EngineRuntime.setGradMode(false);
        try (NDManager step = model.model().manager().newSubManager()) {
            NDArray logp = model.model().logitsForTokens(step.create(input, new Shape(1, input.length))).logSoftmax(-1);
            float[] lp = logp.toFloatArray();
            int v = model.config().vocabSize();
            double sum = 0;
            for (int pos = 0; pos + 1 < input.length; pos++) {
                sum -= lp[pos * v + (int) input[pos + 1]];
            }
            return sum;
        }
    }
}
