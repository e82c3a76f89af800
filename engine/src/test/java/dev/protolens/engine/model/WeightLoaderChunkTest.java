package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.weights.TensorDecoder;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorSource;
import dev.protolens.engine.weights.TensorType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * WeightLoader copies a tensor in chunks of rows so that one larger than a 2 GiB buffer still loads. A
 * tensor that big needs more memory than a test machine has, so the chunk size is lowered instead: every
 * chunk size from one row to the whole tensor must give the same array, bit for bit, as decoding the tensor
 * in one piece, for every stored type, rank, and a quantised row of two blocks.
 */
class WeightLoaderChunkTest {

    @Test
    void everyChunkSizeGivesTheSameArray() {
        Random r = new Random(11);
        InMemorySource src = new InMemorySource();
        src.floats("f32", TensorType.F32, r, 10, 7);
        src.floats("bf16", TensorType.BF16, r, 9, 5);
        src.floats("f16", TensorType.F16, r, 6, 3);
        src.floats("rank1", TensorType.F32, r, 13);
        src.floats("rank3", TensorType.F32, r, 3, 4, 5);
        src.floats("scalar", TensorType.F32, r);
        src.floats("empty", TensorType.F32, r, 0, 4);
        src.q80("q8_0", r, 5, 64);      // rows of two blocks: chunked by rows
        src.q80("q8_0-odd-row", r, 2, 48); // rows not block aligned: decoded in one piece whatever the chunk
        int checked = 0;
        try (NDManager m = EngineRuntime.get().newManager()) {
            for (TensorInfo t : src.tensors()) {
                float[] want = TensorDecoder.toFloats(t.type(), src.bytes(t.name()), 0, (int) t.elementCount());
                long rowBytes = t.rank() == 0 || t.dim(0) == 0 ? 4 : t.elementCount() / t.dim(0) * 4;
                long whole = Math.max(4, t.elementCount() * 4);
                for (long chunk = 1; chunk <= whole + rowBytes; chunk = chunk < rowBytes ? rowBytes : chunk + rowBytes / 2 + 1) {
                    WeightLoader w = new WeightLoader(src, m, DataType.FLOAT32, chunk);
                    NDArray a = w.load(t.name(), t.shape());
                    assertThat(a.getShape()).as("%s, chunk %d", t.name(), chunk).isEqualTo(new Shape(t.shape()));
                    float[] got = a.toFloatArray();
                    assertThat(got.length).isEqualTo(want.length);
                    for (int i = 0; i < want.length; i++) {
                        assertThat(Float.floatToRawIntBits(got[i])).as("%s[%d], chunk %d bytes", t.name(), i, chunk)
                                .isEqualTo(Float.floatToRawIntBits(want[i]));
                    }
                    assertThat(w.parameters()).isEqualTo(t.elementCount());
                    a.close();
                    checked++;
                }
            }
        }
        System.out.println("chunked loads compared: " + checked);
        assertThat(checked).isGreaterThan(40);
    }

    /** Tensors held in memory, in any stored type (safetensors cannot hold Q8_0; GGUF files can). */
    private static final class InMemorySource implements TensorSource {
        private final Map<String, TensorInfo> infos = new LinkedHashMap<>();
        private final Map<String, MemorySegment> data = new LinkedHashMap<>();

        void floats(String name, TensorType type, Random r, long... shape) {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            ByteBuffer b = ByteBuffer.allocate((int) type.byteLength(n)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                float v = (float) r.nextGaussian();
                switch (type) {
                    case F32 -> b.putFloat(v);
                    case F16 -> b.putShort(Float.floatToFloat16(v));
                    case BF16 -> b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                    default -> throw new IllegalArgumentException(type.toString());
                }
            }
            put(name, type, shape, b.array());
        }

        void q80(String name, Random r, long rows, long cols) {
            long n = rows * cols;
            ByteBuffer b = ByteBuffer.allocate((int) TensorType.Q8_0.byteLength(n)).order(ByteOrder.LITTLE_ENDIAN);
            for (long block = 0; block < n / 32; block++) {
                b.putShort(Float.floatToFloat16(0.01f + r.nextFloat() / 10));
                for (int j = 0; j < 32; j++) {
                    b.put((byte) (r.nextInt(255) - 127));
                }
            }
            put(name, TensorType.Q8_0, new long[] {rows, cols}, b.array());
        }

        private void put(String name, TensorType type, long[] shape, byte[] bytes) {
            infos.put(name, new TensorInfo(name, type, shape, 0, bytes.length));
            data.put(name, MemorySegment.ofArray(bytes));
        }

        @Override
        public Path path() {
            return Path.of("in-memory.safetensors");
        }

        @Override
        public List<TensorInfo> tensors() {
            return List.copyOf(infos.values());
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public Optional<TensorInfo> find(String name) {
            return Optional.ofNullable(infos.get(name));
        }

        @Override
        public MemorySegment bytes(String name) {
            return data.get(name);
        }

        @Override
        public void close() {
        }
    }
}
