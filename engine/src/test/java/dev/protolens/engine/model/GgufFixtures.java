package dev.protolens.engine.model;

import dev.protolens.engine.weights.GgufFile;
import dev.protolens.engine.weights.GgufWriter;
import dev.protolens.engine.weights.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** GGUF files for model tests, built with the test writer. */
final class GgufFixtures {
    private GgufFixtures() {}

    /**
     * A copy of a GGUF file written by {@link GgufWriter}: same metadata, matrices re-encoded as {@code ggmlType}
     * (1-D tensors stay F32, as llama.cpp keeps norms), in GGUF {@code version}.
     */
    static GgufWriter reencode(Path gguf, int version, int ggmlType) {
        GgufWriter w = new GgufWriter(version);
        try (GgufFile f = GgufFile.open(gguf)) {
            for (Map.Entry<String, GgufFile.Value> e : f.values().entrySet()) {
                GgufFile.Value v = e.getValue();
                w.kv(e.getKey(), v.type().ordinal(), v.type() == GgufFile.ValueType.ARRAY ? array(v) : v.value());
            }
            for (TensorInfo t : f.tensors()) {
                w.tensor(t.name(), t.rank() == 1 ? GgufWriter.F32 : ggmlType, f.floats(t.name()), t.shape());
            }
        }
        return w;
    }

    private static GgufWriter.Array array(GgufFile.Value v) {
        List<Object> items = new ArrayList<>();
        Object a = v.value();
        int n = java.lang.reflect.Array.getLength(a);
        for (int i = 0; i < n; i++) {
            Object x = java.lang.reflect.Array.get(a, i);
            items.add(switch (x) {
                case GgufFile.Value inner -> array(inner);
                case Byte b -> (long) b;
                case Short s -> (long) s;
                case Integer k -> (long) k;
                default -> x;
            });
        }
        return GgufWriter.array(v.elementType().ordinal(), items);
    }

    /** Metadata of a llama model with {@code heads = 2} of {@code headDim}, a 5-token vocabulary and its embedding. */
    static GgufWriter tinyLlama(int headDim, double theta) {
        int d = 2 * headDim;
        List<String> tokens = List.of("<unk>", "<s>", "</s>", "▁a", "b");
        return new GgufWriter(3).string("general.architecture", "llama")
                .u32("llama.embedding_length", d).u32("llama.block_count", 1).u32("llama.attention.head_count", 2)
                .u32("llama.attention.head_count_kv", 1).u32("llama.feed_forward_length", 32)
                .u32("llama.context_length", 128).f32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .f32("llama.rope.freq_base", (float) theta).u32("llama.rope.dimension_count", headDim)
                .string("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", tokens)
                .tensor("token_embd.weight", GgufWriter.F32, new float[tokens.size() * d], tokens.size(), d)
                .tensor("blk.0.attn_norm.weight", GgufWriter.F32, new float[d], d);
    }
}
