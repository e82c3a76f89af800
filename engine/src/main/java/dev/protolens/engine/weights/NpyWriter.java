package dev.protolens.engine.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * NumPy's {@code .npy} format, version 1.0: the magic string, a Python-literal header with dtype, order and shape,
 * padded so the data starts on a 64-byte boundary (as {@code numpy.save} does), then the values little-endian in C
 * order. {@code numpy.load} reads it with nothing else installed.
 */
public final class NpyWriter {
    private NpyWriter() {}

    public static byte[] f32(float[] values, long... shape) {
        check(values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return withHeader("<f4", shape, b.array());
    }

    public static byte[] i64(long[] values, long... shape) {
        check(values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return withHeader("<i8", shape, b.array());
    }

    private static byte[] withHeader(String descr, long[] shape, byte[] data) {
        StringBuilder s = new StringBuilder("(");
        for (long d : shape) {
            s.append(d).append(", ");
        }
        if (shape.length > 1) {
            s.setLength(s.length() - 2); // (3, 4) but (3,) for one axis, as Python writes tuples
        } else if (shape.length == 1) {
            s.setLength(s.length() - 1);
        }
        s.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) h.length);
        out.put(h);
        out.put(data);
        return out.array();
    }

    private static void check(int n, long[] shape) {
        long c = 1;
        for (long d : shape) {
            c *= d;
        }
        if (c != n) {
            throw new IllegalArgumentException(n + " values for shape " + java.util.Arrays.toString(shape));
        }
    }
}
