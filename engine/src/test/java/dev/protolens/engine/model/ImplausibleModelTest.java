package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.UserError;
import dev.protolens.engine.testing.TinyModels;
import dev.protolens.engine.weights.GgufWriter;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.SafetensorsWriter;
import dev.protolens.engine.weights.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 18, items 5 and 9: checkpoints that load "successfully" into a model that cannot work, or whose error
 * named a consequence instead of the cause. Each is refused at load with the field or tensor named.
 */
class ImplausibleModelTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1} = {2}")
    @CsvSource({
        "llama, rms_norm_eps, -1, not a small positive number",
        "llama, rms_norm_eps, 0, not a small positive number",
        "qwen2, rope_theta, 0, above 1",
        "llama, rope_theta, -10000, above 1",
        "gpt_neox, layer_norm_eps, -0.5, not a small positive number",
        "gpt2, layer_norm_epsilon, 0, not a small positive number",
        "llama, num_hidden_layers, 1000000000, more than 1000",
        "llama, num_hidden_layers, 2147483647, more than 1000",
        "gpt2, n_layer, 50000, more than 1000",
    })
    void implausibleConfigValueIsRefusedAtLoadWithItsName(String variant, String field, double value,
                                                         String says) {
        Object v = value == Math.rint(value) && Math.abs(value) < Long.MAX_VALUE ? (Object) (long) value : value;
        Path dir = TinyModels.builder(variant).set(field, v).write(tmp);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining(field).hasMessageContaining(says);
        // before: a billion layers were looked for one by one (32 s), 2^31-1 reported as "not enough memory"
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(20);
    }

    @Test
    void invalidJsonIsReportedWithoutJacksonInternals() throws Exception {
        Path dir = TinyModels.builder("llama").write(tmp);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\",\n \"hidden_size\": [1, 2");
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("not valid JSON").hasMessageContaining("line 2")
                .hasMessageNotContaining("Source").hasMessageNotContaining("REDACTED")
                .hasMessageNotContaining("StreamReadFeature");
    }

    @Test
    void randomBytesAsTokenizerJsonAreCalledNotUtf8NotInputLength() throws Exception {
        Path dir = TinyModels.builder("llama").write(tmp);
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        junk[0] = (byte) 0xff;
        Files.write(dir.resolve("tokenizer.json"), junk);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("not UTF-8")
                .hasMessageNotContaining("Input length");
    }

    @Test
    void integerWeightsAreRefusedNotWidenedIntoAGarbageModel() throws Exception {
        Path dir = TinyModels.builder("llama").write(tmp);
        String name = "model.layers.0.mlp.up_proj.weight";
        rewrite(dir, name, t -> {
            ByteBuffer b = ByteBuffer.allocate(t.values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : t.values) {
                b.putInt(Math.round(x * 100));
            }
            return new Tensor("I32", t.shape, null, b.array());
        });
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining(name).hasMessageContaining("I32").hasMessageContaining("floating point");
    }

    @Test
    void finiteButAbsurdWeightsAreRefusedAtLoadNotMetAsANaNLoss() throws Exception {
        Path dir = TinyModels.builder("llama").write(tmp);
        String name = "model.layers.1.self_attn.v_proj.weight";
        rewrite(dir, name, t -> {
            float[] v = t.values.clone();
            java.util.Arrays.fill(v, 3e38f);
            return new Tensor("F32", t.shape, v, null);
        });
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining(name).hasMessageContaining("far beyond any trained weight");
    }

    @Test
    void aShapeOfTwoToThe62ElementsIsTooLargeNotMinusOneBytes() throws Exception {
        Path f = tmp.resolve("model.safetensors");
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483648,2147483648],\"data_offsets\":[0,4]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putInt(0);
        Files.write(f, b.array());
        assertThatThrownBy(() -> SafetensorsFile.open(f).close()).isInstanceOf(UserError.class)
                .hasMessageContaining("too large").hasMessageNotContaining("-1 bytes");
    }

    @Test
    void aGgufEmbeddingLengthOfABillionIsNamedNotPartialRope() throws Exception {
        Path p = tmp.resolve("wide.gguf");
        int d = 16;
        List<String> tokens = List.of("<unk>", "<s>", "</s>", "▁a", "b");
        new GgufWriter(3).string("general.architecture", "llama")
                .u32("llama.embedding_length", 1_000_000_000).u32("llama.block_count", 1)
                .u32("llama.attention.head_count", 2).u32("llama.attention.head_count_kv", 1)
                .u32("llama.feed_forward_length", 32).u32("llama.context_length", 128)
                .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f).f32("llama.rope.freq_base", 10000f)
                .u32("llama.rope.dimension_count", 8)
                .string("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", tokens)
                .tensor("token_embd.weight", GgufWriter.F32, new float[tokens.size() * d], tokens.size(), d)
                .tensor("blk.0.attn_norm.weight", GgufWriter.F32, new float[d], d).write(p);
        assertThatThrownBy(() -> ModelLoader.load(p)).isInstanceOf(UserError.class)
                .hasMessageContaining("embedding_length is 1000000000").hasMessageNotContaining("partial RoPE");
    }

    @Test
    void aDeviceOrAFifoNamedGgufIsNotAFolderWithoutConfigJson() throws Exception {
        Path zero = tmp.resolve("zero.gguf");
        Files.createSymbolicLink(zero, Path.of("/dev/zero"));
        assertThatThrownBy(() -> ModelLoader.load(zero)).isInstanceOf(UserError.class)
                .hasMessageContaining("not a regular file").hasMessageNotContaining("config.json");
        Path fifo = tmp.resolve("pipe.gguf");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            assertThatThrownBy(() -> ModelLoader.load(fifo)).isInstanceOf(UserError.class)
                    .hasMessageContaining("not a regular file").hasMessageNotContaining("config.json");
        }
    }

    @Test
    void anEmptyPathIsNotTheWorkingDirectory() {
        assertThatThrownBy(() -> ModelLoader.load(Path.of(""))).isInstanceOf(UserError.class)
                .hasMessageContaining("empty");
    }

    private record Tensor(String dtype, long[] shape, float[] values, byte[] raw) {}

    /** Rewrites model.safetensors with one tensor replaced. */
    private static void rewrite(Path dir, String name, UnaryOperator<Tensor> change) throws Exception {
        Path f = dir.resolve("model.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsFile in = SafetensorsFile.open(f)) {
            for (TensorInfo t : in.tensors()) {
                Tensor x = new Tensor("F32", t.shape(), in.floats(t.name()), null);
                if (t.name().equals(name)) {
                    x = change.apply(x);
                }
                if (x.raw != null) {
                    w.raw(t.name(), x.dtype, x.shape, x.raw);
                } else {
                    w.f32(t.name(), x.values, x.shape);
                }
            }
        }
        w.writeTo(f);
    }
}
