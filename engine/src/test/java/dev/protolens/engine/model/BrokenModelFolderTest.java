package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.UserError;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Hugging Face folder whose config.json or weights do not fit: each gives a {@link UserError} whose
 * message names the field or tensor, for every family.
 */
class BrokenModelFolderTest {

    @ParameterizedTest(name = "{0} without {1}")
    @CsvSource({
        "llama, hidden_size",
        "llama-gqa-tied, num_attention_heads",
        "mistral, intermediate_size",
        "qwen2, num_hidden_layers",
        "qwen3, vocab_size",
        "gpt_neox, hidden_size",
        "gpt_neox-sequential, num_hidden_layers",
        "gpt2, n_embd",
        "gpt2-transformer-prefix, n_layer",
    })
    void missingRequiredFieldIsNamed(String variant, String field, @TempDir Path tmp) {
        Path dir = TinyModels.builder(variant).remove(field).write(tmp);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("'" + field + "'").hasMessageContaining("missing");
    }

    @Test
    void missingModelTypeIsNamed(@TempDir Path tmp) {
        Path dir = TinyModels.builder("llama").remove("model_type").write(tmp);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("model_type");
    }

    @Test
    void unknownModelTypeIsNamed(@TempDir Path tmp) {
        Path dir = TinyModels.builder("gpt2").set("model_type", "bert").write(tmp);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("'bert'").hasMessageContaining("not supported");
    }

    @ParameterizedTest(name = "{0}: {1} as {2}")
    @CsvSource(delimiter = ';', value = {
        "llama; model.layers.1.mlp.up_proj.weight; 65 32",
        "llama-gqa-tied; model.layers.0.self_attn.k_proj.weight; 32 32",
        "qwen2; model.layers.0.self_attn.q_proj.bias; 31",
        "qwen3; model.layers.1.self_attn.k_norm.weight; 12",
        "mistral; model.embed_tokens.weight; 511 32",
        "gpt_neox; gpt_neox.layers.0.attention.query_key_value.weight; 64 192",
        "gpt_neox-sequential; gpt_neox.final_layer_norm.bias; 63",
        // an nn.Linear-layout c_attn in a GPT-2 checkpoint: (3d, d) where Conv1D stores (d, 3d)
        "gpt2; h.0.attn.c_attn.weight; 96 32",
        "gpt2-transformer-prefix; transformer.wpe.weight; 32 32",
    })
    void misShapedTensorIsNamed(String variant, String tensor, String shape, @TempDir Path tmp) {
        long[] dims = java.util.Arrays.stream(shape.split(" ")).mapToLong(Long::parseLong).toArray();
        Path dir = TinyModels.builder(variant).reshapeTensor(tensor, dims).write(tmp);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("'" + tensor + "'").hasMessageContaining("shape");
    }

    @ParameterizedTest(name = "{0} without {1}")
    @CsvSource({
        "llama, model.norm.weight",
        "llama, lm_head.weight",
        "llama-attention-bias, model.layers.1.self_attn.o_proj.bias",
        "qwen2, model.layers.0.self_attn.k_proj.bias",
        "qwen3, model.layers.0.self_attn.q_norm.weight",
        "gpt_neox, embed_out.weight",
        "gpt_neox, gpt_neox.layers.1.mlp.dense_4h_to_h.bias",
        "gpt2, wpe.weight",
        "gpt2-transformer-prefix, transformer.h.1.ln_2.bias",
    })
    void missingTensorIsNamed(String variant, String tensor, @TempDir Path tmp) {
        Path dir = TinyModels.builder(variant).dropTensor(tensor).write(tmp);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("'" + tensor + "'").hasMessageContaining("missing");
    }

    @Test
    void configVocabLargerThanTheWeightsNamesTheEmbeddingTable(@TempDir Path tmp) {
        Path dir = TinyModels.builder("gpt_neox").set("vocab_size", 600).write(tmp);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("'gpt_neox.embed_in.weight'").hasMessageContaining("[600, 64]");
    }

    @Test
    void inputLongerThanMistralsSlidingWindowIsRefused(@TempDir Path tmp) {
        try (LoadedModel m = ModelLoader.load(TinyModels.write(tmp, "mistral", 1))) {
            assertThat(m.config().maxPositions()).as("sliding_window 48 < max_position_embeddings 64").isEqualTo(48);
            try (var step = m.model().manager().newSubManager()) {
                var ok = m.model().logits(step.zeros(new ai.djl.ndarray.types.Shape(1, 48, 32)));
                assertThat(ok.getShape().get(1)).isEqualTo(48);
                assertThatThrownBy(() -> m.model().logits(step.zeros(new ai.djl.ndarray.types.Shape(1, 49, 32))))
                        .hasMessageContaining("48");
            }
        }
    }
}
