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
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(configJson + " is not UTF-8 text, so it is not a config.json (the file is damaged"
                    + " or something else was saved under that name).");
        } catch (JacksonException e) {
            throw new UserError(configJson + " is not valid JSON: " + dev.protolens.engine.JsonProblem.of(e));
        } catch (java.nio.file.AccessDeniedException e) {
            throw new UserError("Cannot read " + configJson + ": permission denied.");
        } catch (IOException e) {
            throw new UserError(configJson + " cannot be read: " + e.getMessage());
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
            return plausible(llama(f, type, dtype), where, "rms_norm_eps", "rope_theta", "num_hidden_layers");
        }
        return switch (type) {
            case "gpt_neox" -> plausible(neox(f, dtype), where, "layer_norm_eps", "rotary_emb_base",
                    "num_hidden_layers");
            case "gpt2" -> plausible(gpt2(f, dtype), where, "layer_norm_epsilon", null, "n_layer");
            default -> throw new UserError(where + ": model_type '" + type + "' is not supported. ProtoLens runs "
                    + "llama, mistral, qwen2, qwen3, gpt_neox (Pythia) and gpt2 checkpoints.");
        };
    }

    /**
     * More layers than any published model has by far (the largest have under 200): a typo such as 1e9 is
     * refused here, before a list of a billion layers is built or a missing tensor is looked for.
     */
    public static final int MAX_LAYERS = 1000;

    /** Widths far beyond published models (hidden sizes reach 25 600): refused before anything is allocated. */
    public static final int MAX_WIDTH = 1 << 20;

    /**
     * Values that make every forward pass non-finite or that no real checkpoint has, refused when the config is
     * read rather than discovered as a NaN loss at step 0: a norm epsilon that is not a small positive number
     * (a negative one turns the RMS into the root of a negative number), a RoPE base that is not above 1 (0
     * gives infinite angles), and layer counts or widths far beyond any published model.
     */
    static ModelConfig plausible(ModelConfig c, String where, String epsField, String thetaField,
                                 String layersField) {
        if (!(c.normEps() > 0 && c.normEps() < 1)) {
            throw new UserError(where + ": " + epsField + " = " + c.normEps() + " is not a small positive number"
                    + " (models use values such as 1e-5 or 1e-6); with it the model produces non-finite values."
                    + " Fix the value in config.json.");
        }
        if (thetaField != null && (!(c.ropeTheta() > 1) || Double.isInfinite(c.ropeTheta()))) {
            throw new UserError(where + ": " + thetaField + " = " + c.ropeTheta() + " must be a number above 1"
                    + " (models use 10000 or more); with it the rotary positions are not finite. Fix the value in"
                    + " config.json.");
        }
        if (c.numLayers() > MAX_LAYERS) {
            throw new UserError(where + ": " + layersField + " = " + c.numLayers() + " is more than " + MAX_LAYERS
                    + ", far beyond any published model; the config is damaged or mistyped.");
        }
        if (c.hiddenSize() > MAX_WIDTH || c.intermediateSize() > 4 * MAX_WIDTH || c.numHeads() > c.hiddenSize()) {
            throw new UserError(where + ": the widths (" + c.summary() + ", intermediate " + c.intermediateSize()
                    + ") are beyond any published model; the config is damaged or mistyped.");
        }
        return c;
    }

    private static ModelConfig llama(Fields f, String type, String dtype) {
        int hidden = f.integer("hidden_size");
        int heads = f.integer("num_attention_heads");
        int kv = f.integer("num_key_value_heads", heads);
        int headDim = f.integer("head_dim", hidden / heads);
        if (headDim == 0) {
            throw new UserError(f.where + ": hidden_size " + hidden + " is smaller than num_attention_heads " + heads
                    + " and there is no head_dim");
        }
        String act = f.str("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new UserError(f.where + ": hidden_act '" + act + "' is not supported for " + type + " (only silu)");
        }
        if (f.c.path("mlp_bias").asBoolean(false)) {
            throw new UserError(f.where + ": mlp_bias=true is not supported");
        }
        // Qwen2 always has q/k/v biases (and none on o_proj); Llama and Qwen3 put biases on q/k/v/o when
        // attention_bias is set; Mistral has none whatever the field says
        boolean bias = type.equals("qwen2") || (!type.equals("mistral") && f.c.path("attention_bias").asBoolean(false));
        // every family here defaults to an untied head in transformers; Qwen2-0.5B, Qwen3-0.6B, SmolLM2 and
        // Llama-3.2 say tie_word_embeddings=true explicitly
        boolean tied = f.bool("tie_word_embeddings", false);
        int maxPositions = f.integer("max_position_embeddings", 2048);
        maxPositions = Math.min(maxPositions, slidingWindow(f, type));
        return new ModelConfig(Architecture.LLAMA, type, hidden, f.integer("num_hidden_layers"), heads, kv, headDim,
                headDim, f.integer("intermediate_size"), f.integer("vocab_size"), maxPositions,
                f.dbl("rms_norm_eps", 1e-6), f.dbl("rope_theta", 10000.0), ropeScaling(f), tied, bias,
                type.equals("qwen3"), false, "silu", false,
                f.tokenId("bos_token_id", -1), f.tokenId("eos_token_id", -1), dtype);
    }

    /**
     * Sliding-window attention (Mistral; Qwen2/3 when use_sliding_window is set) hides keys more than
     * sliding_window positions back. Within the window it is plain causal attention, so ProtoLens runs it
     * exactly by treating the window as the context length: a longer input is refused, never computed with
     * the wrong mask. Qwen's max_window_layers (the window only on upper layers) is covered by the same bound.
     */
    private static int slidingWindow(Fields f, String type) {
        boolean used = type.equals("mistral") || f.bool("use_sliding_window", false);
        return used ? f.integer("sliding_window", Integer.MAX_VALUE) : Integer.MAX_VALUE;
    }

    private static ModelConfig neox(Fields f, String dtype) {
        int hidden = f.integer("hidden_size");
        int heads = f.integer("num_attention_heads");
        if (hidden % heads != 0) {
            throw new UserError(f.where + ": hidden_size " + hidden + " is not a multiple of num_attention_heads "
                    + heads);
        }
        int headDim = hidden / heads;
        double pct = f.dbl("rotary_pct", f.dbl("partial_rotary_factor", 1.0));
        if (!(pct > 0 && pct <= 1)) {
            throw new UserError(f.where + ": rotary_pct must be in (0, 1], got " + pct);
        }
        int rotary = (int) (headDim * pct); // transformers: int(head_size * rotary_pct)
        if (rotary < 2 || rotary % 2 != 0) {
            throw new UserError(f.where + ": rotary_pct " + pct + " gives " + rotary + " rotary dims per head of "
                    + headDim + "; RoPE needs an even number of at least 2");
        }
        String act = activation(f, "hidden_act", "gelu");
        // older Pythia configs say rotary_emb_base, newer transformers rope_theta
        double theta = f.dbl("rotary_emb_base", f.dbl("rope_theta", 10000.0));
        return new ModelConfig(Architecture.GPT_NEOX, "gpt_neox", hidden, f.integer("num_hidden_layers"), heads, heads,
                headDim, rotary, f.integer("intermediate_size", 4 * hidden), f.integer("vocab_size"),
                f.integer("max_position_embeddings", 2048), f.dbl("layer_norm_eps", 1e-5), theta, ropeScaling(f),
                f.bool("tie_word_embeddings", false), f.bool("attention_bias", true), false,
                f.bool("use_parallel_residual", true), act, false,
                f.tokenId("bos_token_id", -1), f.tokenId("eos_token_id", -1), dtype);
    }

    private static ModelConfig gpt2(Fields f, String dtype) {
        int hidden = f.integer("n_embd");
        int heads = f.integer("n_head");
        if (hidden % heads != 0) {
            throw new UserError(f.where + ": n_embd " + hidden + " is not a multiple of n_head " + heads);
        }
        // GPT2Attention: scale by 1/sqrt(head_dim) unless told otherwise; the per-layer variant (Mistral's
        // Stanford GPT-2s) is not implemented, and silently computing something else is worse than refusing
        if (!f.bool("scale_attn_weights", true) || f.bool("scale_attn_by_inverse_layer_idx", false)) {
            throw new UserError(f.where + ": scale_attn_weights=false or scale_attn_by_inverse_layer_idx=true is not"
                    + " supported; ProtoLens runs GPT-2 checkpoints with the standard 1/sqrt(head_dim) attention");
        }
        String act = activation(f, "activation_function", "gelu_new");
        // n_positions is the context; very old configs carried only n_ctx (the same number)
        int positions = f.integer("n_positions", f.integer("n_ctx", 1024));
        return new ModelConfig(Architecture.GPT2, "gpt2", hidden, f.integer("n_layer"), heads, heads, hidden / heads, 0,
                f.integer("n_inner", 4 * hidden), f.integer("vocab_size"), positions,
                f.dbl("layer_norm_epsilon", 1e-5), 0, null, f.bool("tie_word_embeddings", true), true,
                false, false, act, false, f.tokenId("bos_token_id", -1), f.tokenId("eos_token_id", -1), dtype);
    }

    /** transformers' ACT2FN names that {@code TransformerModel.activation} computes. */
    public static final Set<String> ACTIVATIONS = Set.of("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast",
            "relu", "silu");

    private static String activation(Fields f, String field, String def) {
        String act = f.str(field, def);
        if (!ACTIVATIONS.contains(act)) {
            throw new UserError(f.where + ": " + field + " '" + act + "' is not supported (supported: "
                    + String.join(", ", new java.util.TreeSet<>(ACTIVATIONS)) + ")");
        }
        return act;
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
            if (n == null || n.isNull()) {
                return def;
            }
            if (!n.isString()) {
                throw new UserError(where + ": field '" + name + "' must be a string, got " + n);
            }
            return n.asString();
        }

        boolean bool(String name, boolean def) {
            JsonNode n = c.get(name);
            if (n == null || n.isNull()) {
                return def;
            }
            if (!n.isBoolean()) {
                throw new UserError(where + ": field '" + name + "' must be true or false, got " + n);
            }
            return n.asBoolean();
        }
    }
}
