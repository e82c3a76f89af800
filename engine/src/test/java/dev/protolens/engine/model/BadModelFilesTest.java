package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.protolens.engine.UserError;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.testing.TinyModels;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.WeightsFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole model folders that are broken in the ways people's downloads are: nothing there, no config.json,
 * a config.json that is not one, no weights, a damaged or NaN-filled model.safetensors, a broken
 * tokenizer.json. Each must reach the user as a {@link UserError} naming the file (and the tensor or field),
 * through the same {@link ModelLoader#load} the CLI and the GUI call. Missing config fields and mis-shaped
 * tensors, family by family, are in {@link BrokenModelFolderTest}.
 */
class BadModelFilesTest {

    @Test
    void emptyFolderAsksForAModelFolder(@TempDir Path tmp) {
        assertThatThrownBy(() -> ModelLoader.load(tmp)).isExactlyInstanceOf(UserError.class)
                .hasMessageContaining("has no config.json").hasMessageContaining(".gguf");
    }

    @Test
    void folderWithoutConfigJsonSaysSo(@TempDir Path tmp) throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), "llama", 1);
        Files.delete(dir.resolve("config.json"));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("has no config.json");
    }

    @ParameterizedTest(name = "config.json = {0}")
    @ValueSource(strings = {"", "{", "[1, 2]", "null", "\"llama\"", "{\"model_type\": 5}",
        "{\"model_type\": \"llama\", \"hidden_size\": \"64\"}", "{\"model_type\": \"llama\", \"hidden_size\": -64}",
        "{\"model_type\": \"llama\", \"hidden_size\": 1.5}", "{\"model_type\": \"llama\", \"hidden_size\": 1e12}"})
    void configJsonThatIsNotAConfigIsNamed(String content, @TempDir Path tmp) throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), "llama", 1);
        Files.writeString(dir.resolve("config.json"), content);
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("config.json");
    }

    @Test
    void folderWithoutWeightsSaysWhatItNeeds(@TempDir Path tmp) throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), "llama", 1);
        Files.delete(dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("has no model.safetensors");
        Files.writeString(dir.resolve("pytorch_model.bin"), "not read");
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("PyTorch .bin weights");
    }

    @Test
    void folderCalledModelSafetensorsIsNotAWeightFile(@TempDir Path tmp) throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), "llama", 1);
        Files.delete(dir.resolve("model.safetensors"));
        Files.createDirectory(dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("is a folder");
    }

    @ParameterizedTest(name = "tokenizer.json = {0}")
    @ValueSource(strings = {"<missing>", "", "{}", "[]", "{\"model\": {\"type\": \"BPE\"}}", "\u0000\u0001garbage"})
    void brokenTokenizerIsNamed(String content, @TempDir Path tmp) throws IOException {
        Path dir = TinyModels.write(tmp.resolve("m"), "llama", 1);
        if (content.equals("<missing>")) {
            Files.delete(dir.resolve("tokenizer.json"));
        } else {
            Files.writeString(dir.resolve("tokenizer.json"), content);
        }
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("tokenizer");
    }

    @ParameterizedTest(name = "{0} {1} in {2}")
    @CsvSource({
        "NaN, F32, model.layers.1.mlp.down_proj.weight",
        "Infinity, F32, model.embed_tokens.weight",
        "-Infinity, F32, lm_head.weight",
        "NaN, BF16, model.layers.0.self_attn.v_proj.weight",
        "Infinity, BF16, model.norm.weight",
    })
    void nonFiniteWeightIsNamed(String value, String dtype, String tensor, @TempDir Path tmp) throws IOException {
        TinyModels.Builder b = TinyModels.builder("llama");
        if (dtype.equals("BF16")) {
            b.bf16();
        }
        Path dir = b.write(tmp.resolve("m"));
        float v = Float.parseFloat(value);
        poke(dir.resolve("model.safetensors"), tensor, 5, v, dtype.equals("BF16"));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(WeightsFormatException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("'" + tensor + "'")
                .hasMessageContaining("NaN or infinite");
    }

    @Test
    void truncatedCheckpointIsNamed(@TempDir Path tmp) throws IOException {
        Path dir = copyOf(Shared.model("stories260k-hf"), tmp.resolve("stories"));
        Path f = dir.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> ModelLoader.load(dir)).isInstanceOf(WeightsFormatException.class)
                .hasMessageStartingWith("model.safetensors: ").hasMessageContaining("truncated");
    }

    /**
     * Bytes flipped anywhere in a real checkpoint, through the whole loader: the model loads (a flip in a
     * mantissa is a different but valid model) or the user gets a UserError; nothing else.
     */
    @Test
    void flippedBytesInARealCheckpointLoadOrFailAsUserErrors(@TempDir Path tmp) throws IOException {
        Path dir = copyOf(Shared.model("stories260k-hf"), tmp.resolve("stories"));
        Path f = dir.resolve("model.safetensors");
        byte[] original = Files.readAllBytes(f);
        int headerEnd = 8 + (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        Random r = new Random(0xF11BL);
        int loaded = 0;
        int refused = 0;
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            byte[] b = original.clone();
            // half in the header, half in the data; in the data, the high byte of a float (sign and exponent)
            int pos = i % 2 == 0 ? r.nextInt(headerEnd) : headerEnd + 4 * r.nextInt((b.length - headerEnd) / 4) + 3;
            b[pos] ^= (byte) (1 << r.nextInt(8));
            Files.write(f, b);
            try (LoadedModel m = ModelLoader.load(dir)) {
                assertThat(m.config().hiddenSize()).isPositive();
                loaded++;
            } catch (UserError e) {
                refused++;
                assertThat(e.getMessage()).as("flip at byte %d", pos).containsAnyOf("model.safetensors", "config");
                if (refused <= 5) {
                    log.append("  flip at ").append(pos).append(": ").append(e.getMessage()).append('\n');
                }
            } catch (Throwable e) {
                fail("a flip at byte " + pos + " threw " + e + " instead of a UserError", e);
            }
        }
        System.out.printf(Locale.ROOT, "flipped stories260K: %d loaded, %d refused%n%s", loaded, refused, log);
        assertThat(refused).as("flips in the header are mostly refused").isGreaterThanOrEqualTo(10);
    }

    /** Writes {@code v} over element {@code index} of a tensor, in place. */
    static void poke(Path file, String tensor, int index, float v, boolean bf16) throws IOException {
        long start;
        try (SafetensorsFile s = SafetensorsFile.open(file)) {
            start = s.info(tensor).offset();
        }
        byte[] b = Files.readAllBytes(file);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int data = 8 + (int) bb.getLong(0);
        if (bf16) {
            bb.putShort(data + (int) start + 2 * index, (short) (Float.floatToRawIntBits(v) >>> 16));
        } else {
            bb.putFloat(data + (int) start + 4 * index, v);
        }
        Files.write(file, b);
    }

    static Path copyOf(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(p.getFileName().toString());
                Files.copy(p, t);
                t.toFile().setWritable(true);
            }
        }
        return to;
    }
}
