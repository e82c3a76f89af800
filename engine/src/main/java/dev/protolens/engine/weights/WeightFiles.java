package dev.protolens.engine.weights;

import dev.protolens.engine.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds and opens the weights of a Hugging Face model folder: one safetensors file or an index of shards. */
public final class WeightFiles {
    private WeightFiles() {}

    public static TensorSource openFolder(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            return ShardedSafetensors.open(index);
        }
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return SafetensorsFile.open(single);
        }
        List<Path> any;
        try (Stream<Path> s = Files.list(dir)) {
            any = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new UserError(dir + ": cannot list the folder: " + e.getMessage());
        }
        if (any.size() == 1) {
            return SafetensorsFile.open(any.getFirst());
        }
        boolean hasBin = Files.isRegularFile(dir.resolve("pytorch_model.bin"))
                || Files.isRegularFile(dir.resolve("pytorch_model.bin.index.json"));
        throw new UserError(dir + " has no model.safetensors" + (any.size() > 1 ? " index for its "
                + any.size() + " .safetensors files" : "") + (hasBin
                ? ". It holds PyTorch .bin weights, which ProtoLens does not read: convert them with"
                + " transformers (model.save_pretrained(dir, safe_serialization=True)) or pick a safetensors copy."
                : ". Pick a Hugging Face model folder (config.json + model.safetensors) or a .gguf file."));
    }
}
