package dev.protolens.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * A look inside one forward pass, for {@code engine.inside} (logit lens, attention maps, knock-outs). The
 * families' one trunk, the same code the fit runs, reports its residual stream and its attention
 * probabilities here, and asks here whether to remove some attention; there is no second forward to drift
 * from the first. {@link #NONE} watches nothing and changes nothing, which is every ordinary pass.
 *
 * <p>Layers count from 1 as in Hugging Face's {@code hidden_states}: layer 0 is the input stream (for GPT-2
 * with the position embeddings added), layer l the output of decoder layer l. The arrays passed in belong to
 * the pass's manager; a probe that keeps one keeps it only as long as that manager lives.
 */
public interface PassProbe {
    PassProbe NONE = new PassProbe() {};

    /** Where in a layer the residual stream is read. */
    enum Site {
        /** After the attention's output is added (GPT-NeoX's parallel form: {@code x + attn}, before the MLP's). */
        AFTER_ATTENTION,
        /** After the whole layer (attention and MLP): the stream the next layer reads. */
        AFTER_LAYER
    }

    /** The residual stream (batch, N, d) at {@code site} of {@code layer}; layer 0 is reported once, AFTER_LAYER. */
    default void residual(int layer, Site site, NDArray stream) {}

    /** The attention probabilities (batch, heads, N, N) of {@code layer}: row i is what query i attends to. */
    default void attention(int layer, NDArray probabilities) {}

    /**
     * An additive mask broadcastable to (batch, heads, N, N), 0 where attention stays and -inf where it is removed,
     * added to {@code layer}'s scores on top of the causal mask; null leaves the layer as it is. It must leave
     * every query at least one key (its own), or the softmax of that row is undefined.
     */
    default NDArray attentionMask(int layer, int n) {
        return null;
    }
}
