package dev.protolens.engine.testing;

import dev.protolens.engine.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tiny random Hugging Face model folders (config.json, model.safetensors, tokenizer.json) for every family
 * ProtoLens runs, written the way transformers would save them: the same config fields and tensor names as
 * real checkpoints, 2 layers, hidden 32–64, vocab 512, seeded weights. Norm weights and biases are random
 * too (not 1 and 0), so a swapped or ignored parameter changes the numbers.
 *
 * <pre>{@code
 * Path dir = TinyModels.write(tmp, "qwen3", 7);                         // a variant as is
 * TinyModels.builder("gpt2").seed(7).remove("n_embd").write(tmp);         // a broken config
 * TinyModels.builder("llama").dropTensor("model.norm.weight").write(tmp); // a broken checkpoint
 * }</pre>
 */
public final class TinyModels {
    /** Every variant {@link #write} knows; each family appears at least once. */
    public static final List<String> VARIANTS = List.of(
            "llama",                  // MHA, untied head
            "llama-gqa-tied",         // 4 heads on 2 KV heads, tied head (no lm_head.weight)
            "llama3-rope-scaling",    // rope_scaling llama3, head_dim 16 so the scaled and smoothed bands both occur
            "llama-attention-bias",   // attention_bias: q/k/v and o_proj biases
            "mistral",                // GQA, sliding_window smaller than max_position_embeddings
            "qwen2",                  // q/k/v biases, tied head
            "qwen3",                  // q/k RMSNorm, head_dim 16 != hidden/heads (12)
            "gpt_neox",               // Pythia: rotary_pct 0.25, parallel residual, with Pythia's stored buffers
            "gpt_neox-sequential",    // use_parallel_residual=false
            "gpt2",                   // names and mask buffers as the original "gpt2" upload (h.0...), tied head
            "gpt2-transformer-prefix" // names as GPT2LMHeadModel saves them (transformer.h.0...), lm_head stored
    );

    /** The vocabulary of model and tokenizer. */
    public static final int VOCAB = 512;
    /** {@code <|endoftext|>}, BOS and EOS, after the 256 byte symbols and the merges; the ids above it are
     *  special {@code <|extra_k|>} fillers (as Qwen pads its vocabulary), which text never encodes to. */
    public static final int EOS = 256 + TinyTokenizer.MERGES.length;

    private TinyModels() {}

    public static Path write(Path dir, String variant, long seed) {
        return builder(variant).seed(seed).write(dir);
    }

    public static Builder builder(String variant) {
        if (!VARIANTS.contains(variant)) {
            throw new IllegalArgumentException("unknown tiny model variant '" + variant + "'; known: " + VARIANTS);
        }
        return new Builder(variant);
    }

    /** A variant with changes on top: config fields set or removed, tensors dropped or mis-shaped. */
    public static final class Builder {
        private final String variant;
        private long seed = 1;
        private final Map<String, Object> set = new LinkedHashMap<>();
        private final List<String> removed = new ArrayList<>();
        private final List<String> dropped = new ArrayList<>();
        private final Map<String, long[]> reshaped = new LinkedHashMap<>();
        private boolean bf16;

        private Builder(String variant) {
            this.variant = variant;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Sets a config.json field (Integer, Long, Double, Boolean, String or null). */
        public Builder set(String field, Object value) {
            set.put(field, value);
            return this;
        }

        /** Removes a config.json field. */
        public Builder remove(String field) {
            removed.add(field);
            return this;
        }

        /** Leaves a tensor out of model.safetensors. */
        public Builder dropTensor(String name) {
            dropped.add(name);
            return this;
        }

        /** Writes a tensor with another shape (random values). */
        public Builder reshapeTensor(String name, long... shape) {
            reshaped.put(name, shape.clone());
            return this;
        }

        /** Stores the weights as BF16 (rounded to nearest even) instead of F32. */
        public Builder bf16() {
            this.bf16 = true;
            return this;
        }

        /** Writes config.json, model.safetensors and tokenizer.json into {@code dir} (created if needed). */
        public Path write(Path dir) {
            Spec spec = Spec.of(variant, new Random(seed));
            for (String r : removed) {
                if (spec.config.remove(r) == null) {
                    throw new IllegalArgumentException(variant + " has no config field '" + r + "'");
                }
            }
            set.forEach((k, v) -> put(spec.config, k, v));
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            Random r = new Random(seed ^ 0x5eedL);
            for (Map.Entry<String, Tensor> e : spec.tensors.entrySet()) {
                String name = e.getKey();
                if (dropped.contains(name)) {
                    continue;
                }
                Tensor t = e.getValue();
                if (reshaped.containsKey(name)) {
                    long[] shape = reshaped.get(name);
                    t = new Tensor(shape, gaussian(r, count(shape), 0, 0.3), null, null);
                }
                if (t.rawDtype != null) {
                    w.raw(name, t.rawDtype, t.shape, t.raw);
                } else if (bf16) {
                    w.bf16(name, t.values, t.shape);
                } else {
                    w.f32(name, t.values, t.shape);
                }
            }
            for (String name : dropped) {
                if (!spec.tensors.containsKey(name)) {
                    throw new IllegalArgumentException(variant + " has no tensor '" + name + "'");
                }
            }
            for (String name : reshaped.keySet()) {
                if (!spec.tensors.containsKey(name)) {
                    throw new IllegalArgumentException(variant + " has no tensor '" + name + "'");
                }
            }
            if (bf16) {
                spec.config.put("torch_dtype", "bfloat16");
            }
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("config.json"), spec.config.toPrettyString());
                w.writeTo(dir.resolve("model.safetensors"));
                Files.writeString(dir.resolve("tokenizer.json"), TinyTokenizer.json());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dir;
        }
    }

    private static void put(ObjectNode o, String k, Object v) {
        switch (v) {
            case null -> o.putNull(k);
            case Integer i -> o.put(k, i);
            case Long l -> o.put(k, l);
            case Double d -> o.put(k, d);
            case Boolean b -> o.put(k, b);
            case String s -> o.put(k, s);
            default -> throw new IllegalArgumentException("config value of type " + v.getClass());
        }
    }

    /** F32 values, or (for buffers such as a BOOL mask) raw bytes of another dtype. */
    private record Tensor(long[] shape, float[] values, String rawDtype, byte[] raw) {}

    /**
     * Non-parameter buffers that older checkpoints carry and a loader must ignore: the causal mask
     * ({@code attn.bias}, (1, 1, P, P)), {@code masked_bias}, NeoX's {@code rotary_emb.inv_freq}.
     */
    public static boolean isBuffer(String tensorName) {
        return tensorName.endsWith(".attn.bias") || tensorName.endsWith(".attention.bias")
                || tensorName.endsWith("masked_bias") || tensorName.endsWith("inv_freq");
    }

    /** One variant's config and tensors, in the order transformers' state dict lists them. */
    private static final class Spec {
        final ObjectNode config = new ObjectMapper().createObjectNode();
        final Map<String, Tensor> tensors = new LinkedHashMap<>();
        final Random random;

        private Spec(Random random) {
            this.random = random;
        }

        static Spec of(String variant, Random random) {
            Spec s = new Spec(random);
            switch (variant) {
                case "llama" -> s.llama("llama", 32, 4, 4, 8, 64, false, false, false);
                case "llama-gqa-tied" -> s.llama("llama", 32, 4, 2, 8, 64, true, false, false);
                case "llama3-rope-scaling" -> {
                    s.llama("llama", 32, 2, 1, 16, 64, false, false, false);
                    ObjectNode r = s.config.putObject("rope_scaling");
                    r.put("factor", 8.0);
                    r.put("high_freq_factor", 4.0);
                    r.put("low_freq_factor", 1.0);
                    // wavelengths of head_dim 16 at theta 10000 run from 6.3 to 19869: with a 64-position
                    // original context some are kept, some smoothed, some divided by factor
                    r.put("original_max_position_embeddings", 64);
                    r.put("rope_type", "llama3");
                    s.config.put("max_position_embeddings", 256);
                }
                case "llama-attention-bias" -> s.llama("llama", 32, 4, 2, 8, 64, false, true, false);
                case "mistral" -> {
                    s.llama("mistral", 32, 4, 2, 8, 64, false, false, false);
                    s.config.put("sliding_window", 48);
                }
                case "qwen2" -> {
                    s.llama("qwen2", 32, 4, 2, 8, 64, true, true, false);
                    s.config.put("rope_theta", 1000000.0);
                    s.config.put("use_sliding_window", false);
                    s.config.put("sliding_window", 32);
                    s.config.put("max_window_layers", 2);
                }
                case "qwen3" -> s.llama("qwen3", 48, 4, 2, 16, 96, false, false, true);
                case "gpt_neox" -> s.neox(true);
                case "gpt_neox-sequential" -> s.neox(false);
                case "gpt2" -> s.gpt2("");
                case "gpt2-transformer-prefix" -> s.gpt2("transformer.");
                default -> throw new IllegalArgumentException(variant);
            }
            return s;
        }

        private void llama(String type, int d, int heads, int kv, int headDim, int ff, boolean tied, boolean bias,
                           boolean qkNorm) {
            config.putArray("architectures").add(switch (type) {
                case "mistral" -> "MistralForCausalLM";
                case "qwen2" -> "Qwen2ForCausalLM";
                case "qwen3" -> "Qwen3ForCausalLM";
                default -> "LlamaForCausalLM";
            });
            if (!type.equals("qwen2") && !type.equals("mistral")) {
                config.put("attention_bias", bias);
            }
            config.put("bos_token_id", EOS);
            config.put("eos_token_id", EOS);
            if (headDim != d / heads || type.equals("llama")) {
                config.put("head_dim", headDim);
            }
            config.put("hidden_act", "silu");
            config.put("hidden_size", d);
            config.put("intermediate_size", ff);
            config.put("max_position_embeddings", 64);
            config.put("model_type", type);
            config.put("num_attention_heads", heads);
            config.put("num_hidden_layers", 2);
            config.put("num_key_value_heads", kv);
            config.put("rms_norm_eps", 1e-5);
            config.putNull("rope_scaling");
            config.put("rope_theta", 10000.0);
            config.put("tie_word_embeddings", tied);
            config.put("torch_dtype", "float32");
            config.put("vocab_size", VOCAB);
            long q = (long) heads * headDim;
            long k = (long) kv * headDim;
            tensor("model.embed_tokens.weight", 1.0, VOCAB, d);
            for (int i = 0; i < 2; i++) {
                String p = "model.layers." + i + ".";
                norm(p + "input_layernorm.weight", d);
                linear(p + "self_attn.q_proj", q, d, bias);
                linear(p + "self_attn.k_proj", k, d, bias);
                linear(p + "self_attn.v_proj", k, d, bias);
                linear(p + "self_attn.o_proj", d, q, bias && !type.equals("qwen2"));
                if (qkNorm) {
                    norm(p + "self_attn.q_norm.weight", headDim);
                    norm(p + "self_attn.k_norm.weight", headDim);
                }
                norm(p + "post_attention_layernorm.weight", d);
                linear(p + "mlp.gate_proj", ff, d, false);
                linear(p + "mlp.up_proj", ff, d, false);
                linear(p + "mlp.down_proj", d, ff, false);
            }
            norm("model.norm.weight", d);
            if (!tied) {
                tensor("lm_head.weight", 1.0 / Math.sqrt(d), VOCAB, d);
            }
        }

        private void neox(boolean parallel) {
            int d = 64;
            int ff = 128;
            config.putArray("architectures").add("GPTNeoXForCausalLM");
            config.put("attention_bias", true);
            config.put("bos_token_id", EOS);
            config.put("eos_token_id", EOS);
            config.put("hidden_act", "gelu");
            config.put("hidden_size", d);
            config.put("intermediate_size", ff);
            config.put("layer_norm_eps", 1e-5);
            config.put("max_position_embeddings", 64);
            config.put("model_type", "gpt_neox");
            config.put("num_attention_heads", 4);
            config.put("num_hidden_layers", 2);
            config.put("rotary_emb_base", 10000);
            config.put("rotary_pct", 0.25);
            config.put("tie_word_embeddings", false);
            config.put("torch_dtype", "float32");
            config.put("use_parallel_residual", parallel);
            config.put("vocab_size", VOCAB);
            tensor("gpt_neox.embed_in.weight", 1.0, VOCAB, d);
            for (int i = 0; i < 2; i++) {
                String p = "gpt_neox.layers." + i + ".";
                layerNorm(p + "input_layernorm", d);
                layerNorm(p + "post_attention_layernorm", d);
                linear(p + "attention.query_key_value", 3L * d, d, true);
                linear(p + "attention.dense", d, d, true);
                linear(p + "mlp.dense_h_to_4h", ff, d, true);
                linear(p + "mlp.dense_4h_to_h", d, ff, true);
                // the buffers Pythia's uploads still hold (transformers since made them non-persistent)
                buffer(p + "attention.bias", "BOOL", causalMask(64, false), 1, 1, 64, 64);
                tensors.put(p + "attention.masked_bias", new Tensor(new long[0], new float[] {-1e9f}, null, null));
                float[] inv = new float[2];
                for (int j = 0; j < inv.length; j++) {
                    inv[j] = (float) (1 / Math.pow(10000, 2.0 * j / 4));
                }
                tensors.put(p + "attention.rotary_emb.inv_freq", new Tensor(new long[] {2}, inv, null, null));
            }
            layerNorm("gpt_neox.final_layer_norm", d);
            tensor("embed_out.weight", 1.0 / Math.sqrt(d), VOCAB, d);
        }

        private void gpt2(String prefix) {
            int d = 32;
            config.put("activation_function", "gelu_new");
            config.putArray("architectures").add("GPT2LMHeadModel");
            config.put("bos_token_id", EOS);
            config.put("eos_token_id", EOS);
            config.put("layer_norm_epsilon", 1e-5);
            config.put("model_type", "gpt2");
            config.put("n_ctx", 64);
            config.put("n_embd", d);
            config.put("n_head", 4);
            config.putNull("n_inner");
            config.put("n_layer", 2);
            config.put("n_positions", 64);
            config.put("torch_dtype", "float32");
            config.put("vocab_size", VOCAB);
            tensor(prefix + "wte.weight", 1.0, VOCAB, d);
            tensor(prefix + "wpe.weight", 0.5, 64, d);
            for (int i = 0; i < 2; i++) {
                String p = prefix + "h." + i + ".";
                layerNorm(p + "ln_1", d);
                conv1d(p + "attn.c_attn", d, 3L * d);
                conv1d(p + "attn.c_proj", d, d);
                layerNorm(p + "ln_2", d);
                conv1d(p + "mlp.c_fc", d, 4L * d);
                conv1d(p + "mlp.c_proj", 4L * d, d);
                if (prefix.isEmpty()) {
                    buffer(p + "attn.bias", "F32", causalMask(64, true), 1, 1, 64, 64);
                    tensors.put(p + "attn.masked_bias", new Tensor(new long[0], new float[] {-1e4f}, null, null));
                }
            }
            layerNorm(prefix + "ln_f", d);
            if (!prefix.isEmpty()) {
                tensors.put("lm_head.weight", tensors.get(prefix + "wte.weight"));
            }
        }

        private void tensor(String name, double std, long... shape) {
            tensors.put(name, new Tensor(shape, gaussian(random, count(shape), 0, std), null, null));
        }

        private void buffer(String name, String dtype, byte[] raw, long... shape) {
            tensors.put(name, new Tensor(shape, null, dtype, raw));
        }

        /** tril(ones(p, p)) as BOOL bytes or little-endian F32. */
        private static byte[] causalMask(int p, boolean f32) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(p * p * (f32 ? 4 : 1))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    if (f32) {
                        b.putFloat(j <= i ? 1f : 0f);
                    } else {
                        b.put((byte) (j <= i ? 1 : 0));
                    }
                }
            }
            return b.array();
        }

        /** nn.Linear layout (out, in), scaled so activations stay of order one. */
        private void linear(String name, long out, long in, boolean bias) {
            tensor(name + ".weight", 1.0 / Math.sqrt(in), out, in);
            if (bias) {
                tensor(name + ".bias", 0.2, out);
            }
        }

        /** GPT-2 Conv1D layout (in, out). */
        private void conv1d(String name, long in, long out) {
            tensor(name + ".weight", 1.0 / Math.sqrt(in), in, out);
            tensor(name + ".bias", 0.2, out);
        }

        private void norm(String name, long d) {
            tensors.put(name, new Tensor(new long[] {d}, gaussian(random, (int) d, 1.0, 0.2), null, null));
        }

        private void layerNorm(String name, long d) {
            norm(name + ".weight", d);
            tensor(name + ".bias", 0.2, d);
        }
    }

    private static int count(long[] shape) {
        long c = 1;
        for (long s : shape) {
            c *= s;
        }
        return Math.toIntExact(c);
    }

    private static float[] gaussian(Random r, int n, double mean, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + std * r.nextGaussian());
        }
        return v;
    }

    /**
     * A byte-level BPE tokenizer.json (GPT-2's scheme): the 256 byte symbols, a few merges of common English
     * pairs, {@code <|endoftext|>} and special fillers up to {@link #VOCAB}. Any text encodes, and
     * decode(encode(x)) == x.
     */
    static final class TinyTokenizer {
        static final String[] MERGES = {
            "Ġ t", "h e", "i n", "e r", "a n", "Ġ a", "o n", "r e", "Ġ s", "Ġ w", "o u", "e d", "Ġt he", "in g",
            "Ġ b", "i s", "a t", "Ġ o", "e n", "Ġ h", "l l", "Ġ i", "a r", "o r",
        };

        private TinyTokenizer() {}

        /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to code points from 256 up. */
        static List<String> byteSymbols() {
            List<Integer> bytes = new ArrayList<>();
            List<Integer> chars = new ArrayList<>();
            for (int b = '!'; b <= '~'; b++) {
                bytes.add(b);
            }
            for (int b = 0xA1; b <= 0xAC; b++) {
                bytes.add(b);
            }
            for (int b = 0xAE; b <= 0xFF; b++) {
                bytes.add(b);
            }
            chars.addAll(bytes);
            int extra = 0;
            for (int b = 0; b < 256; b++) {
                if (!bytes.contains(b)) {
                    bytes.add(b);
                    chars.add(256 + extra++);
                }
            }
            List<String> symbols = new ArrayList<>();
            for (int c : chars) {
                symbols.add(new String(Character.toChars(c)));
            }
            return symbols;
        }

        static String json() {
            ObjectMapper om = new ObjectMapper();
            ObjectNode root = om.createObjectNode();
            root.put("version", "1.0");
            root.putNull("truncation");
            root.putNull("padding");
            ArrayNode added = root.putArray("added_tokens");
            for (int id = EOS; id < VOCAB; id++) {
                ObjectNode t = added.addObject();
                t.put("id", id);
                t.put("content", special(id));
                t.put("single_word", false);
                t.put("lstrip", false);
                t.put("rstrip", false);
                t.put("normalized", false);
                t.put("special", true);
            }
            root.putNull("normalizer");
            ObjectNode pre = root.putObject("pre_tokenizer");
            pre.put("type", "ByteLevel");
            pre.put("add_prefix_space", false);
            pre.put("trim_offsets", true);
            pre.put("use_regex", true);
            ObjectNode post = root.putObject("post_processor");
            post.put("type", "ByteLevel");
            post.put("add_prefix_space", true);
            post.put("trim_offsets", false);
            post.put("use_regex", true);
            ObjectNode dec = root.putObject("decoder");
            dec.put("type", "ByteLevel");
            dec.put("add_prefix_space", true);
            dec.put("trim_offsets", true);
            dec.put("use_regex", true);
            ObjectNode model = root.putObject("model");
            model.put("type", "BPE");
            model.putNull("dropout");
            model.putNull("unk_token");
            model.put("continuing_subword_prefix", "");
            model.put("end_of_word_suffix", "");
            model.put("fuse_unk", false);
            model.put("byte_fallback", false);
            ObjectNode vocab = model.putObject("vocab");
            int id = 0;
            for (String s : byteSymbols()) {
                vocab.put(s, id++);
            }
            ArrayNode merges = model.putArray("merges");
            for (String m : MERGES) {
                vocab.put(m.replace(" ", ""), id++);
                merges.add(m);
            }
            for (; id < VOCAB; id++) {
                vocab.put(special(id), id);
            }
            return root.toPrettyString();
        }

        private static String special(int id) {
            return id == EOS ? "<|endoftext|>" : "<|extra_" + (id - EOS - 1) + "|>";
        }
    }
}
