package dev.protolens.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A frozen causal language model: input embeddings (batch, N, d) to logits (batch, N, vocab), with
 * position ids 0..N-1 and a causal mask. The weights live in {@link #manager()} and never require
 * gradients; gradients flow only to whatever the caller feeds in (the proto-tokens).
 *
 * <p>Every array a call creates is attached to the manager of its input, so a caller that wraps a step
 * in a child manager frees everything the step made when it closes that manager.
 */
public interface LanguageModel extends AutoCloseable {

    ModelConfig config();

    /** Owns the weights; closing the model closes it. */
    NDManager manager();

    /** Token ids (batch, N), int64, to input embeddings (batch, N, d). */
    NDArray embed(NDArray ids);

    /** Input embeddings (batch, N, d) to logits (batch, N, vocab), float32. */
    NDArray logits(NDArray inputEmbeds);

    /** The same pass, keeping the residual stream for inspection and tests. */
    Trace trace(NDArray inputEmbeds);

    /**
     * The same pass with a probe inside it ({@code engine.inside}): logits as {@link #logits(NDArray)}, while the
     * probe sees each layer's residual stream and attention and may remove attention. With {@link PassProbe#NONE}
     * it is exactly {@link #logits(NDArray)}.
     */
    NDArray logits(NDArray inputEmbeds, PassProbe probe);

    /** {@link #argmaxTokens(NDArray, int)} of the pass with a probe inside it (a knock-out's tokens). */
    long[] argmaxTokens(NDArray inputEmbeds, int from, PassProbe probe);

    /**
     * The logit lens: any residual stream (batch, N, d) put through the final norm and the head, as the last
     * layer's output is; logits (batch, N, vocab), float32.
     */
    NDArray readOut(NDArray residual);

    /**
     * The logit lens without its logits: for each (batch, position) of {@code residual} (batch, N, d), what
     * {@code log_softmax(readOut(residual))} says about {@code target} (batch × N ids, row-major; negative for none)
     * and about the most likely token. On the CPU the head runs a slice of the vocabulary at a time, as in
     * {@link #argmaxTokens}, so a long lens never holds (positions × vocab) floats.
     */
    HeadReading read(NDArray residual, long[] target);

    /**
     * The same pass reduced to its most likely token at every position from {@code from} on: (batch, N - from)
     * ids, row-major, equal to {@code logits(inputEmbeds)[:, from:, :].argmax(-1)} (first index on ties, NaN
     * counted as the largest). For a decode that needs no probabilities; on the CPU it never holds all the
     * logits at once, which makes it the cheaper call.
     */
    long[] argmaxTokens(NDArray inputEmbeds, int from);

    /** The input embedding table (vocab, d), float32 view. */
    NDArray embeddingTable();

    /** Number of parameters (tied tables counted once). */
    long parameterCount();

    default NDArray logitsForTokens(NDArray ids) {
        return logits(embed(ids));
    }

    /**
     * @param residual   [0] = the input, [l] = output of layer l, before the final norm; each (batch, N, d)
     * @param finalNorm  the final norm of residual[L], the input of the head
     * @param logits     (batch, N, vocab)
     */
    record Trace(List<NDArray> residual, NDArray finalNorm, NDArray logits) {}

    @Override
    void close();
}
