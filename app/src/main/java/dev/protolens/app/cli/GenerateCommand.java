package dev.protolens.app.cli;

import dev.protolens.engine.decode.Generation;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.runtime.EngineRuntime;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Greedy autoregressive continuation of a prompt (BOS + prompt), as a sanity check of a model.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--prompt", required = true, description = "The text to continue.")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "64", description = "New tokens at most (default ${DEFAULT-VALUE}).")
    int maxTokens;


    @Mixin
    ModelOptions options;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1");
        }
        try (LoadedModel m = options.load()) {
            long t0 = System.nanoTime();
            Generation.Result g = Generation.greedy(m, prompt, maxTokens);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (output.json) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("model", m.path().toString());
                r.put("prompt", prompt);
                r.put("text", g.text());
                r.put("continuation", g.continuation());
                r.put("prompt_ids", g.promptIds());
                r.put("generated_ids", g.generatedIds());
                r.put("ms", ms);
                Json.print(r);
            } else {
                System.out.println(g.text());
            }
        }
        return 0;
    }
}
