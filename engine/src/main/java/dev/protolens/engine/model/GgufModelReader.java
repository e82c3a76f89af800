package dev.protolens.engine.model;

import dev.protolens.engine.UserError;
import dev.protolens.engine.tokenizer.TextTokenizer;
import dev.protolens.engine.weights.TensorSource;
import java.nio.file.Path;

/**
 * A GGUF file as a model: its metadata as a {@link ModelConfig}, its tensors under Hugging Face names
 * (and PyTorch-order shapes), its embedded vocabulary as a tokenizer.
 */
public final class GgufModelReader {
    private GgufModelReader() {}

    public record Opened(ModelConfig config, TensorSource tensors, TextTokenizer tokenizer) {}

    public static Opened open(Path file) {
        throw new UserError("GGUF files are not supported yet: " + file);
    }
}
