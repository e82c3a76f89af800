package dev.protolens.engine.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes GGUF files for tests, written from the format description (not from the reader): versions 1 (32-bit
 * counts, lengths and dims) and 2/3 (64-bit), every metadata type including nested arrays, and tensors of the
 * five types ProtoLens reads, quantised the way ggml's reference quantisers do. It records where each count,
 * length, dimension, type and offset field lies, so fuzz tests can aim at them.
 */
public final class GgufWriter {
    /** GGUF value type ids. */
    public static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;
    /** ggml type ids. */
    public static final int F32 = 0, F16 = 1, Q4_0 = 2, Q8_0 = 8, BF16 = 30;

    /** Positions of the header fields in the written bytes. */
    public record Layout(List<Integer> counts, List<Integer> stringLengths, List<Integer> dims, List<Integer> types,
                         List<Integer> offsets, int headerEnd, int dataStart) {}

    private record Kv(String key, int type, Object value) {}

    private record Tensor(String name, long[] ne, int type, byte[] data) {}

    private final int version;
    private final List<Kv> kvs = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int alignment = 32;

    public GgufWriter(int version) {
        this.version = version;
    }

    public GgufWriter alignment(int a) {
        alignment = a;
        return kv("general.alignment", UINT32, (long) a);
    }

    /** Replaces the value of an existing key, keeping its type. */
    public GgufWriter replace(String key, Object value) {
        for (int i = 0; i < kvs.size(); i++) {
            if (kvs.get(i).key.equals(key)) {
                kvs.set(i, new Kv(key, kvs.get(i).type, value));
                return this;
            }
        }
        throw new IllegalArgumentException("no key " + key);
    }

    /** Adds a string-valued key. */
    public GgufWriter add(String key, String value) {
        return string(key, value);
    }

    /** Leaves a tensor out. */
    public GgufWriter drop(String tensor) {
        if (!tensors.removeIf(t -> t.name.equals(tensor))) {
            throw new IllegalArgumentException("no tensor " + tensor);
        }
        return this;
    }

    /** A scalar (Long for integers, Float/Double, Boolean, String) or an array ({@link #array}). */
    public GgufWriter kv(String key, int type, Object value) {
        kvs.add(new Kv(key, type, value));
        return this;
    }

    public GgufWriter string(String key, String value) {
        return kv(key, STRING, value);
    }

    public GgufWriter u32(String key, long value) {
        return kv(key, UINT32, value);
    }

    public GgufWriter f32(String key, float value) {
        return kv(key, FLOAT32, value);
    }

    public GgufWriter strings(String key, List<String> values) {
        return kv(key, ARRAY, array(STRING, values));
    }

    /** An array value: element type and a List of element values (Lists of {@link Array} for nested ones). */
    public record Array(int elementType, List<?> items) {}

    public static Array array(int elementType, List<?> items) {
        return new Array(elementType, items);
    }

    /** A tensor with ggml dims {@code ne} (innermost first) and its stored bytes. */
    public GgufWriter tensor(String name, int ggmlType, long[] ne, byte[] data) {
        tensors.add(new Tensor(name, ne.clone(), ggmlType, data));
        return this;
    }

    /** A tensor given in PyTorch shape order with float values, encoded as {@code ggmlType}. */
    public GgufWriter tensor(String name, int ggmlType, float[] values, long... shape) {
        long[] ne = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            ne[i] = shape[shape.length - 1 - i];
        }
        return tensor(name, ggmlType, ne, encode(ggmlType, values));
    }

    public Layout write(Path path) {
        Out o = new Out();
        byte[] b = bytes(o);
        try {
            Files.write(path, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return o.layout;
    }

    public byte[] toBytes() {
        return bytes(new Out());
    }

    private byte[] bytes(Out o) {
        o.raw(new byte[] {'G', 'G', 'U', 'F'});
        o.u32(version);
        o.count(tensors.size());
        o.count(kvs.size());
        for (Kv kv : kvs) {
            o.string(kv.key);
            o.u32(kv.type);
            o.value(kv.type, kv.value);
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Tensor t : tensors) {
            o.string(t.name);
            o.u32(t.ne.length);
            for (long d : t.ne) {
                o.dims.add(o.size());
                if (version == 1) {
                    o.u32(d);
                } else {
                    o.u64(d);
                }
            }
            o.types.add(o.size());
            o.u32(t.type);
            o.offsets.add(o.size());
            o.u64(offset);
            offsets.add(offset);
            offset += pad(t.data.length);
        }
        int headerEnd = o.size();
        while (o.size() % alignment != 0) {
            o.buf.write(0);
        }
        int dataStart = o.size();
        for (int i = 0; i < tensors.size(); i++) {
            byte[] d = tensors.get(i).data;
            o.buf.write(d, 0, d.length);
            if (i + 1 < tensors.size()) {
                for (long p = d.length; p < pad(d.length); p++) {
                    o.buf.write(0);
                }
            }
        }
        o.layout = new Layout(o.counts, o.stringLengths, o.dims, o.types, o.offsets, headerEnd, dataStart);
        return o.buf.toByteArray();
    }

    private long pad(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private final class Out {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final List<Integer> counts = new ArrayList<>();
        final List<Integer> stringLengths = new ArrayList<>();
        final List<Integer> dims = new ArrayList<>();
        final List<Integer> types = new ArrayList<>();
        final List<Integer> offsets = new ArrayList<>();
        Layout layout;

        int size() {
            return buf.size();
        }

        void raw(byte[] b) {
            buf.write(b, 0, b.length);
        }

        void le(long v, int n) {
            for (int i = 0; i < n; i++) {
                buf.write((int) (v >>> (8 * i)) & 0xff);
            }
        }

        void u32(long v) {
            le(v, 4);
        }

        void u64(long v) {
            le(v, 8);
        }

        void count(long n) {
            counts.add(size());
            le(n, version == 1 ? 4 : 8);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            stringLengths.add(size());
            le(b.length, version == 1 ? 4 : 8);
            raw(b);
        }

        void value(int type, Object v) {
            switch (type) {
                case UINT8, INT8 -> le(((Number) v).longValue(), 1);
                case UINT16, INT16 -> le(((Number) v).longValue(), 2);
                case UINT32, INT32 -> le(((Number) v).longValue(), 4);
                case UINT64, INT64 -> le(((Number) v).longValue(), 8);
                case FLOAT32 -> le(Float.floatToRawIntBits(((Number) v).floatValue()), 4);
                case FLOAT64 -> le(Double.doubleToRawLongBits(((Number) v).doubleValue()), 8);
                case BOOL -> le(((Boolean) v) ? 1 : 0, 1);
                case STRING -> string((String) v);
                case ARRAY -> {
                    Array a = (Array) v;
                    u32(a.elementType);
                    count(a.items.size());
                    for (Object item : a.items) {
                        value(a.elementType, item);
                    }
                }
                default -> throw new IllegalArgumentException("type " + type);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ encoders

    public static byte[] encode(int ggmlType, float[] x) {
        return switch (ggmlType) {
            case F32 -> {
                ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : x) {
                    b.putFloat(v);
                }
                yield b.array();
            }
            case F16 -> {
                ByteBuffer b = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : x) {
                    b.putShort(Float.floatToFloat16(v));
                }
                yield b.array();
            }
            case BF16 -> {
                ByteBuffer b = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : x) {
                    int u = Float.floatToRawIntBits(v);
                    b.putShort((short) ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16)); // round to nearest even
                }
                yield b.array();
            }
            case Q8_0 -> q8(x);
            case Q4_0 -> q4(x);
            default -> throw new IllegalArgumentException("ggml type " + ggmlType);
        };
    }

    /** ggml's quantize_row_q8_0_ref: d = max|x| / 127, q = round(x / d). */
    private static byte[] q8(float[] x) {
        ByteBuffer b = ByteBuffer.allocate(x.length / 32 * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < x.length / 32; i++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[i * 32 + j]));
            }
            float d = amax / 127;
            float id = d != 0 ? 1 / d : 0;
            b.putShort(Float.floatToFloat16(d));
            for (int j = 0; j < 32; j++) {
                b.put((byte) Math.round(x[i * 32 + j] * id));
            }
        }
        return b.array();
    }

    /** ggml's quantize_row_q4_0_ref: d = (value of largest magnitude) / -8, q = min(15, (int)(x / d + 8.5)). */
    private static byte[] q4(float[] x) {
        ByteBuffer b = ByteBuffer.allocate(x.length / 32 * 18).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < x.length / 32; i++) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[i * 32 + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1 / d : 0;
            b.putShort(Float.floatToFloat16(d));
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (int) (x[i * 32 + j] * id + 8.5f));
                int q1 = Math.min(15, (int) (x[i * 32 + 16 + j] * id + 8.5f));
                b.put((byte) (q0 | (q1 << 4)));
            }
        }
        return b.array();
    }
}
