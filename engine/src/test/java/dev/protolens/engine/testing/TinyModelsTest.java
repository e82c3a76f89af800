package dev.protolens.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.decode.Generation;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.tokenizer.Encoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The generated tiny folders: deterministic per seed, loadable end to end, with a working tokenizer. */
class TinyModelsTest {
    static final List<String> VARIANTS = TinyModels.VARIANTS;

    @Test
    void sameSeedSameBytesOtherSeedOtherWeights(@TempDir Path tmp) throws IOException {
        Path a = TinyModels.write(tmp.resolve("a"), "qwen3", 3);
        Path b = TinyModels.write(tmp.resolve("b"), "qwen3", 3);
        Path c = TinyModels.write(tmp.resolve("c"), "qwen3", 4);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            assertThat(Files.readAllBytes(a.resolve(f))).as(f).isEqualTo(Files.readAllBytes(b.resolve(f)));
        }
        assertThat(Files.readAllBytes(a.resolve("model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(c.resolve("model.safetensors")));
    }

    @ParameterizedTest
    @FieldSource("VARIANTS")
    void loadsAndGenerates(String variant, @TempDir Path tmp) {
        try (LoadedModel m = ModelLoader.load(TinyModels.write(tmp, variant, 2))) {
            assertThat(m.config().numLayers()).isEqualTo(2);
            assertThat(m.config().vocabSize()).isEqualTo(TinyModels.VOCAB);
            assertThat(m.tokenizer().vocabSize()).isEqualTo(TinyModels.VOCAB);
            Generation.Result g = Generation.greedy(m, "the cat", 6);
            assertThat(g.promptIds()).isNotEmpty();
            assertThat(g.generatedIds().length).isBetween(0, 6);
            assertThat(g.text()).startsWith("the cat");
        }
    }

    @Test
    void tokenizerIsByteLevelAndLossless(@TempDir Path tmp) {
        List<String> texts = List.of("", " ", "the cat", "  two  spaces ", "Zoë naïve café", "emoji 🙂 and 中文",
                "tabs\tand\nnewlines", "1234567890");
        try (LoadedModel m = ModelLoader.load(TinyModels.write(tmp, "gpt2", 1))) {
            for (String t : texts) {
                Encoding e = m.tokenizer().encode(t, false);
                for (long id : e.ids()) {
                    assertThat(id).isBetween(0L, (long) TinyModels.EOS);
                }
                assertThat(m.tokenizer().decode(e.ids(), false)).as(t).isEqualTo(t);
            }
            Encoding the = m.tokenizer().encode(" the", false);
            assertThat(the.ids()).as("the merges apply").hasSize(1);
            assertThat(m.tokenizer().piece(the.ids()[0])).isEqualTo("Ġthe");
            assertThat(m.tokenizer().encode("<|endoftext|>", false).ids()).containsExactly(TinyModels.EOS);
            assertThat(m.tokenizer().encode("a<|extra_3|>", false).ids()).endsWith(TinyModels.EOS + 4L);
        }
    }
}
