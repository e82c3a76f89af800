package dev.protolens.engine.weights;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Widening of stored element types to float32. All stored formats we read are little-endian. */
public final class TensorDecoder {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TensorDecoder() {}

    /**
     * Decodes {@code count} elements starting at element {@code first} (a multiple of the block size for
     * quantised types) of a tensor whose bytes are {@code src}.
     */
    public static float[] toFloats(TensorType type, MemorySegment src, long first, int count) {
        float[] out = new float[count];
        decode(type, src, first, out, 0, count);
        return out;
    }

    public static void decode(TensorType type, MemorySegment src, long first, float[] out, int outOffset, int count) {
        switch (type) {
            case F32 -> MemorySegment.copy(src, F32, first * 4, out, outOffset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = Float.float16ToFloat(src.get(I16, (first + i) * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = bf16ToFloat(src.get(I16, (first + i) * 2));
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = (float) src.get(F64, (first + i) * 8);
                }
            }
            case I64 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = src.get(I64, (first + i) * 8);
                }
            }
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = src.get(I32, (first + i) * 4);
                }
            }
            case I16 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = src.get(I16, (first + i) * 2);
                }
            }
            case I8 -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = src.get(ValueLayout.JAVA_BYTE, first + i);
                }
            }
            case U8, BOOL -> {
                for (int i = 0; i < count; i++) {
                    out[outOffset + i] = Byte.toUnsignedInt(src.get(ValueLayout.JAVA_BYTE, first + i));
                }
            }
            case Q8_0 -> decodeQ80(src, first, out, outOffset, count);
            case Q4_0 -> decodeQ40(src, first, out, outOffset, count);
        }
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    private static void decodeQ80(MemorySegment src, long first, float[] out, int outOffset, int count) {
        requireBlockAligned(first, count, 32);
        long block = first / 32;
        for (int b = 0; b < count / 32; b++) {
            long base = (block + b) * 34;
            float scale = Float.float16ToFloat(src.get(I16, base));
            for (int j = 0; j < 32; j++) {
                out[outOffset + b * 32 + j] = src.get(ValueLayout.JAVA_BYTE, base + 2 + j) * scale;
            }
        }
    }

    private static void decodeQ40(MemorySegment src, long first, float[] out, int outOffset, int count) {
        requireBlockAligned(first, count, 32);
        long block = first / 32;
        for (int b = 0; b < count / 32; b++) {
            long base = (block + b) * 18;
            float scale = Float.float16ToFloat(src.get(I16, base));
            int o = outOffset + b * 32;
            for (int j = 0; j < 16; j++) {
                int q = Byte.toUnsignedInt(src.get(ValueLayout.JAVA_BYTE, base + 2 + j));
                out[o + j] = ((q & 0x0f) - 8) * scale;
                out[o + j + 16] = ((q >>> 4) - 8) * scale;
            }
        }
    }

    private static void requireBlockAligned(long first, int count, int block) {
        if (first % block != 0 || count % block != 0) {
            throw new IllegalArgumentException("quantised tensors decode in whole blocks of " + block);
        }
    }
}
