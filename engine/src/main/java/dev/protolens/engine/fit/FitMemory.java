package dev.protolens.engine.fit;

import dev.protolens.engine.UserError;
import dev.protolens.engine.model.ModelConfig;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A hand count of the memory a fit needs beyond the loaded weights, and the refusal of a fit that would not fit
 * in memory before it allocates anything (issue 17: "refused before it starts, with the number it needed").
 *
 * <p>The count, in fp32 floats, for a batch of B items of N inputs through L layers (d hidden, I intermediate,
 * H query heads, V vocabulary), of what autograd keeps for the backward pass and the largest transients:
 * <ul>
 *   <li>per layer: {@code B·N·(12·d + 4·I) + 3·B·H·N²} — the two norms' inputs and outputs, q, k, v and their
 *   rotated copies, the attention output and its projection, gate, up, the activation and the product; the
 *   attention scores, softmax and its gradient;</li>
 *   <li>head: {@code 4·B·N·V} — logits, log-softmax and their two gradients;</li>
 *   <li>the same again for the gradients flowing back through one layer at a time is at most one layer's worth.</li>
 * </ul>
 */
public final class FitMemory {
    private FitMemory() {}

    /** Bytes of activations a step of this fit holds at its peak (weights not counted; they are already loaded). */
    public static long activationBytes(ModelConfig c, int batch, int inputs) {
        long b = batch;
        long n = inputs;
        long perLayer = b * n * (12L * c.hiddenSize() + 4L * c.intermediateSize()) + 3L * b * c.numHeads() * n * n;
        long head = 4L * b * n * c.vocabSize();
        return 4L * ((c.numLayers() + 1L) * perLayer + head);
    }

    /**
     * Bytes of what the fit optimises, in fp32: e and m for each item, their gradients and AdamW's two moments.
     * The weights are frozen and get no gradients. Kilobytes, beside megabytes of activations.
     */
    public static long stateBytes(ModelConfig c, int batch) {
        return 4L * 4 * 2 * batch * c.hiddenSize();
    }

    /**
     * What a fit was measured to add to the resident memory of the loaded model, over the hand count: 1.22x-1.23x on the
     * Llama-3.2-1B shape at N = 256 and 0.72x at N = 64 (README, "Memory"), 1.2x-1.4x for batches of 8 on the
     * SmolLM2-135M shape. The count leaves out libtorch's transients and the allocator's slack, which grow with it.
     */
    static final double MEASURED_OVER_COUNT = 1.4;

    /** The memory a fit asks for on top of the loaded model: the hand count scaled to what fits were measured to add. */
    public static long neededBytes(ModelConfig c, int batch, int inputs) {
        return (long) Math.ceil(MEASURED_OVER_COUNT * activationBytes(c, batch, inputs)) + stateBytes(c, batch);
    }

    /**
     * Refuses a CPU fit that would not fit in the memory available now ({@link #neededBytes}), before it allocates
     * anything: such a fit would swap or be killed part way.
     */
    public static void check(ModelConfig c, int batch, int inputs, OptionalLong available) {
        if (available.isEmpty()) {
            return;
        }
        long need = neededBytes(c, batch, inputs);
        if (need > available.getAsLong()) {
            throw new UserError(String.format(Locale.ROOT, "This fit needs about %.1f GB of memory on top of the loaded"
                    + " model (%d item%s of %d tokens through %d layers, d=%d, vocabulary %d), and"
                    + " %.1f GB is available. Fit fewer restarts at once, a shorter text, or close other programs.",
                    need / 1e9, batch, batch == 1 ? "" : "s", inputs, c.numLayers(), c.hiddenSize(), c.vocabSize(),
                    available.getAsLong() / 1e9));
        }
    }
}
