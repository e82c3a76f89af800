package dev.protolens.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.weights.TensorDecoder;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorSource;
import dev.protolens.engine.weights.TensorType;
import dev.protolens.engine.weights.WeightsFormatException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Moves named tensors from a {@link TensorSource} into frozen NDArrays, checking each one's shape against
 * what the architecture expects (nanoGPT's habit: a mis-shaped checkpoint fails on the tensor that does not
 * fit, by name). Values are widened to float32 in Java (BF16 through DJL kills the JVM on CPU) and copied
 * in chunks of rows, so tensors larger than one 2 GiB buffer load too.
 */
public final class WeightLoader {
    private static final long CHUNK_BYTES = 1L << 28;

    private final TensorSource source;
    private final NDManager manager;
    private final DataType target;
    private final long chunkBytes;
    private long parameters;

    public WeightLoader(TensorSource source, NDManager manager, DataType target) {
        this(source, manager, target, CHUNK_BYTES);
    }

    /** With another chunk size: tests take the chunked path with tensors of a few bytes. */
    WeightLoader(TensorSource source, NDManager manager, DataType target, long chunkBytes) {
        this.source = source;
        this.manager = manager;
        this.target = target;
        this.chunkBytes = chunkBytes;
    }

    public TensorSource source() {
        return source;
    }

    public boolean has(String name) {
        return source.contains(name);
    }

    /** Number of parameters loaded so far. */
    public long parameters() {
        return parameters;
    }

    /** Loads a tensor that must have exactly this shape. */
    public NDArray load(String name, long... expected) {
        TensorInfo t = source.info(name);
        if (!Arrays.equals(t.shape(), expected)) {
            throw new WeightsFormatException(source.path(), "tensor '" + name + "' has shape " + t.shapeString()
                    + " but this model's config needs " + Arrays.toString(expected));
        }
        return load(t, expected);
    }

    /** Loads a tensor as {@code shape}, which must have the same element count (e.g. GGUF's reversed dims). */
    public NDArray loadAs(String name, long[] stored, long[] shape) {
        TensorInfo t = source.info(name);
        if (!Arrays.equals(t.shape(), stored)) {
            throw new WeightsFormatException(source.path(), "tensor '" + name + "' has shape " + t.shapeString()
                    + " but this model's config needs " + Arrays.toString(stored));
        }
        return load(t, shape);
    }

    /** The float32 values of a tensor, checked against an expected shape (for load-time rearrangements). */
    public float[] floats(String name, long... expected) {
        TensorInfo t = source.info(name);
        if (!Arrays.equals(t.shape(), expected)) {
            throw new WeightsFormatException(source.path(), "tensor '" + name + "' has shape " + t.shapeString()
                    + " but this model's config needs " + Arrays.toString(expected));
        }
        requireFloatingPoint(t);
        float[] v = source.floats(name);
        checkFinite(name, v);
        return v;
    }

    /** Makes a frozen array from values computed at load time (fused or permuted weights). */
    public NDArray fromFloats(float[] values, long... shape) {
        parameters += values.length;
        NDArray a = manager.create(values, new Shape(shape));
        return target == DataType.FLOAT32 ? a : convert(a);
    }

    /** Counts a parameter tensor that is built from others (e.g. a fused projection) only once. */
    public void uncount(long n) {
        parameters -= n;
    }

    private NDArray convert(NDArray a) {
        NDArray c = a.toType(target, false);
        a.close();
        return c;
    }

    private NDArray load(TensorInfo t, long[] shape) {
        requireFloatingPoint(t);
        long elements = t.elementCount();
        parameters += elements;
        MemorySegment bytes = source.bytes(t.name());
        long rows = shape.length == 0 ? 1 : shape[0];
        long rowElems = rows == 0 ? 0 : elements / rows;
        long rowsPerChunk = Math.max(1, chunkBytes / Math.max(1, rowElems * 4));
        if (t.type().blockSize > 1 && rowElems % t.type().blockSize != 0) {
            rowsPerChunk = rows; // a row is not block aligned: decode in one piece (small tensors only)
        }
        if (rowsPerChunk >= rows) {
            return decodeRows(t, bytes, 0, rows, rowElems, shape);
        }
        NDList parts = new NDList();
        try {
            for (long r = 0; r < rows; r += rowsPerChunk) {
                long n = Math.min(rowsPerChunk, rows - r);
                long[] partShape = shape.clone();
                partShape[0] = n;
                parts.add(decodeRows(t, bytes, r, n, rowElems, partShape));
            }
            return NDArrays.concat(parts, 0);
        } finally {
            parts.close();
        }
    }

    private NDArray decodeRows(TensorInfo t, MemorySegment bytes, long firstRow, long rows, long rowElems, long[] shape) {
        int count = Math.toIntExact(rows * rowElems);
        long first = firstRow * rowElems;
        ByteBuffer buf = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
        if (t.type() == TensorType.F32) {
            MemorySegment.copy(bytes, first * 4, MemorySegment.ofBuffer(buf), 0, (long) count * 4);
            checkFinite(t.name(), buf);
        } else {
            float[] tmp = TensorDecoder.toFloats(t.type(), bytes, first, count);
            checkFinite(t.name(), tmp);
            buf.asFloatBuffer().put(tmp);
        }
        NDArray a = manager.create(buf, new Shape(shape), DataType.FLOAT32);
        return target == DataType.FLOAT32 ? a : convert(a);
    }

    /**
     * Integer tensors widened to floats would load "successfully" and give a garbage model (an I32 weight file is
     * quantisation codes or the wrong file, never weights ProtoLens can use as they are).
     */
    private void requireFloatingPoint(TensorInfo t) {
        if (!t.type().isFloatingPoint()) {
            throw new WeightsFormatException(source.path(), "tensor '" + t.name() + "' is stored as " + t.type()
                    + " integers; model weights must be floating point (F32, F16, BF16, F64, Q8_0 or Q4_0)");
        }
    }

    /**
     * Larger than any trained weight by orders of magnitude (they stay within a few hundred); such a value is
     * finite but overflows to infinity in the first matrix product, so it is refused as damage at load rather
     * than met as a NaN loss before the first update. The scan is the one the finiteness check already makes.
     */
    static final float MAX_ABS_WEIGHT = 1e8f;

    private void checkFinite(String name, float[] v) {
        for (float x : v) {
            check(name, x);
        }
    }

    private void checkFinite(String name, ByteBuffer b) {
        var fb = b.asFloatBuffer();
        for (int i = 0, n = fb.limit(); i < n; i++) {
            check(name, fb.get(i));
        }
    }

    private void check(String name, float x) {
        if (!(Math.abs(x) <= MAX_ABS_WEIGHT)) {
            throw new WeightsFormatException(source.path(), "tensor '" + name + "' contains "
                    + (Float.isFinite(x) ? "the value " + x + ", far beyond any trained weight (at most "
                    + MAX_ABS_WEIGHT + " is accepted), so the model would produce non-finite values"
                    : "NaN or infinite values") + "; the file is damaged");
        }
    }
}
