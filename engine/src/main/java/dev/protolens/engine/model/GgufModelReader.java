package dev.protolens.engine.model;

import dev.protolens.engine.UserError;
import dev.protolens.engine.tokenizer.GgufVocabulary;
import dev.protolens.engine.tokenizer.TextTokenizer;
import dev.protolens.engine.weights.GgufFile;
import dev.protolens.engine.weights.RenamedTensors;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorSource;
import dev.protolens.engine.weights.TensorType;
import dev.protolens.engine.weights.WeightsFormatException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GGUF file as a model: its metadata as a {@link ModelConfig}, its tensors under Hugging Face names
 * (and PyTorch-order shapes), its embedded vocabulary as a tokenizer.
 *
 * <p>Only {@code general.architecture = llama} is read (Llama 1/2/3, TinyLlama, Mistral, SmolLM and the like
 * are all written as {@code llama}). llama.cpp's converters store q and k in Meta's layout (RoPE on adjacent
 * pairs), so the config says {@code interleavedRope} and {@link LlamaModel} permutes their rows once at load.
 * Apart from that permutation the tensors are those of the HF checkpoint: ggml's {@code ne = [in, out]} is
 * PyTorch's {@code (out, in)} (see {@link GgufFile}).
 */
public final class GgufModelReader {
    private GgufModelReader() {}

    public record Opened(ModelConfig config, TensorSource tensors, TextTokenizer tokenizer) {}

    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");
    private static final Pattern HF_BLOCK = Pattern.compile("model\\.layers\\.(\\d+)\\.([a-z_.]+)\\.(weight|bias)");

    /** GGUF per-block tensor names and their Hugging Face Llama counterparts (llama.cpp's tensor_mapping.py). */
    private static final Map<String, String> BLOCK_NAMES = Map.of(
            "attn_q", "self_attn.q_proj",
            "attn_k", "self_attn.k_proj",
            "attn_v", "self_attn.v_proj",
            "attn_output", "self_attn.o_proj",
            "attn_norm", "input_layernorm",
            "ffn_norm", "post_attention_layernorm",
            "ffn_gate", "mlp.gate_proj",
            "ffn_up", "mlp.up_proj",
            "ffn_down", "mlp.down_proj");
    private static final Map<String, String> TOP_NAMES = Map.of(
            "token_embd.weight", "model.embed_tokens.weight",
            "output_norm.weight", "model.norm.weight",
            "output.weight", "lm_head.weight");

    public static Opened open(Path file) {
        GgufFile f = GgufFile.open(file);
        TextTokenizer tokenizer = null;
        try {
            String name = file.getFileName().toString();
            String arch = f.optString("general.architecture").orElseThrow(() -> new UserError(name
                    + " has no general.architecture, so ProtoLens cannot tell which model it holds"));
            if (!arch.equals("llama")) {
                throw new UserError(name + ": general.architecture '" + arch + "' is not supported in GGUF files;"
                        + " ProtoLens reads GGUF models of the llama architecture (Llama, TinyLlama, Mistral, SmolLM)."
                        + " For other families open the model's Hugging Face folder.");
            }
            checkTensorNames(f);
            GgufVocabulary vocabulary = GgufVocabulary.read(f);
            ModelConfig config = config(f, vocabulary);
            TensorSource tensors = new RenamedTensors(f, GgufModelReader::hfName, GgufModelReader::ggufName);
            tokenizer = vocabulary.tokenizer();
            return new Opened(config, tensors, tokenizer);
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            f.close();
            throw e;
        }
    }

    /** The Hugging Face name of a GGUF tensor of the llama architecture; other names are kept. */
    static String hfName(String gguf) {
        String top = TOP_NAMES.get(gguf);
        if (top != null) {
            return top;
        }
        Matcher m = BLOCK.matcher(gguf);
        if (m.matches() && BLOCK_NAMES.containsKey(m.group(2))) {
            return "model.layers." + m.group(1) + "." + BLOCK_NAMES.get(m.group(2)) + "." + m.group(3);
        }
        return gguf;
    }

    /** The inverse of {@link #hfName}, for messages about missing tensors. */
    static String ggufName(String hf) {
        for (Map.Entry<String, String> e : TOP_NAMES.entrySet()) {
            if (e.getValue().equals(hf)) {
                return e.getKey();
            }
        }
        Matcher m = HF_BLOCK.matcher(hf);
        if (m.matches()) {
            for (Map.Entry<String, String> e : BLOCK_NAMES.entrySet()) {
                if (e.getValue().equals(m.group(2))) {
                    return "blk." + m.group(1) + "." + e.getKey() + "." + m.group(3);
                }
            }
        }
        return hf;
    }

    /** Tensors the llama forward pass would silently ignore are refused instead of giving wrong numbers. */
    private static void checkTensorNames(GgufFile f) {
        for (TensorInfo t : f.tensors()) {
            Matcher m = BLOCK.matcher(t.name());
            if (m.matches() && m.group(3).equals("bias") && BLOCK_NAMES.containsKey(m.group(2))) {
                throw new UserError(f.path().getFileName() + ": tensor '" + t.name() + "' is a bias; llama GGUF"
                        + " files with biases are not supported (open the model's Hugging Face folder instead)");
            }
            if (t.name().contains("_exps.") || t.name().contains("ffn_gate_inp")) {
                throw new UserError(f.path().getFileName() + ": tensor '" + t.name() + "' belongs to a mixture of"
                        + " experts, which ProtoLens does not run");
            }
        }
    }

    static ModelConfig config(GgufFile f, GgufVocabulary vocabulary) {
        String p = "llama.";
        if (f.optInteger(p + "expert_count").orElse(0) > 0) {
            throw new UserError(f.path().getFileName() + ": mixture-of-experts models (" + p + "expert_count = "
                    + f.integer(p + "expert_count") + ") are not supported");
        }
        int d = positive(f, p + "embedding_length");
        int layers = positive(f, p + "block_count");
        int heads = positive(f, p + "attention.head_count");
        int kvHeads = f.has(p + "attention.head_count_kv") ? positive(f, p + "attention.head_count_kv") : heads;
        int blocks = blocksInFile(f);
        if (layers != blocks) {
            throw new WeightsFormatException(f.path(), p + "block_count = " + layers + " but the file holds tensors"
                    + " for " + blocks + " blocks");
        }
        // checked first, so that a mistyped width is named as such and not as a consequence (partial RoPE)
        TensorInfo embed = f.info("token_embd.weight");
        if (embed.rank() != 2 || embed.dim(1) != d || embed.dim(0) > Integer.MAX_VALUE) {
            throw new WeightsFormatException(f.path(), "tensor 'token_embd.weight' has shape " + embed.shapeString()
                    + " but " + p + "embedding_length is " + d);
        }
        int ffn = positive(f, p + "feed_forward_length");
        int context = positive(f, p + "context_length");
        double eps = f.number(p + "attention.layer_norm_rms_epsilon");
        if (!(eps > 0 && eps < 1)) {
            throw new WeightsFormatException(f.path(), p + "attention.layer_norm_rms_epsilon = " + eps
                    + " is not a small positive number");
        }
        double theta = f.optNumber(p + "rope.freq_base").orElse(10000.0);
        if (!(theta > 1) || Double.isInfinite(theta)) {
            throw new WeightsFormatException(f.path(), p + "rope.freq_base = " + theta + " must be above 1");
        }
        if (!f.has(p + "attention.key_length") && d % heads != 0) {
            throw new WeightsFormatException(f.path(), p + "embedding_length " + d + " is not a multiple of "
                    + p + "attention.head_count " + heads);
        }
        int headDim = f.has(p + "attention.key_length") ? positive(f, p + "attention.key_length") : d / heads;
        if (f.has(p + "attention.value_length") && positive(f, p + "attention.value_length") != headDim) {
            throw new UserError(f.path().getFileName() + ": different key and value head sizes are not supported");
        }
        int rotary = f.has(p + "rope.dimension_count") ? positive(f, p + "rope.dimension_count") : headDim;
        if (rotary != headDim) {
            throw new UserError(f.path().getFileName() + ": " + p + "rope.dimension_count = " + rotary
                    + " differs from the head size " + headDim + "; partial RoPE is not supported for llama files");
        }
        if (headDim % 2 != 0) {
            throw new WeightsFormatException(f.path(), "the head size " + headDim + " is odd; RoPE needs pairs");
        }
        if (heads % kvHeads != 0) {
            throw new WeightsFormatException(f.path(), p + "attention.head_count " + heads + " is not a multiple of "
                    + p + "attention.head_count_kv " + kvHeads);
        }
        int vocab = (int) embed.dim(0);
        if (f.has(p + "vocab_size") && f.integer(p + "vocab_size") != vocab) {
            throw new WeightsFormatException(f.path(), p + "vocab_size = " + f.integer(p + "vocab_size")
                    + " but token_embd.weight has " + vocab + " rows");
        }
        RopeScaling scaling = ropeScaling(f, theta, headDim);
        boolean tied = !f.contains("output.weight");
        return new ModelConfig(Architecture.LLAMA, "llama", d, layers, heads, kvHeads, headDim, headDim, ffn, vocab,
                context, eps, theta, scaling, tied, false, false, false, "silu", true, vocabulary.bosId(),
                vocabulary.eosId(), storedDtype(f));
    }

    /** Distinct {@code blk.N} indices among the tensors (so a lying block count allocates nothing). */
    private static int blocksInFile(GgufFile f) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (TensorInfo t : f.tensors()) {
            Matcher m = BLOCK.matcher(t.name());
            if (m.matches()) {
                seen.add(m.group(1));
            }
        }
        return seen.size();
    }

    private static int positive(GgufFile f, String key) {
        long v = f.integer(key);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new WeightsFormatException(f.path(), "metadata '" + key + "' = " + v + " must be a positive whole"
                    + " number");
        }
        return (int) v;
    }

    /**
     * RoPE scaling: linear ({@code rope.scaling.type = linear}, or the older {@code rope.scale_linear}), or
     * Llama 3's frequency-dependent scaling, which llama.cpp's converter stores only as the per-frequency
     * divisors in {@code rope_freqs.weight}; those are matched against the Llama 3.1 recipe they were computed
     * from (low 1, high 4, original context 8192) so the forward pass uses the same formula as for HF folders.
     */
    private static RopeScaling ropeScaling(GgufFile f, double theta, int headDim) {
        String p = "llama.";
        String type = f.optString(p + "rope.scaling.type").orElse("none");
        RopeScaling scaling = switch (type) {
            case "none" -> null;
            case "linear" -> linear(f, f.optNumber(p + "rope.scaling.factor").orElse(1.0));
            default -> throw new UserError(f.path().getFileName() + ": " + p + "rope.scaling.type '" + type
                    + "' is not supported (none and linear are)");
        };
        if (scaling == null && f.has(p + "rope.scale_linear")) {
            scaling = linear(f, f.number(p + "rope.scale_linear"));
        }
        if (f.contains("rope_freqs.weight")) {
            if (scaling != null) {
                throw new UserError(f.path().getFileName() + ": both rope.scaling.type and rope_freqs.weight are set;"
                        + " ProtoLens cannot tell which scaling the model uses");
            }
            scaling = llama3(f, theta, headDim);
        }
        return scaling;
    }

    private static RopeScaling linear(GgufFile f, double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new WeightsFormatException(f.path(), "RoPE scaling factor " + factor + " must be positive");
        }
        return factor == 1.0 ? null : new RopeScaling("linear", factor, 0, 0, 0);
    }

    private static RopeScaling llama3(GgufFile f, double theta, int headDim) {
        TensorInfo t = f.info("rope_freqs.weight");
        if (t.elementCount() != headDim / 2 || t.type() != TensorType.F32) {
            throw new WeightsFormatException(f.path(), "rope_freqs.weight is " + t.type() + " " + t.shapeString()
                    + " but should be F32 [" + headDim / 2 + "]");
        }
        float[] divisors = f.floats("rope_freqs.weight");
        float factor = 0;
        for (float x : divisors) {
            factor = Math.max(factor, x);
        }
        int original = (int) f.optInteger("llama.rope.scaling.original_context_length").orElse(8192);
        RopeScaling s = new RopeScaling("llama3", factor, 1.0, 4.0, original);
        double low = original / s.lowFreqFactor();
        double high = original / s.highFreqFactor();
        for (int j = 0; j < divisors.length; j++) {
            double freq = 1.0 / Math.pow(theta, 2.0 * j / headDim);
            double wavelen = 2 * Math.PI / freq;
            double expected;
            if (wavelen < high) {
                expected = 1;
            } else if (wavelen > low) {
                expected = factor;
            } else {
                double smooth = (original / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                expected = 1 / ((1 - smooth) / factor + smooth);
            }
            if (!(Math.abs(expected - divisors[j]) <= 1e-3 * Math.max(1, expected))) {
                throw new UserError(f.path().getFileName() + ": rope_freqs.weight does not follow Llama 3's RoPE"
                        + " scaling (divisor " + j + " is " + divisors[j] + ", expected " + (float) expected
                        + "); this scaling is not supported");
            }
        }
        return s;
    }

    /** The type that holds most of the parameters, in config.json's words ("float32", "q8_0"). */
    static String storedDtype(TensorSource source) {
        Map<TensorType, Long> count = new EnumMap<>(TensorType.class);
        for (TensorInfo t : source.tensors()) {
            count.merge(t.type(), t.elementCount(), Long::sum);
        }
        TensorType top = count.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(TensorType.F32);
        return switch (top) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> top.name().toLowerCase(Locale.ROOT);
        };
    }
}
