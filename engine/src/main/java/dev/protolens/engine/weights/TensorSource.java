package dev.protolens.engine.weights;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A set of named tensors read from disk (a safetensors file or shard set, or a GGUF file). Everything is
 * validated when the source is opened, before any tensor data is touched; the data stays memory-mapped
 * and is decoded on request, so opening a 16 GB checkpoint costs only its header.
 */
public interface TensorSource extends AutoCloseable {

    /** The file (or index file / folder) this was read from, for messages. */
    Path path();

    /** Every tensor, in file order. */
    List<TensorInfo> tensors();

    /** String-valued metadata (safetensors {@code __metadata__}; for GGUF see its own API). */
    Map<String, String> metadata();

    Optional<TensorInfo> find(String name);

    /** The tensor's description, or an error that names the missing tensor and the file. */
    default TensorInfo info(String name) {
        return find(name).orElseThrow(() -> new WeightsFormatException(path(),
                "tensor '" + name + "' is missing (the file has " + tensors().size() + " tensors)"));
    }

    default boolean contains(String name) {
        return find(name).isPresent();
    }

    /** The raw stored bytes of a tensor (a view of the mapped file; valid until {@link #close()}). */
    MemorySegment bytes(String name);

    /**
     * The tensor's values widened to float32 (dequantised where quantised), in the stored element order.
     * Throws for tensors over 2^31-1 elements; use {@link TensorDecoder} on {@link #bytes} row-chunks then.
     */
    default float[] floats(String name) {
        TensorInfo t = info(name);
        return TensorDecoder.toFloats(t.type(), bytes(name), 0, Math.toIntExact(t.elementCount()));
    }

    @Override
    void close();
}
