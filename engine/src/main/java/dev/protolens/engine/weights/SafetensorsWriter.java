package dev.protolens.engine.weights;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the safetensors layout (F32 and I64 tensors, optional string metadata). Used for run vectors
 * (readable from Python with {@code safetensors} alone), exports, and the tiny models tests generate.
 * It writes to the stream it is given; atomic replacement is the caller's concern.
 */
public final class SafetensorsWriter {
    private record Entry(String dtype, long[] shape, byte[] data) {}

    private final Map<String, Entry> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public SafetensorsWriter f32(String name, float[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return put(name, "F32", shape, b.array());
    }

    public SafetensorsWriter i64(String name, long[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return put(name, "I64", shape, b.array());
    }

    /** BF16 by round-to-nearest-even of float32 values (how torch's {@code .to(bfloat16)} rounds). */
    public SafetensorsWriter bf16(String name, float[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(toBf16(v));
        }
        return put(name, "BF16", shape, b.array());
    }

    public SafetensorsWriter f16(String name, float[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(Float.floatToFloat16(v));
        }
        return put(name, "F16", shape, b.array());
    }

    public SafetensorsWriter raw(String name, String dtype, long[] shape, byte[] data) {
        return put(name, dtype, shape, data);
    }

    public static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private SafetensorsWriter put(String name, String dtype, long[] shape, byte[] data) {
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' written twice");
        }
        tensors.put(name, new Entry(dtype, shape.clone(), data));
        return this;
    }

    private static void checkCount(String name, int n, long[] shape) {
        long c = 1;
        for (long s : shape) {
            c *= s;
        }
        if (c != n) {
            throw new IllegalArgumentException("tensor '" + name + "': " + n + " values for shape " + java.util.Arrays.toString(shape));
        }
    }

    public byte[] toBytes() {
        ObjectNode header = new ObjectMapper().createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", e.getValue().dtype);
            ArrayNode s = t.putArray("shape");
            for (long d : e.getValue().shape) {
                s.add(d);
            }
            ArrayNode o = t.putArray("data_offsets");
            o.add(offset);
            offset += e.getValue().data.length;
            o.add(offset);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // keep tensor data 8-byte aligned, as the format recommends
        int headerLen = json.length + pad;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + headerLen + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerLen);
        out.put(json);
        for (int i = 0; i < pad; i++) {
            out.put((byte) ' ');
        }
        for (Entry e : tensors.values()) {
            out.put(e.data);
        }
        return out.array();
    }

    public void writeTo(OutputStream os) throws IOException {
        os.write(toBytes());
    }

    public void writeTo(Path file) throws IOException {
        Files.write(file, toBytes());
    }
}
