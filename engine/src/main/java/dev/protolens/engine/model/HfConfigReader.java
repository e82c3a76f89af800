package dev.protolens.engine.model;

import dev.protolens.engine.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelConfig}. Field names differ between
 * families (GPT-2 says n_embd, NeoX says rotary_pct); each missing required field is reported by name.
 */
public final class HfConfigReader {
    public static final Set<String> LLAMA_TYPES = Set.of("llama", "mistral", "qwen2", "qwen3");

    private HfConfigReader() {}

    public static ModelConfig read(Path configJson) {
        if (!Files.isRegularFile(configJson)) {
            throw new UserError(configJson.getParent() + " has no config.json: pick a Hugging Face model folder"
                    + " (config.json, tokenizer.json and *.safetensors) or a .gguf file");
        }
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(Files.readString(configJson));
        } catch (IOException | JacksonException e) {
            throw new UserError(configJson + " is not valid JSON: " + e.getMessage());
        }
        if (c == null || !c.isObject()) {
            throw new UserError(configJson + " is not a JSON object");
        }
        return parse(c, configJson.toString());
    }

    public static ModelConfig parse(JsonNode c, String where) {
        Fields f = new Fields(c, where);
        String type = f.str("model_type", null);
        if (type == null) {
            throw new UserError(where + ": model_type is missing, so the architecture is unknown");
        }
        type = type.toLowerCase(Locale.ROOT);
        String dtype = f.str("torch_dtype", f.str("dtype", "float32"));
        if (LLAMA_TYPES.contains(type)) {
            return llama(f, type, dtype);
        }
        return switch (type) {
            case "gpt_neox" -> neox(f, dtype);
            case "gpt2" -> gpt2(f, dtype);
            default -> throw new UserError(where + ": model_type '" + type + "' is not supported. ProtoLens runs "
                    + "llama, mistral, qwen2, qwen3, gpt_neox (Pythia) and gpt2 checkpoints.");
        };
    }

    private static ModelConfig llama(Fields f, String type, String dtype) {
        int hidden = f.integer("hidden_size");
        int heads = f.integer("num_attention_heads");
        int kv = f.integer("num_key_value_heads", heads);
        int headDim = f.integer("head_dim", hidden / heads);
        String act = f.str("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new UserError(f.where + ": hidden_act '" + act + "' is not supported for " + type + " (only silu)");
        }
        if (f.c.path("mlp_bias").asBoolean(false)) {
            throw new UserError(f.where + ": mlp_bias=true is not supported");
        }
        boolean bias = type.equals("qwen2") || f.c.path("attention_bias").asBoolean(false);
        // Qwen2 configs ship tie_word_embeddings explicitly; Llama's default in transformers is false
        boolean tied = f.c.path("tie_word_embeddings").asBoolean(false);
        return new ModelConfig(Architecture.LLAMA, type, hidden, f.integer("num_hidden_layers"), heads, kv, headDim,
                headDim, f.integer("intermediate_size"), f.integer("vocab_size"),
                f.integer("max_position_embeddings", 2048), f.dbl("rms_norm_eps", 1e-6),
                f.dbl("rope_theta", 10000.0), ropeScaling(f), tied, bias, type.equals("qwen3"), false, "silu", false,
                f.tokenId("bos_token_id", -1), f.tokenId("eos_token_id", -1), dtype);
    }

    private static ModelConfig neox(Fields f, String dtype) {
        int hidden = f.integer("hidden_size");
        int heads = f.integer("num_attention_heads");
        int headDim = hidden / heads;
        double pct = f.dbl("rotary_pct", f.dbl("partial_rotary_factor", 1.0));
        int rotary = (int) (headDim * pct);
        String act = f.str("hidden_act", "gelu");
        return new ModelConfig(Architecture.GPT_NEOX, "gpt_neox", hidden, f.integer("num_hidden_layers"), heads, heads,
                headDim, rotary, f.integer("intermediate_size", 4 * hidden), f.integer("vocab_size"),
                f.integer("max_position_embeddings", 2048), f.dbl("layer_norm_eps", 1e-5),
                f.dbl("rotary_emb_base", f.dbl("rope_theta", 10000.0)), ropeScaling(f),
                f.c.path("tie_word_embeddings").asBoolean(false), true, false,
                f.c.path("use_parallel_residual").asBoolean(true), act, false,
                f.tokenId("bos_token_id", -1), f.tokenId("eos_token_id", -1), dtype);
    }

    private static ModelConfig gpt2(Fields f, String dtype) {
        int hidden = f.integer("n_embd");
        int heads = f.integer("n_head");
        Integer inner = f.c.path("n_inner").isNumber() ? f.c.path("n_inner").asInt() : null;
        String act = f.str("activation_function", "gelu_new");
        return new ModelConfig(Architecture.GPT2, "gpt2", hidden, f.integer("n_layer"), heads, heads, hidden / heads, 0,
                inner != null ? inner : 4 * hidden, f.integer("vocab_size"), f.integer("n_positions", 1024),
                f.dbl("layer_norm_epsilon", 1e-5), 0, null, f.c.path("tie_word_embeddings").asBoolean(true), true,
                false, false, act, false, f.tokenId("bos_token_id", -1), f.tokenId("eos_token_id", -1), dtype);
    }

    private static RopeScaling ropeScaling(Fields f) {
        JsonNode r = f.c.get("rope_scaling");
        if (r == null || r.isNull() || (r.isObject() && r.isEmpty())) {
            return null;
        }
        String type = r.path("rope_type").asString(r.path("type").asString(""));
        return switch (type) {
            case "llama3" -> new RopeScaling("llama3", r.path("factor").asDouble(8.0),
                    r.path("low_freq_factor").asDouble(1.0), r.path("high_freq_factor").asDouble(4.0),
                    r.path("original_max_position_embeddings").asInt(8192));
            case "linear" -> new RopeScaling("linear", r.path("factor").asDouble(1.0), 0, 0, 0);
            case "default", "" -> null;
            default -> throw new UserError(f.where + ": rope_scaling type '" + type
                    + "' is not supported (llama3 and linear are)");
        };
    }

    private record Fields(JsonNode c, String where) {
        int integer(String name) {
            JsonNode n = c.get(name);
            if (n == null || n.isNull()) {
                throw new UserError(where + ": required field '" + name + "' is missing");
            }
            if (!n.isIntegralNumber() || n.asLong() <= 0 || n.asLong() > Integer.MAX_VALUE) {
                throw new UserError(where + ": field '" + name + "' must be a positive whole number, got " + n);
            }
            return n.asInt();
        }

        int integer(String name, int def) {
            JsonNode n = c.get(name);
            return n == null || n.isNull() ? def : integer(name);
        }

        int tokenId(String name, int def) {
            JsonNode n = c.get(name);
            if (n == null || n.isNull()) {
                return def;
            }
            if (n.isArray()) {
                return n.isEmpty() ? def : n.get(0).asInt(def);
            }
            return n.asInt(def);
        }

        double dbl(String name, double def) {
            JsonNode n = c.get(name);
            if (n == null || n.isNull()) {
                return def;
            }
            if (!n.isNumber()) {
                throw new UserError(where + ": field '" + name + "' must be a number, got " + n);
            }
            return n.asDouble();
        }

        String str(String name, String def) {
            JsonNode n = c.get(name);
            return n == null || n.isNull() ? def : n.asString();
        }
    }
}
