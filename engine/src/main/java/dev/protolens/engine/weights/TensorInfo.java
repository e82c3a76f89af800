package dev.protolens.engine.weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One stored tensor: its name in the file, element type, shape (outermost first, as PyTorch writes it; GGUF's
 * innermost-first {@code ne} is reversed into this order) and where its bytes lie in the file's data area.
 */
public record TensorInfo(String name, TensorType type, long[] shape, long offset, long byteLength) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Refuses a file whose tensors share bytes (a header that lies about offsets). */
    static void requireNoOverlap(Path file, List<TensorInfo> list) {
        List<TensorInfo> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingLong(TensorInfo::offset));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (b.offset() < a.offset() + a.byteLength()) {
                throw new WeightsFormatException(file, "tensors '" + a.name() + "' and '" + b.name() + "' overlap");
            }
        }
    }

    public long elementCount() {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && type == t.type
                && Arrays.equals(shape, t.shape) && offset == t.offset && byteLength == t.byteLength;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + shapeString();
    }
}
