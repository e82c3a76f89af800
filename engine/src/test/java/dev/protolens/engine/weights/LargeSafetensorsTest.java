package dev.protolens.engine.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.protolens.engine.model.WeightLoader;
import dev.protolens.engine.runtime.EngineRuntime;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A safetensors file over 2 GiB, made sparse (only the header and a few values take disk space): a 2 GiB
 * filler tensor, then small F32 and BF16 tensors that lie beyond byte 2^31 of the data area. The mapped
 * reader and WeightLoader must read them exactly: a reader built on int offsets or one ByteBuffer fails here.
 */
class LargeSafetensorsTest {
    private static final long FILLER = (1L << 31) + 1001; // odd, so the tensors after it are not 4-byte aligned
    private static final float[] FAR = {1.5f, -2.25f, 3.0e-38f, Float.MIN_VALUE, -0.0f, 65504f, 1e7f, 7f}; // 1e7: large, yet below the 1e8 a trained weight may hold (ModelLoader refuses more)
    private static final float[] FAR_BF16 = {1f, -3f, 0.5f, 256f};

    @TempDir
    Path tmp;

    @Test
    void valuesBeyondTwoGibibytesReadExactly() throws IOException {
        Path f = tmp.resolve("large.safetensors");
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"filler\":{\"dtype\":\"U8\",\"shape\":[" + FILLER + "],\"data_offsets\":[0," + FILLER + "]},"
                + "\"far\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[" + FILLER + "," + (FILLER + 32) + "]},"
                + "\"far_bf16\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[" + (FILLER + 32) + ","
                + (FILLER + 40) + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        long data = 8 + header.length;
        long size = data + FILLER + 40;
        long freeBefore = Files.getFileStore(tmp).getUsableSpace();
        try {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(size);
                ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(header.length).put(header);
                raf.write(b.array());
                raf.seek(data + FILLER - 3);
                raf.write(new byte[] {11, 22, 33});
                ByteBuffer v = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : FAR) {
                    v.putFloat(x);
                }
                for (float x : FAR_BF16) {
                    v.putShort((short) (Float.floatToRawIntBits(x) >>> 16));
                }
                raf.write(v.array());
            } catch (IOException e) {
                assumeTrue(false, "skipped: cannot make a " + size + "-byte sparse file in " + tmp + " (" + e
                        + "); this test needs a filesystem with sparse files");
            }
            long used = freeBefore - Files.getFileStore(tmp).getUsableSpace();
            assumeTrue(used < (1L << 30), "skipped: the filesystem of " + tmp + " wrote " + used
                    + " bytes for a sparse file (it cannot make sparse files); a >2 GiB file would fill the disk");
            assertThat(Files.size(f)).isGreaterThan(1L << 31);
            System.out.printf("sparse file of %d bytes took %d bytes of disk; tensors 'far' and 'far_bf16' at data"
                    + " offset %d%n", Files.size(f), Math.max(0, used), FILLER);

            try (SafetensorsFile s = SafetensorsFile.open(f)) {
                assertThat(s.info("far").offset()).isGreaterThan(Integer.MAX_VALUE);
                assertThat(s.floats("far")).containsExactly(FAR);
                assertThat(s.floats("far_bf16")).containsExactly(FAR_BF16);
                MemorySegment filler = s.bytes("filler");
                assertThat(filler.byteSize()).isEqualTo(FILLER);
                assertThat(filler.get(ValueLayout.JAVA_BYTE, FILLER - 3)).isEqualTo((byte) 11);
                assertThat(filler.get(ValueLayout.JAVA_BYTE, FILLER - 1)).isEqualTo((byte) 33);
                assertThat(filler.get(ValueLayout.JAVA_BYTE, 1L << 31)).isZero();

                try (NDManager m = EngineRuntime.get().newManager()) {
                    WeightLoader w = new WeightLoader(s, m, DataType.FLOAT32);
                    NDArray a = w.load("far", 2, 4);
                    assertThat(a.toFloatArray()).containsExactly(FAR);
                    assertThat(w.load("far_bf16", 4).toFloatArray()).containsExactly(FAR_BF16);
                }
            }
            // cut one byte off the end: the last tensor now ends past the data area, beyond 2^31
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(size - 1);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SafetensorsFile.open(f))
                    .isInstanceOf(WeightsFormatException.class)
                    .hasMessageContaining("'far_bf16'").hasMessageContaining("data ends at byte " + (FILLER + 40));
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
