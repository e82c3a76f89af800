package dev.protolens.engine.model;

import dev.protolens.engine.hub.LocalModel;
import dev.protolens.engine.tokenizer.TextTokenizer;
import java.nio.file.Path;

/**
 * A model ready to run: the forward pass, its tokenizer, where it came from, and the identity that run
 * records store (so a run is never decoded with a different model).
 *
 * @param format   "safetensors" or "gguf"
 * @param identity a hash of the config and every tensor's name, type and shape (see {@link ModelIdentity})
 * @param device   "cpu" or "cuda:N"
 * @param computeDtype what the weights are held in on the device ("float32", "bfloat16", …)
 */
public record LoadedModel(Path path, String format, ModelConfig config, LanguageModel model, TextTokenizer tokenizer,
                          String identity, String device, String computeDtype, long loadMillis) implements AutoCloseable {

    /**
     * A short name for the UI and run records: the folder or file name, or "org/name" for a snapshot in the Hugging
     * Face cache (whose folder name is a commit hash).
     */
    public String name() {
        return LocalModel.displayName(path);
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
