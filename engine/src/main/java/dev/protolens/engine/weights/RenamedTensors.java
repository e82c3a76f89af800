package dev.protolens.engine.weights;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Another source's tensors under other names (a GGUF file's {@code blk.0.attn_q.weight} as Hugging Face's
 * {@code model.layers.0.self_attn.q_proj.weight}), so one family's loader reads every format. Nothing is copied;
 * closing the view closes the source.
 */
public final class RenamedTensors implements TensorSource {
    private final TensorSource source;
    private final Map<String, TensorInfo> byName;
    private final Map<String, String> sourceName;

    private final Function<String, String> fileName;

    /**
     * @param rename   the new name of each source tensor (a name mapped to itself is kept as it is)
     * @param fileName the inverse of {@code rename}, so that a missing tensor is reported by its name in the file
     */
    public RenamedTensors(TensorSource source, Function<String, String> rename, Function<String, String> fileName) {
        this.source = source;
        this.fileName = fileName;
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        Map<String, String> back = new LinkedHashMap<>();
        for (TensorInfo t : source.tensors()) {
            String name = rename.apply(t.name());
            if (back.putIfAbsent(name, t.name()) != null) {
                throw new WeightsFormatException(source.path(), "tensors '" + back.get(name) + "' and '" + t.name()
                        + "' both stand for '" + name + "'");
            }
            infos.put(name, new TensorInfo(name, t.type(), t.shape(), t.offset(), t.byteLength()));
        }
        this.byName = Collections.unmodifiableMap(infos);
        this.sourceName = back;
    }

    /** The name a tensor has in the underlying file. */
    public String sourceName(String name) {
        return sourceName.getOrDefault(name, name);
    }

    @Override
    public Path path() {
        return source.path();
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(byName.values());
    }

    @Override
    public Map<String, String> metadata() {
        return source.metadata();
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            String inFile = fileName.apply(name);
            throw new WeightsFormatException(source.path(), "tensor '" + inFile + "'"
                    + (inFile.equals(name) ? "" : " (" + name + ")") + " is missing (the file has " + byName.size()
                    + " tensors)");
        }
        return t;
    }

    @Override
    public MemorySegment bytes(String name) {
        info(name);
        return source.bytes(sourceName.get(name));
    }

    @Override
    public void close() {
        source.close();
    }
}
