package dev.protolens.engine.weights;

import static dev.protolens.engine.weights.GgufWriter.ARRAY;
import static dev.protolens.engine.weights.GgufWriter.BOOL;
import static dev.protolens.engine.weights.GgufWriter.FLOAT32;
import static dev.protolens.engine.weights.GgufWriter.FLOAT64;
import static dev.protolens.engine.weights.GgufWriter.INT16;
import static dev.protolens.engine.weights.GgufWriter.INT32;
import static dev.protolens.engine.weights.GgufWriter.INT64;
import static dev.protolens.engine.weights.GgufWriter.INT8;
import static dev.protolens.engine.weights.GgufWriter.STRING;
import static dev.protolens.engine.weights.GgufWriter.UINT16;
import static dev.protolens.engine.weights.GgufWriter.UINT32;
import static dev.protolens.engine.weights.GgufWriter.UINT64;
import static dev.protolens.engine.weights.GgufWriter.UINT8;
import static dev.protolens.engine.weights.GgufWriter.array;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.testing.Shared;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GGUF v1-v3 files written by {@link GgufWriter} read back to the values an independent decoder computes. */
class GgufFileTest {
    @TempDir
    Path dir;

    private static final int[] TYPES = {GgufWriter.F32, GgufWriter.F16, GgufWriter.BF16, GgufWriter.Q8_0,
        GgufWriter.Q4_0};

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void tensorsOfEveryTypeRoundTrip(int version) throws Exception {
        Random rnd = new Random(version);
        GgufWriter w = new GgufWriter(version).string("general.architecture", "test");
        record Case(String name, int type, float[] values, long[] shape) {}
        List<long[]> shapes = List.of(new long[] {3, 64}, new long[] {64}, new long[] {2, 3, 32},
                new long[] {2, 1, 2, 32}, new long[] {64, 172} /* rows not a whole number of blocks */);
        java.util.ArrayList<Case> cases = new java.util.ArrayList<>();
        for (int type : TYPES) {
            for (long[] shape : shapes) {
                int n = (int) java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
                }
                String name = "t" + type + "_" + shape.length + "_" + n;
                cases.add(new Case(name, type, v, shape));
                w.tensor(name, type, v, shape);
            }
        }
        Path p = dir.resolve("v" + version + ".gguf");
        w.write(p);
        byte[] file = Files.readAllBytes(p);
        try (GgufFile g = GgufFile.open(p)) {
            assertThat(g.version()).isEqualTo(version);
            assertThat(g.tensors()).hasSize(cases.size());
            for (Case c : cases) {
                TensorInfo t = g.info(c.name);
                assertThat(t.shape()).as(c.name).containsExactly(c.shape);
                assertThat(t.type().name()).isEqualTo(GgufFile.ggmlName(c.type));
                float[] got = g.floats(c.name);
                byte[] stored = java.util.Arrays.copyOfRange(file, (int) (g.dataOffset() + t.offset()),
                        (int) (g.dataOffset() + t.offset() + t.byteLength()));
                float[] want = dequantise(c.type, stored, c.values.length);
                assertThat(got).as(c.name).containsExactly(want);
                double tol = switch (c.type) {
                    case GgufWriter.F32 -> 0;
                    case GgufWriter.F16 -> 1e-3;
                    case GgufWriter.BF16 -> 8e-3;
                    case GgufWriter.Q8_0 -> 0.01;
                    default -> 0.15;
                };
                assertThat(maxRelativeToBlockMax(got, c.values)).as(c.name + " quantisation error").isLessThanOrEqualTo(tol);
            }
        }
    }

    /** Decoding written from ggml's block layouts, with its own half-float conversion. */
    static float[] dequantise(int type, byte[] b, int n) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case GgufWriter.F32 -> bb.getFloat(4 * i);
                case GgufWriter.F16 -> half(bb.getShort(2 * i));
                case GgufWriter.BF16 -> Float.intBitsToFloat((bb.getShort(2 * i) & 0xffff) << 16);
                case GgufWriter.Q8_0 -> {
                    int block = i / 32;
                    float d = half(bb.getShort(block * 34));
                    yield b[block * 34 + 2 + i % 32] * d;
                }
                case GgufWriter.Q4_0 -> {
                    int block = i / 32;
                    int j = i % 32;
                    float d = half(bb.getShort(block * 18));
                    int packed = b[block * 18 + 2 + j % 16] & 0xff;
                    int q = j < 16 ? packed & 15 : packed >> 4;
                    yield (q - 8) * d;
                }
                default -> throw new IllegalArgumentException();
            };
        }
        return out;
    }

    static float half(short s) {
        int sign = (s >> 15) & 1;
        int exp = (s >> 10) & 31;
        int mant = s & 1023;
        double v = exp == 0 ? mant * Math.pow(2, -24) : exp == 31 ? (mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                : (1 + mant / 1024.0) * Math.pow(2, exp - 15);
        return (float) (sign == 1 ? -v : v);
    }

    private static double maxRelativeToBlockMax(float[] got, float[] want) {
        double worst = 0;
        for (int b = 0; b < want.length; b += 32) {
            double m = 1e-30;
            for (int i = b; i < Math.min(b + 32, want.length); i++) {
                m = Math.max(m, Math.abs(want[i]));
            }
            for (int i = b; i < Math.min(b + 32, want.length); i++) {
                worst = Math.max(worst, Math.abs(got[i] - want[i]) / m);
            }
        }
        return worst;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void metadataOfEveryTypeReadsBack(int version) {
        Path p = dir.resolve("kv" + version + ".gguf");
        new GgufWriter(version)
                .kv("u8", UINT8, 200L).kv("i8", INT8, -5L).kv("u16", UINT16, 65000L).kv("i16", INT16, -30000L)
                .kv("u32", UINT32, 4_000_000_000L).kv("i32", INT32, -2_000_000_000L).kv("f32", FLOAT32, 1e-5f)
                .kv("bool", BOOL, true).kv("str", STRING, "héllo ▁ 🙂").kv("u64", UINT64, 1L << 40)
                .kv("i64", INT64, -(1L << 40)).kv("f64", FLOAT64, Math.PI)
                .strings("tokens", List.of("<unk>", "▁a", "", "日本"))
                .kv("scores", ARRAY, array(FLOAT32, List.of(0f, -1.5f, 2.25f)))
                .kv("types", ARRAY, array(INT32, List.of(1L, 2L, 6L)))
                .kv("bytes", ARRAY, array(UINT8, List.of(0L, 255L)))
                .kv("shorts", ARRAY, array(INT16, List.of(-1L, 7L)))
                .kv("longs", ARRAY, array(UINT64, List.of(3L, 1L << 50)))
                .kv("doubles", ARRAY, array(FLOAT64, List.of(0.5, -2.0)))
                .kv("bools", ARRAY, array(BOOL, List.of(true, false)))
                .kv("nested", ARRAY, array(ARRAY, List.of(array(INT32, List.of(1L, 2L)), array(STRING, List.of("x")))))
                .kv("empty", ARRAY, array(UINT32, List.of()))
                .tensor("w", GgufWriter.F32, new float[] {1, 2}, 2)
                .write(p);
        try (GgufFile g = GgufFile.open(p)) {
            assertThat(g.integer("u8")).isEqualTo(200);
            assertThat(g.integer("i8")).isEqualTo(-5);
            assertThat(g.integer("u16")).isEqualTo(65000);
            assertThat(g.integer("i16")).isEqualTo(-30000);
            assertThat(g.integer("u32")).isEqualTo(4_000_000_000L);
            assertThat(g.integer("i32")).isEqualTo(-2_000_000_000L);
            assertThat(g.number("f32")).isEqualTo((double) 1e-5f);
            assertThat(g.bool("bool", false)).isTrue();
            assertThat(g.bool("absent", true)).isTrue();
            assertThat(g.string("str")).isEqualTo("héllo ▁ 🙂");
            assertThat(g.integer("u64")).isEqualTo(1L << 40);
            assertThat(g.integer("i64")).isEqualTo(-(1L << 40));
            assertThat(g.number("f64")).isEqualTo(Math.PI);
            assertThat(g.number("u32")).isEqualTo(4e9);
            assertThat(g.strings("tokens")).containsExactly("<unk>", "▁a", "", "日本");
            assertThat(g.optFloats("scores").orElseThrow()).containsExactly(0f, -1.5f, 2.25f);
            assertThat(g.optInts("types").orElseThrow()).containsExactly(1, 2, 6);
            assertThat(g.optInts("bytes").orElseThrow()).containsExactly(0, 255);
            assertThat(g.optInts("shorts").orElseThrow()).containsExactly(-1, 7);
            assertThat(g.optFloats("doubles").orElseThrow()).containsExactly(0.5f, -2f);
            assertThat(g.optFloats("longs").orElseThrow()[1]).isEqualTo((float) (1L << 50));
            assertThat(g.value("bools").orElseThrow().value()).isEqualTo(new boolean[] {true, false});
            GgufFile.Value nested = g.value("nested").orElseThrow();
            assertThat(nested.elementType()).isEqualTo(GgufFile.ValueType.ARRAY);
            GgufFile.Value[] inner = (GgufFile.Value[]) nested.value();
            assertThat((int[]) inner[0].value()).containsExactly(1, 2);
            assertThat((String[]) inner[1].value()).containsExactly("x");
            assertThat(g.optInts("empty").orElseThrow()).isEmpty();
            assertThat(g.metadata()).containsEntry("tokens", "[4 × string]").containsEntry("u8", "200");
            assertThatThrownBy(() -> g.integer("str")).isInstanceOf(WeightsFormatException.class)
                    .hasMessageContaining("'str' should be an integer but is string");
            assertThatThrownBy(() -> g.string("nope")).isInstanceOf(WeightsFormatException.class)
                    .hasMessageContaining("metadata key 'nope' is missing");
            assertThatThrownBy(() -> g.optInts("longs")).hasMessageContaining("out of range");
            assertThat(g.floats("w")).containsExactly(1f, 2f);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 64, 256})
    void alignmentIsHonoured(int alignment) {
        Path p = dir.resolve("a" + alignment + ".gguf");
        float[] a = {1, 2, 3};
        float[] b = new float[32];
        b[5] = 127f / 64; // scale 1/64 is exact in f16
        new GgufWriter(3).alignment(alignment).tensor("a", GgufWriter.F32, a, 3)
                .tensor("b", GgufWriter.Q8_0, b, 32).write(p);
        try (GgufFile g = GgufFile.open(p)) {
            assertThat(g.alignment()).isEqualTo(alignment);
            assertThat(g.dataOffset() % alignment).isZero();
            assertThat(g.floats("a")).containsExactly(a);
            assertThat(g.floats("b")[5]).isEqualTo(127f / 64);
        }
    }

    @Test
    void unsupportedTypesAreNamedByTheirGgmlName() {
        Path p = dir.resolve("q4k.gguf");
        new GgufWriter(3).tensor("blk.0.attn_q.weight", 12, new long[] {256, 4}, new byte[4 * 144]).write(p);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(WeightsFormatException.class)
                .hasMessage("q4k.gguf: tensor 'blk.0.attn_q.weight': Q4_K (ggml type 12) is not supported yet;"
                        + " use an F32, F16, BF16, Q8_0 or Q4_0 file");
        Path u = dir.resolve("unknown.gguf");
        new GgufWriter(3).tensor("x", 99, new long[] {32}, new byte[64]).write(u);
        assertThatThrownBy(() -> GgufFile.open(u)).hasMessageContaining("unknown ggml type 99");
    }

    @Test
    void headerLiesAreRefusedBeforeAnyAllocation() throws Exception {
        GgufWriter w = new GgufWriter(2).string("general.name", "x").tensor("t", GgufWriter.F32, new float[64], 64);
        byte[] good = w.toBytes();
        Path p = dir.resolve("w.gguf");
        GgufWriter.Layout l = w.write(p);
        record Lie(int at, long value, int width, String message) {}
        List<Lie> lies = List.of(
                new Lie(l.counts().get(0), Long.MAX_VALUE, 8, "the tensor count at byte 8"),
                new Lie(l.counts().get(1), 1L << 60, 8, "the metadata count"),
                new Lie(l.stringLengths().get(0), 1L << 40, 8, "the length of metadata key #0"),
                new Lie(l.stringLengths().get(1), 999_999, 8, "the length of the value of metadata 'general.name'"),
                new Lie(l.dims().get(0), 0, 8, "every dimension must be positive"),
                new Lie(l.dims().get(0), 1L << 40, 8, "ends past the end of the file"),
                new Lie(l.dims().get(0), -1, 8, "every dimension must be positive"),
                new Lie(l.types().get(0), 14, 4, "Q6_K (ggml type 14) is not supported yet"),
                new Lie(l.offsets().get(0), 64, 8, "ends past the end of the file"),
                new Lie(l.offsets().get(0), 3, 8, "not a multiple of the alignment 32"),
                new Lie(l.dims().get(0) - 4, 5, 4, "has 5 dimensions; GGUF tensors have 1 to 4"),
                new Lie(4, 4, 4, "GGUF version 4 is not supported"),
                new Lie(4, 0x02000000, 4, "big-endian"),
                new Lie(0, 0x67676a74, 4, "old GGML file (magic 'ggjt')"));
        for (Lie lie : lies) {
            byte[] b = good.clone();
            for (int i = 0; i < lie.width; i++) {
                b[lie.at + i] = (byte) (lie.value >>> (8 * i));
            }
            Path q = dir.resolve("lie.gguf");
            Files.write(q, b);
            assertThatThrownBy(() -> GgufFile.open(q).close()).as(lie.message)
                    .isInstanceOf(WeightsFormatException.class).hasMessageContaining(lie.message)
                    .hasMessageStartingWith("lie.gguf: ");
        }
    }

    @Test
    void overlappingAndDuplicateTensorsAreRefused() throws Exception {
        GgufWriter w = new GgufWriter(3).tensor("a", GgufWriter.F32, new float[16], 16)
                .tensor("b", GgufWriter.F32, new float[16], 16);
        Path p = dir.resolve("o.gguf");
        GgufWriter.Layout l = w.write(p);
        byte[] b = Files.readAllBytes(p);
        b[l.offsets().get(1)] = 32; // b starts inside a (a is 64 bytes)
        Files.write(p, b);
        assertThatThrownBy(() -> GgufFile.open(p)).hasMessageContaining("tensors 'a' and 'b' overlap");
        Path d = dir.resolve("d.gguf");
        new GgufWriter(3).tensor("a", GgufWriter.F32, new float[8], 8).tensor("a", GgufWriter.F32, new float[8], 8)
                .write(d);
        assertThatThrownBy(() -> GgufFile.open(d)).hasMessageContaining("tensor 'a' is described twice");
        Path k = dir.resolve("k.gguf");
        new GgufWriter(3).u32("x", 1).u32("x", 2).write(k);
        assertThatThrownBy(() -> GgufFile.open(k)).hasMessageContaining("metadata key 'x' appears twice");
    }

    @Test
    void realFilesOfVersionOneAndTwoOpen() {
        try (GgufFile f32 = GgufFile.open(Shared.model("stories260k/stories260k-f32.gguf"));
             GgufFile q8 = GgufFile.open(Shared.model("stories260k/stories260k-q8_0.gguf"))) {
            assertThat(f32.version()).isEqualTo(1);
            assertThat(q8.version()).isEqualTo(2);
            assertThat(f32.tensors()).hasSize(48);
            assertThat(f32.info("blk.0.ffn_down.weight").shape()).containsExactly(64, 172);
            assertThat(q8.info("blk.0.ffn_down.weight").type()).isEqualTo(TensorType.Q8_0);
            assertThat(f32.string("general.architecture")).isEqualTo("llama");
            assertThat(f32.strings("tokenizer.ggml.tokens")).hasSize(512);
            // the test writer's Q8_0 quantiser (ggml's reference) reproduces llama.cpp's bytes
            for (TensorInfo t : q8.tensors()) {
                if (t.type() == TensorType.Q8_0) {
                    byte[] mine = GgufWriter.encode(GgufWriter.Q8_0, f32.floats(t.name()));
                    assertThat(mine).as(t.name()).isEqualTo(q8.bytes(t.name()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
            // Q8_0 keeps every weight within half a step of the F32 file, plus the step's own f16 rounding
            // (up to 127 steps x 2^-11 relative)
            float[] a = f32.floats("blk.0.ffn_down.weight");
            float[] b = q8.floats("blk.0.ffn_down.weight");
            for (int blk = 0; blk < a.length; blk += 32) {
                float amax = 0;
                for (int i = blk; i < blk + 32; i++) {
                    amax = Math.max(amax, Math.abs(a[i]));
                }
                for (int i = blk; i < blk + 32; i++) {
                    assertThat((double) Math.abs(a[i] - b[i])).isLessThanOrEqualTo(amax / 127 * 0.57 + 1e-7);
                }
            }
        }
    }
}
