package dev.protolens.engine.weights;

/**
 * Element types of stored tensors. Quantised types are stored in blocks: {@code blockSize} elements take
 * {@code blockBytes} bytes. Everything is widened to float32 before it reaches the model.
 */
public enum TensorType {
    F32(1, 4),
    F16(1, 2),
    BF16(1, 2),
    F64(1, 8),
    I64(1, 8),
    I32(1, 4),
    I16(1, 2),
    I8(1, 1),
    U8(1, 1),
    BOOL(1, 1),
    /** llama.cpp block of 32: one f16 scale, 32 int8 values. */
    Q8_0(32, 34),
    /** llama.cpp block of 32: one f16 scale, 16 bytes of 4-bit values (low nibbles first), value = (q - 8) * scale. */
    Q4_0(32, 18);

    public final int blockSize;
    public final int blockBytes;

    TensorType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16 || this == F64 || this == Q8_0 || this == Q4_0;
    }

    /** Bytes taken by {@code elements} values, or -1 when the count is not a whole number of blocks. */
    public long byteLength(long elements) {
        if (elements % blockSize != 0) {
            return -1;
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }
}
