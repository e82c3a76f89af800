package dev.protolens.app.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding models without loading them: project models, a models folder, the HF cache, the recent list. */
class ModelCandidatesTest {
    @TempDir
    Path tmp;

    static Path hfFolder(Path dir, String type, int layers) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"" + type + "\", \"num_hidden_layers\": "
                + layers + ", \"hidden_size\": 64, \"vocab_size\": 512}");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Files.write(dir.resolve("model.safetensors"), new byte[100]);
        return dir;
    }

    @Test
    void findsProjectModelsFromACheckoutAndTheHfCacheAndDescribesThem() throws Exception {
        Path checkout = Files.createDirectories(tmp.resolve("work/protolens/app"));
        Path shared = tmp.resolve("work/shared/models");
        hfFolder(shared.resolve("tiny-hf"), "llama", 5);
        Files.createDirectories(shared.resolve("tiny-gguf"));
        Files.write(shared.resolve("tiny-gguf/tiny.gguf"), new byte[2048]);
        Path cache = tmp.resolve("hf/hub");
        Path snap = hfFolder(cache.resolve("models--HuggingFaceTB--SmolLM2-135M/snapshots/abc123"), "llama", 30);
        Path incomplete = cache.resolve("models--org--broken/snapshots/def");
        Files.createDirectories(incomplete);
        Files.writeString(incomplete.resolve("config.json"), "{\"model_type\": \"qwen2\"}");

        ModelCandidates c = new ModelCandidates(tmp.resolve("settings"), List.of(checkout), cache);
        List<ModelCandidates.Candidate> found = c.found();
        assertThat(found).extracting(ModelCandidates.Candidate::name)
                .containsExactly("tiny.gguf", "tiny-hf", "HuggingFaceTB/SmolLM2-135M", "org/broken");
        ModelCandidates.Candidate hf = found.get(1);
        assertThat(hf.source()).isEqualTo(ModelCandidates.Source.PROJECT);
        assertThat(hf.family()).isEqualTo("llama");
        assertThat(hf.layers()).isEqualTo(5);
        assertThat(hf.loadable()).isTrue();
        assertThat(hf.summary()).contains("llama · 5 layers · d=64 · vocab 512");
        assertThat(found.get(2).path()).isEqualTo(snap.toAbsolutePath().normalize());
        assertThat(found.get(2).source()).isEqualTo(ModelCandidates.Source.HF_CACHE);
        assertThat(found.get(3).loadable()).isFalse();
        assertThat(found.get(3).problem()).contains("tokenizer.json").contains("safetensors");
    }

    @Test
    void recentModelsComeFirstNewestFirstAndAreNotRepeated() throws Exception {
        Path a = hfFolder(tmp.resolve("models/a"), "llama", 1);
        Path b = hfFolder(tmp.resolve("models/b"), "gpt2", 2);
        ModelCandidates c = new ModelCandidates(tmp.resolve("settings"), List.of(tmp), tmp.resolve("no-cache"));
        c.remember(a);
        c.remember(b);
        c.remember(a);
        assertThat(c.recent()).extracting(ModelCandidates.Candidate::name).containsExactly("a", "b");
        assertThat(c.found()).isEmpty();
        assertThat(Files.readString(tmp.resolve("settings/recent-models.json")))
                .contains("\"last_opened\"").contains("\"schema\"");
        Files.writeString(tmp.resolve("settings/recent-models.json"), "not json");
        assertThat(c.recent()).isEmpty();
    }
}
