package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.UserError;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.testing.TinyModels;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.SafetensorsWriter;
import dev.protolens.engine.weights.ShardedSafetensors;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.WeightFiles;
import dev.protolens.engine.weights.WeightsFormatException;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A checkpoint split over shards with {@code model.safetensors.index.json}, as {@code save_pretrained}
 * writes big models: it must load to the same model (logits bit for bit, same identity) as the single
 * file, and an index that names a missing shard, a tensor the shard does not hold, or a path outside the
 * folder must be refused by name.
 */
class ShardedCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX = "model.safetensors.index.json";

    @ParameterizedTest(name = "{0} in {1} shards")
    @ValueSource(strings = {"stories260k-hf:3", "llama:2", "qwen2:3", "gpt2:2"})
    void shardedLoadsToTheSameLogitsAsTheSingleFile(String spec, @TempDir Path tmp) throws IOException {
        String name = spec.split(":")[0];
        int shards = Integer.parseInt(spec.split(":")[1]);
        Path single = name.startsWith("stories") ? Shared.model(name) : TinyModels.write(tmp.resolve("single"), name, 3);
        Path sharded = BadModelFilesTest.copyOf(single, tmp.resolve("sharded"));
        List<String> files = shard(sharded, shards);
        assertThat(sharded.resolve("model.safetensors")).doesNotExist();
        try (var src = WeightFiles.openFolder(sharded)) {
            assertThat(src).isInstanceOf(ShardedSafetensors.class);
            assertThat(((ShardedSafetensors) src).shardCount()).isEqualTo(shards);
        }

        try (LoadedModel a = ModelLoader.load(single); LoadedModel b = ModelLoader.load(sharded);
             NDManager step = EngineRuntime.get().newManager()) {
            assertThat(b.identity()).isEqualTo(a.identity());
            assertThat(b.model().parameterCount()).isEqualTo(a.model().parameterCount());
            long[] ids = new long[12];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 37L + 5) % Math.min(a.config().vocabSize(), 256);
            }
            NDArray x = step.create(ids, new Shape(1, ids.length));
            float[] la = a.model().logitsForTokens(x).toFloatArray();
            float[] lb = b.model().logitsForTokens(x).toFloatArray();
            assertThat(lb).hasSize(ids.length * a.config().vocabSize());
            assertThat(Arrays.equals(la, lb)).as("logits of %s from %s", name, files).isTrue();
        }
    }

    @Test
    void indexNamingAMissingShardIsRefused(@TempDir Path tmp) throws IOException {
        Path dir = shardedTiny(tmp);
        Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(WeightsFormatException.class)
                .hasMessageStartingWith(INDEX).hasMessageContaining("model-00002-of-00003.safetensors")
                .hasMessageContaining("missing");
    }

    @Test
    void tensorNotInTheNamedShardIsRefused(@TempDir Path tmp) throws IOException {
        Path dir = shardedTiny(tmp);
        editIndex(dir, map -> map.put("model.norm.weight", "model-00001-of-00003.safetensors"));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(WeightsFormatException.class)
                .hasMessageStartingWith(INDEX).hasMessageContaining("'model.norm.weight'")
                .hasMessageContaining("model-00001-of-00003.safetensors").hasMessageContaining("does not contain it");
    }

    @ParameterizedTest(name = "shard name {0}")
    @ValueSource(strings = {"../model-00001-of-00003.safetensors", "/etc/passwd", "sub/model.safetensors",
        "..\\model.safetensors", "..", ".", ".hidden.safetensors", "nul\u0000.safetensors"})
    void shardNameOutsideTheFolderIsRefused(String shardName, @TempDir Path tmp) throws IOException {
        Path dir = shardedTiny(tmp.resolve("inner"));
        // a real shard one level up, so a reader that followed the path would find a file there
        Files.copy(dir.resolve("model-00001-of-00003.safetensors"), tmp.resolve("model-00001-of-00003.safetensors"));
        editIndex(dir, map -> map.put("model.embed_tokens.weight", shardName));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(WeightsFormatException.class)
                .hasMessageStartingWith(INDEX).hasMessageContaining("'" + shardName + "'")
                .hasMessageContaining("plain file name");
    }

    @ParameterizedTest(name = "shard entry {0}")
    @ValueSource(strings = {"5", "null", "{}", "[\"model-00001-of-00003.safetensors\"]", "\"\"", "\"   \""})
    void shardEntryThatIsNotAFileNameIsRefused(String entry, @TempDir Path tmp) throws IOException {
        Path dir = shardedTiny(tmp);
        editIndex(dir, map -> map.set("model.embed_tokens.weight", JSON.readTree(entry)));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(WeightsFormatException.class)
                .hasMessageStartingWith(INDEX).hasMessageContaining("'model.embed_tokens.weight'")
                .hasMessageContaining("file name");
    }

    @ParameterizedTest(name = "index {0}")
    @ValueSource(strings = {"", "not json", "[]", "{}", "{\"weight_map\": {}}", "{\"weight_map\": []}"})
    void indexWithoutAWeightMapIsRefused(String content, @TempDir Path tmp) throws IOException {
        Path dir = shardedTiny(tmp);
        Files.writeString(dir.resolve(INDEX), content);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(WeightsFormatException.class)
                .hasMessageStartingWith(INDEX);
    }

    @Test
    void damagedShardIsNamed(@TempDir Path tmp) throws IOException {
        Path dir = shardedTiny(tmp);
        Path s = dir.resolve("model-00003-of-00003.safetensors");
        byte[] b = Files.readAllBytes(s);
        Files.write(s, Arrays.copyOf(b, b.length - 3));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(WeightsFormatException.class)
                .hasMessageStartingWith("model-00003-of-00003.safetensors").hasMessageContaining("truncated");
    }

    @Test
    void tensorMissingFromTheIndexIsNamed(@TempDir Path tmp) throws IOException {
        Path dir = shardedTiny(tmp);
        editIndex(dir, map -> map.remove("model.layers.1.mlp.up_proj.weight"));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining(INDEX).hasMessageContaining("'model.layers.1.mlp.up_proj.weight'")
                .hasMessageContaining("missing");
    }

    private static Path shardedTiny(Path tmp) throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), "llama", 1);
        shard(dir, 3);
        return dir;
    }

    private static void editIndex(Path dir, ThrowingConsumer<ObjectNode> change) throws IOException {
        ObjectNode index = (ObjectNode) JSON.readTree(Files.readString(dir.resolve(INDEX)));
        change.accept((ObjectNode) index.get("weight_map"));
        Files.writeString(dir.resolve(INDEX), index.toPrettyString());
    }

    private interface ThrowingConsumer<T> {
        void accept(T t) throws IOException;
    }

    /**
     * Splits {@code dir/model.safetensors} into {@code n} shards of consecutive tensors (in file order, as
     * transformers does) with an index, and deletes the single file.
     */
    static List<String> shard(Path dir, int n) throws IOException {
        Path single = dir.resolve("model.safetensors");
        ObjectNode index = JSON.createObjectNode();
        ObjectNode map = JSON.createObjectNode();
        List<String> files = new ArrayList<>();
        long total = 0;
        try (SafetensorsFile f = SafetensorsFile.open(single)) {
            List<TensorInfo> all = f.tensors();
            int per = (all.size() + n - 1) / n;
            for (int s = 0; s < n; s++) {
                String file = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", s + 1, n);
                SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
                for (TensorInfo t : all.subList(Math.min(all.size(), s * per), Math.min(all.size(), (s + 1) * per))) {
                    w.raw(t.name(), t.type().name(), t.shape(), f.bytes(t.name()).toArray(ValueLayout.JAVA_BYTE));
                    map.put(t.name(), file);
                    total += t.byteLength();
                }
                w.writeTo(dir.resolve(file));
                files.add(file);
            }
        }
        index.putObject("metadata").put("total_size", total);
        index.set("weight_map", map);
        Files.writeString(dir.resolve(INDEX), index.toPrettyString());
        Files.delete(single);
        return files;
    }
}
