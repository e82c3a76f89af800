package dev.protolens.app.cli;

import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelConfig;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.runtime.EngineRuntime;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's family, sizes, parameter count, dtype, tokenizer and the device it runs on.")
final class InspectCommand implements Callable<Integer> {


    @Mixin
    ModelOptions options;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        EngineRuntime rt = options.runtime();
        try (LoadedModel m = ModelLoader.load(options.requiredModel(), rt, s -> { })) {
            ModelConfig c = m.config();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("path", m.path().toString());
            r.put("format", m.format());
            r.put("family", c.modelType());
            r.put("architecture", c.architecture().name().toLowerCase());
            r.put("layers", c.numLayers());
            r.put("hidden_size", c.hiddenSize());
            r.put("heads", c.numHeads());
            r.put("kv_heads", c.numKvHeads());
            r.put("head_dim", c.headDim());
            r.put("intermediate_size", c.intermediateSize());
            r.put("vocab_size", c.vocabSize());
            r.put("context", c.maxPositions());
            r.put("tied_embeddings", c.tiedEmbeddings());
            r.put("parameters", m.model().parameterCount());
            r.put("stored_dtype", c.storedDtype());
            r.put("compute_dtype", m.computeDtype());
            r.put("tokenizer", m.tokenizer().description() + ", " + m.tokenizer().vocabSize() + " tokens");
            r.put("device", m.device());
            r.put("runtime", rt.describe());
            r.put("identity", m.identity());
            r.put("load_ms", m.loadMillis());
            if (output.json) {
                Json.print(r);
            } else {
                r.forEach((k, v) -> System.out.printf("%-18s %s%n", k, v));
            }
        }
        return 0;
    }
}
