package dev.protolens.engine.model;

import dev.protolens.engine.UserError;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a Llama-family checkpoint with random weights in the shape of a real model, for benchmarks that
 * need a real model's size without its download (and for the Python reference to load the very same
 * weights). The tokenizer is borrowed from another folder; its vocabulary must fit the shape's.
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {}

    /** Named shapes: hidden, layers, heads, kv heads, intermediate, vocab, context, rope theta, tied. */
    public record Shape(String name, int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab,
                        int context, double ropeTheta, boolean tied, boolean llama3Rope) {}

    public static final Map<String, Shape> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("smollm2-135m", new Shape("smollm2-135m", 576, 30, 9, 3, 1536, 49152, 8192, 100000, true, false));
        SHAPES.put("smollm2-360m", new Shape("smollm2-360m", 960, 32, 15, 5, 2560, 49152, 8192, 100000, true, false));
        SHAPES.put("llama-3.2-1b", new Shape("llama-3.2-1b", 2048, 16, 32, 8, 8192, 128256, 131072, 500000, true, true));
        SHAPES.put("tinyllama-1.1b", new Shape("tinyllama-1.1b", 2048, 22, 32, 4, 5632, 32000, 2048, 10000, false, false));
    }

    public static Shape shape(String name) {
        Shape s = SHAPES.get(name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new UserError("unknown shape '" + name + "'; known: " + String.join(", ", SHAPES.keySet()));
        }
        return s;
    }

    /**
     * Writes config.json, model.safetensors (F32, N(0, 0.02²) matrices, unit norms) and a copy of
     * {@code tokenizerFrom}/tokenizer.json into {@code dir}.
     */
    public static void write(Path dir, Shape s, long seed, Path tokenizerFrom) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper om = new ObjectMapper();
        ObjectNode c = om.createObjectNode();
        c.putArray("architectures").add("LlamaForCausalLM");
        c.put("model_type", "llama");
        c.put("hidden_size", s.hidden());
        c.put("num_hidden_layers", s.layers());
        c.put("num_attention_heads", s.heads());
        c.put("num_key_value_heads", s.kvHeads());
        c.put("intermediate_size", s.intermediate());
        c.put("vocab_size", s.vocab());
        c.put("max_position_embeddings", s.context());
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", s.ropeTheta());
        c.put("tie_word_embeddings", s.tied());
        c.put("hidden_act", "silu");
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        c.put("torch_dtype", "float32");
        if (s.llama3Rope()) {
            ObjectNode r = c.putObject("rope_scaling");
            r.put("rope_type", "llama3");
            r.put("factor", 32.0);
            r.put("low_freq_factor", 1.0);
            r.put("high_freq_factor", 4.0);
            r.put("original_max_position_embeddings", 8192);
        }
        Files.writeString(dir.resolve("config.json"), om.writerWithDefaultPrettyPrinter().writeValueAsString(c));
        Files.copy(tokenizerFrom.resolve("tokenizer.json"), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);

        Map<String, long[]> tensors = new LinkedHashMap<>();
        int hd = s.hidden() / s.heads();
        tensors.put("model.embed_tokens.weight", new long[] {s.vocab(), s.hidden()});
        for (int l = 0; l < s.layers(); l++) {
            String p = "model.layers." + l + ".";
            tensors.put(p + "input_layernorm.weight", new long[] {s.hidden()});
            tensors.put(p + "self_attn.q_proj.weight", new long[] {(long) s.heads() * hd, s.hidden()});
            tensors.put(p + "self_attn.k_proj.weight", new long[] {(long) s.kvHeads() * hd, s.hidden()});
            tensors.put(p + "self_attn.v_proj.weight", new long[] {(long) s.kvHeads() * hd, s.hidden()});
            tensors.put(p + "self_attn.o_proj.weight", new long[] {s.hidden(), (long) s.heads() * hd});
            tensors.put(p + "post_attention_layernorm.weight", new long[] {s.hidden()});
            tensors.put(p + "mlp.gate_proj.weight", new long[] {s.intermediate(), s.hidden()});
            tensors.put(p + "mlp.up_proj.weight", new long[] {s.intermediate(), s.hidden()});
            tensors.put(p + "mlp.down_proj.weight", new long[] {s.hidden(), s.intermediate()});
        }
        tensors.put("model.norm.weight", new long[] {s.hidden()});
        if (!s.tied()) {
            tensors.put("lm_head.weight", new long[] {s.vocab(), s.hidden()});
        }
        ObjectNode header = om.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, long[]> t : tensors.entrySet()) {
            long n = 1;
            for (long d : t.getValue()) {
                n *= d;
            }
            ObjectNode o = header.putObject(t.getKey());
            o.put("dtype", "F32");
            var sh = o.putArray("shape");
            for (long d : t.getValue()) {
                sh.add(d);
            }
            var of = o.putArray("data_offsets");
            of.add(offset);
            offset += n * 4;
            of.add(offset);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        SplittableRandom rnd = new SplittableRandom(seed);
        Path tmp = dir.resolve("model.safetensors.partial");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad);
            out.write(len.array());
            out.write(json);
            for (int i = 0; i < pad; i++) {
                out.write(' ');
            }
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, long[]> t : tensors.entrySet()) {
                boolean norm = t.getValue().length == 1;
                long n = 1;
                for (long d : t.getValue()) {
                    n *= d;
                }
                for (long i = 0; i < n; i++) {
                    buf.putFloat(norm ? 1f : (float) (rnd.nextGaussian() * 0.02));
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
        Files.move(tmp, dir.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING);
    }
}
