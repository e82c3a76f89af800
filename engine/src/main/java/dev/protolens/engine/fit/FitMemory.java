package dev.protolens.engine.fit;

import dev.protolens.engine.UserError;
import dev.protolens.engine.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Memory the system can still give (Linux's MemAvailable), or empty where it cannot be read. */
    public static OptionalLong availableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no check, as before
        }
        return OptionalLong.empty();
    }

    /**
     * Refuses a CPU fit whose activations would not fit in the memory available now. The count is a bound from
     * above within about 2× (README, "Big models use the whole machine"), so a fit refused here would have swapped
     * or been killed.
     */
    public static void check(ModelConfig c, int batch, int inputs, OptionalLong available) {
        if (available.isEmpty()) {
            return;
        }
        long need = activationBytes(c, batch, inputs);
        if (need > available.getAsLong()) {
            throw new UserError(String.format(Locale.ROOT, "This fit needs about %.1f GB of memory for its activations"
                    + " (%d item%s of %d tokens through %d layers, d=%d, vocabulary %d) on top of the loaded model, and"
                    + " %.1f GB is available. Fit fewer restarts at once, a shorter text, or close other programs.",
                    need / 1e9, batch, batch == 1 ? "" : "s", inputs, c.numLayers(), c.hiddenSize(), c.vocabSize(),
                    available.getAsLong() / 1e9));
        }
    }
}
