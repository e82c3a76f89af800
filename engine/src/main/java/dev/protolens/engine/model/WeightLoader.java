package dev.protolens.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.weights.TensorDecoder;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorSource;
import dev.protolens.engine.weights.TensorType;
import dev.protolens.engine.weights.WeightsFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Moves named tensors from a {@link TensorSource} into frozen NDArrays, checking each one's shape against
 * what the architecture expects (nanoGPT's habit: a mis-shaped checkpoint fails on the tensor that does not
 * fit, by name). Values are widened to float32 in Java (BF16 through DJL kills the JVM on CPU).
 *
 * <p>Each tensor is copied once, from the mapped file straight into memory that libtorch allocated for it, in
 * chunks of rows (so tensors larger than one 2 GiB buffer load too), and the file pages a chunk came from are
 * dropped from the process at once. Loading therefore peaks at the weights plus one chunk of file pages. Two
 * easier routes cost a copy of the whole model each (issue 17, measured on the Llama-3.2-1B shape): an array
 * made from a Java direct buffer keeps that buffer as its memory, freed only when the garbage collector gets to
 * it, so every temporary (row chunks, the parts of a fused projection) stayed resident after it was closed; and
 * the mapped pages stayed resident until the file was closed after the last tensor.
 */
public final class WeightLoader {
    /** The most file pages one tensor holds at a time while it loads (a quarter of a GiB). */
    public static final long CHUNK_BYTES = 1L << 28;
    /** Elements widened at a time from a half or quantised type (a multiple of every block size). */
    private static final int DECODE_PIECE = 1 << 16;
    /**
     * A float in the array's (native) order. Stored F32 values are little-endian, like every machine libtorch runs
     * on here, so they are copied as they are.
     */
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

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

    /**
     * A hand count of what loading holds beside the finished weights at its peak: one chunk of mapped file pages
     * (at most the largest tensor, the embedding), or Llama's gate and up projections while they are fused into
     * one, whichever is larger.
     */
    public static long heldBesideWeights(ModelConfig c) {
        long embedding = 4L * c.vocabSize() * c.hiddenSize();
        long fusedParts = 4L * 2 * c.intermediateSize() * c.hiddenSize();
        return Math.max(Math.min(CHUNK_BYTES, embedding), fusedParts);
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
        release(source.bytes(name));
        checkFinite(name, v);
        return v;
    }

    /** Makes a frozen array from values computed at load time (fused or permuted weights). */
    public NDArray fromFloats(float[] values, long... shape) {
        if (values.length != new Shape(shape).size()) {
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        }
        parameters += values.length;
        return filled(shape, 1, (dst, first, count) ->
                MemorySegment.copy(values, Math.toIntExact(first), dst, FLOAT, 0, Math.toIntExact(count)));
    }

    /** Counts a parameter tensor that is built from others (e.g. a fused projection) only once. */
    public void uncount(long n) {
        parameters -= n;
    }

    private NDArray load(TensorInfo t, long[] shape) {
        requireFloatingPoint(t);
        parameters += t.elementCount();
        MemorySegment bytes = source.bytes(t.name());
        TensorType type = t.type();
        return filled(shape, type.blockSize, (dst, first, count) -> {
            if (type == TensorType.F32) {
                MemorySegment.copy(bytes, first * 4, dst, 0, count * 4);
            } else {
                float[] piece = new float[(int) Math.min(DECODE_PIECE, count)];
                for (long done = 0; done < count; done += piece.length) {
                    int n = (int) Math.min(piece.length, count - done);
                    TensorDecoder.decode(type, bytes, first + done, piece, 0, n);
                    MemorySegment.copy(piece, 0, dst, FLOAT, done * 4, n);
                }
            }
            checkFinite(t.name(), dst);
            release(bytes.asSlice(type.byteLength(first), type.byteLength(count)));
        });
    }

    /** Writes the float32 values of elements {@code [first, first + count)} into {@code dst}. */
    private interface RowFiller {
        void fill(MemorySegment dst, long first, long count);
    }

    /**
     * A float32 array of {@code shape} in libtorch's own memory, filled chunk of rows by chunk of rows through a
     * view of that memory, then converted to the compute type. Chunks start on a row; where a row is not a whole
     * number of {@code block}s (quantised types) the tensor is filled in one piece. On a GPU the array is filled in
     * host memory and copied over, one tensor at a time.
     */
    private NDArray filled(long[] shape, int block, RowFiller filler) {
        long elements = 1;
        for (long s : shape) {
            elements *= s;
        }
        long rows = shape.length == 0 ? 1 : shape[0];
        long rowElems = rows == 0 ? 0 : elements / rows;
        long rowsPerChunk = Math.max(1, chunkBytes / Math.max(1, rowElems * 4));
        if (block > 1 && rowElems % block != 0) {
            rowsPerChunk = rows;
        }
        Device device = manager.getDevice();
        boolean onHost = device.getDeviceType().equals(Device.Type.CPU);
        NDManager host = onHost ? manager : manager.newSubManager(Device.cpu());
        NDArray a = host.create(new Shape(shape), DataType.FLOAT32);
        try {
            if (elements > 0 && rowsPerChunk >= rows) {
                filler.fill(memoryOf(a), 0, elements);
            } else if (elements > 0) {
                for (long r = 0; r < rows; r += rowsPerChunk) {
                    long n = Math.min(rowsPerChunk, rows - r);
                    try (NDArray view = a.get(new NDIndex("{}:{}", r, r + n))) {
                        filler.fill(memoryOf(view), r * rowElems, n * rowElems);
                    }
                }
            }
            if (!onHost) {
                NDArray d = a.toDevice(device, false);
                d.attach(manager);
                a.close();
                a = d;
            }
        } catch (RuntimeException | Error e) {
            a.close();
            throw e;
        } finally {
            if (!onHost) {
                host.close();
            }
        }
        return target == DataType.FLOAT32 ? a : convert(a);
    }

    /** The memory of a contiguous float32 host array, writable in place. */
    private static MemorySegment memoryOf(NDArray a) {
        ByteBuffer b = a.toByteBuffer(true);
        if (!b.isDirect() || b.capacity() != a.size() * 4) {
            // DJL hands back a copy for arrays that are not contiguous; writing into it would leave the array unwritten
            throw new IllegalStateException("no direct view of a " + a.getShape() + " array");
        }
        return MemorySegment.ofBuffer(b);
    }

    /**
     * Drops mapped file pages already copied out: until the file is closed they would count in the process's
     * resident memory beside the arrays made from them. Touching them again maps them again from the page cache.
     */
    private static void release(MemorySegment stored) {
        if (stored.isMapped()) {
            stored.unload();
        }
    }

    private NDArray convert(NDArray a) {
        NDArray c = a.toType(target, false);
        a.close();
        return c;
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

    private void checkFinite(String name, MemorySegment m) {
        for (long i = 0, n = m.byteSize() / 4; i < n; i++) {
            check(name, m.getAtIndex(FLOAT, i));
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
