package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.UserError;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

/**
 * config.json files of real checkpoints (transcribed from their Hugging Face Hub uploads; unused fields
 * trimmed) read into what each family's forward pass needs, including the fields whose defaults differ
 * between families.
 */
class HfConfigReaderTest {

    static ModelConfig parse(String json) {
        return HfConfigReader.parse(new ObjectMapper().readTree(json), "config.json");
    }

    @Test
    void pythia70m() {
        ModelConfig c = parse("""
                {"architectures": ["GPTNeoXForCausalLM"], "bos_token_id": 0, "eos_token_id": 0,
                 "hidden_act": "gelu", "hidden_size": 512, "initializer_range": 0.02, "intermediate_size": 2048,
                 "layer_norm_eps": 1e-05, "max_position_embeddings": 2048, "model_type": "gpt_neox",
                 "num_attention_heads": 8, "num_hidden_layers": 6, "rotary_emb_base": 10000, "rotary_pct": 0.25,
                 "tie_word_embeddings": false, "torch_dtype": "float16", "transformers_version": "4.24.0",
                 "use_cache": true, "use_parallel_residual": true, "vocab_size": 50304}""");
        assertThat(c.architecture()).isEqualTo(Architecture.GPT_NEOX);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.rotaryDim()).isEqualTo(16);
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.parallelResidual()).isTrue();
        assertThat(c.attentionBias()).isTrue();
        assertThat(c.tiedEmbeddings()).isFalse();
        assertThat(c.activation()).isEqualTo("gelu");
        assertThat(c.normEps()).isEqualTo(1e-5);
        assertThat(c.intermediateSize()).isEqualTo(2048);
        assertThat(c.storedDtype()).isEqualTo("float16");
    }

    @Test
    void neoxSequentialResidualAndNewerRopeThetaName() {
        ModelConfig c = parse("""
                {"model_type": "gpt_neox", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
                 "vocab_size": 100, "rope_theta": 500.0, "rotary_pct": 0.5, "use_parallel_residual": false,
                 "hidden_act": "gelu_fast"}""");
        assertThat(c.parallelResidual()).isFalse();
        assertThat(c.ropeTheta()).isEqualTo(500.0);
        assertThat(c.rotaryDim()).isEqualTo(8);
        assertThat(c.intermediateSize()).isEqualTo(256);
        assertThat(c.activation()).isEqualTo("gelu_fast");
    }

    @Test
    void gpt2() {
        ModelConfig c = parse("""
                {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
                 "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
                 "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
                 "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "summary_activation": null,
                 "summary_first_dropout": 0.1, "summary_proj_to_labels": true, "summary_type": "cls_index",
                 "summary_use_proj": true, "task_specific_params": {"text-generation": {"do_sample": true,
                 "max_length": 50}}, "vocab_size": 50257}""");
        assertThat(c.architecture()).isEqualTo(Architecture.GPT2);
        assertThat(c.hiddenSize()).isEqualTo(768);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.intermediateSize()).isEqualTo(3072);
        assertThat(c.maxPositions()).isEqualTo(1024);
        assertThat(c.tiedEmbeddings()).as("PretrainedConfig's default").isTrue();
        assertThat(c.activation()).isEqualTo("gelu_new");
        assertThat(c.eosTokenId()).isEqualTo(50256);
        assertThat(c.storedDtype()).isEqualTo("float32");
    }

    @Test
    void gpt2WithOnlyNCtxAndAnInnerSize() {
        ModelConfig c = parse("""
                {"model_type": "gpt2", "n_ctx": 512, "n_embd": 64, "n_head": 4, "n_layer": 2, "n_inner": 100,
                 "vocab_size": 300}""");
        assertThat(c.maxPositions()).isEqualTo(512);
        assertThat(c.intermediateSize()).isEqualTo(100);
    }

    @Test
    void gpt2PerLayerAttentionScalingIsRefused() {
        assertThatThrownBy(() -> parse("""
                {"model_type": "gpt2", "n_embd": 64, "n_head": 4, "n_layer": 2, "vocab_size": 300,
                 "scale_attn_by_inverse_layer_idx": true}"""))
                .isInstanceOf(UserError.class).hasMessageContaining("scale_attn_by_inverse_layer_idx");
    }

    @Test
    void qwen2TiedWithBiases() {
        ModelConfig c = parse("""
                {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
                 "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
                 "intermediate_size": 4864, "max_position_embeddings": 131072, "max_window_layers": 24,
                 "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24,
                 "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
                 "sliding_window": 131072, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
                 "transformers_version": "4.40.1", "use_cache": true, "use_sliding_window": false,
                 "vocab_size": 151936}""");
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.attentionBias()).isTrue();
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.groupSize()).isEqualTo(7);
        assertThat(c.ropeTheta()).isEqualTo(1e6);
        assertThat(c.maxPositions()).as("use_sliding_window=false: the window does not apply").isEqualTo(131072);
        assertThat(c.storedDtype()).isEqualTo("bfloat16");
    }

    @Test
    void qwen2WithoutTieFieldIsUntied() {
        ModelConfig c = parse("""
                {"model_type": "qwen2", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
                 "intermediate_size": 128, "vocab_size": 300}""");
        assertThat(c.tiedEmbeddings()).isFalse();
    }

    @Test
    void qwen3ExplicitHeadDimAndQkNorm() {
        ModelConfig c = parse("""
                {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
                 "bos_token_id": 151643, "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu",
                 "hidden_size": 1024, "initializer_range": 0.02, "intermediate_size": 3072,
                 "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
                 "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8,
                 "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null,
                 "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.51.0",
                 "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}""");
        assertThat(c.headDim()).isEqualTo(128).isNotEqualTo(c.hiddenSize() / c.numHeads());
        assertThat(c.rotaryDim()).isEqualTo(128);
        assertThat(c.qkNorm()).isTrue();
        assertThat(c.attentionBias()).isFalse();
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.ropeScaling()).isNull();
        assertThat(c.eosTokenId()).isEqualTo(151645);
    }

    @Test
    void mistralSlidingWindowBoundsTheContext() {
        ModelConfig c = parse("""
                {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2,
                 "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
                 "max_position_embeddings": 32768, "model_type": "mistral", "num_attention_heads": 32,
                 "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
                 "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
                 "transformers_version": "4.34.0.dev0", "use_cache": true, "vocab_size": 32000}""");
        assertThat(c.maxPositions()).isEqualTo(4096);
        assertThat(c.groupSize()).isEqualTo(4);
        assertThat(c.attentionBias()).isFalse();
        assertThat(c.tiedEmbeddings()).isFalse();
    }

    @Test
    void mistralWithoutWindowKeepsItsContext() {
        ModelConfig c = parse("""
                {"model_type": "mistral", "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2,
                 "num_hidden_layers": 2, "intermediate_size": 128, "vocab_size": 300, "head_dim": null,
                 "max_position_embeddings": 32768, "sliding_window": null}""");
        assertThat(c.maxPositions()).isEqualTo(32768);
        assertThat(c.headDim()).isEqualTo(16);
    }

    @Test
    void smolLm2() {
        ModelConfig c = parse("""
                {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
                 "bos_token_id": 0, "eos_token_id": 0, "hidden_act": "silu", "hidden_size": 576,
                 "initializer_range": 0.041666666666666664, "intermediate_size": 1536, "is_llama_config": true,
                 "max_position_embeddings": 8192, "mlp_bias": false, "model_type": "llama",
                 "num_attention_heads": 9, "num_hidden_layers": 30, "num_key_value_heads": 3,
                 "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_interleaved": false, "rope_scaling": null,
                 "rope_theta": 100000, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
                 "transformers_version": "4.42.3", "use_cache": true, "vocab_size": 49152}""");
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.groupSize()).isEqualTo(3);
        assertThat(c.ropeTheta()).isEqualTo(100000.0);
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.bosTokenId()).isZero();
    }

    @Test
    void llama32WithLlama3RopeScaling() {
        ModelConfig c = parse("""
                {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
                 "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "head_dim": 64,
                 "hidden_act": "silu", "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192,
                 "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
                 "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8,
                 "pretraining_tp": 1, "rms_norm_eps": 1e-05,
                 "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                                  "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                 "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
                 "transformers_version": "4.45.0.dev0", "use_cache": true, "vocab_size": 128256}""");
        assertThat(c.ropeScaling()).isEqualTo(new RopeScaling("llama3", 32.0, 1.0, 4.0, 8192));
        assertThat(c.ropeTheta()).isEqualTo(500000.0);
        assertThat(c.eosTokenId()).as("first of a list").isEqualTo(128001);
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.maxPositions()).isEqualTo(131072);
    }

    @Test
    void wrongTypesAndUnsupportedValuesNameTheField() {
        assertThatThrownBy(() -> parse("""
                {"model_type": "llama", "hidden_size": "64", "num_attention_heads": 4, "num_hidden_layers": 2,
                 "intermediate_size": 128, "vocab_size": 300}"""))
                .isInstanceOf(UserError.class).hasMessageContaining("'hidden_size'");
        assertThatThrownBy(() -> parse("""
                {"model_type": "gpt_neox", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
                 "vocab_size": 300, "use_parallel_residual": "yes"}"""))
                .isInstanceOf(UserError.class).hasMessageContaining("'use_parallel_residual'");
        assertThatThrownBy(() -> parse("""
                {"model_type": "gpt_neox", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
                 "vocab_size": 300, "hidden_act": "mish"}"""))
                .isInstanceOf(UserError.class).hasMessageContaining("hidden_act").hasMessageContaining("mish");
        assertThatThrownBy(() -> parse("""
                {"model_type": "gpt_neox", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
                 "vocab_size": 300, "rotary_pct": 0.01}"""))
                .isInstanceOf(UserError.class).hasMessageContaining("rotary_pct");
        assertThatThrownBy(() -> parse("""
                {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
                 "intermediate_size": 128, "vocab_size": 300, "rope_scaling": {"rope_type": "yarn", "factor": 4}}"""))
                .isInstanceOf(UserError.class).hasMessageContaining("rope_scaling").hasMessageContaining("yarn");
    }
}
