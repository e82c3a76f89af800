package dev.protolens.engine.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.hub.RepoInfo.RepoFile;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which files of a repo a pull fetches. */
class ModelFileSelectionTest {
    private static RepoInfo repo(String... names) {
        return new RepoInfo("org/m", "0".repeat(40),
                Arrays.stream(names).map(n -> new RepoFile(n, 10, "a".repeat(40), null)).toList());
    }

    private static List<String> select(RepoInfo r, String index) throws InterruptedException {
        return Pull.select(r, "org/m", "https://huggingface.co/org/m",
                () -> index.getBytes(StandardCharsets.UTF_8)).stream().map(RepoFile::name).toList();
    }

    @Test
    void shardsNamedByTheIndexAndTheSmallFilesOnly() throws Exception {
        RepoInfo r = repo(".gitattributes", "README.md", "config.json", "generation_config.json", "tokenizer.json",
                "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "consolidated.safetensors",
                "pytorch_model.bin", "pytorch_model.bin.index.json", "tf_model.h5", "flax_model.msgpack",
                "onnx/model.onnx", "original/model.safetensors");
        String index = """
                {"weight_map": {"a": "model-00002-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
                                "c": "model-00001-of-00002.safetensors"}}""";
        assertThat(select(r, index)).containsExactly("config.json", "generation_config.json", "tokenizer.json",
                "tokenizer_config.json", "special_tokens_map.json", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
    }

    @Test
    void singleFileAndUnconventionalNames() throws Exception {
        assertThat(select(repo("config.json", "tokenizer.json", "model.safetensors", "extra.safetensors"), ""))
                .containsExactly("config.json", "tokenizer.json", "model.safetensors");
        assertThat(select(repo("config.json", "tokenizer.json", "b.safetensors", "a.safetensors"), ""))
                .containsExactly("config.json", "tokenizer.json", "a.safetensors", "b.safetensors");
    }

    @Test
    void reposWithoutWhatProtoLensReadsAreRefusedBeforeDownloading() {
        assertThatThrownBy(() -> select(repo("config.json", "tokenizer.json", "pytorch_model.bin"), ""))
                .isInstanceOfSatisfying(HubError.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubError.Kind.UNSUPPORTED);
                    assertThat(e.getMessage()).contains("only PyTorch .bin", "safe_serialization=True");
                });
        assertThatThrownBy(() -> select(repo("README.md", "model-q4_0.gguf"), ""))
                .hasMessageContaining("GGUF files: download one .gguf");
        assertThatThrownBy(() -> select(repo("config.json", "tokenizer.model", "model.safetensors"), ""))
                .hasMessageContaining("no tokenizer.json").hasMessageContaining("tokenizer.model");
        assertThatThrownBy(() -> select(repo("config.json", "tokenizer.json", "model.safetensors.index.json",
                "model-00001-of-00002.safetensors"), "{\"weight_map\": {\"a\": \"model-00002-of-00002.safetensors\"}}"))
                .hasMessageContaining("names model-00002-of-00002.safetensors, which the repo does not have");
    }
}
