package dev.protolens.engine.weights;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A checkpoint split over several safetensors files, joined by {@code model.safetensors.index.json}
 * ({@code weight_map}: tensor name to shard file). Every shard is opened and validated up front, and the
 * index must agree with what the shards actually hold.
 */
public final class ShardedSafetensors implements TensorSource {
    private final Path index;
    private final List<SafetensorsFile> shards;
    private final Map<String, SafetensorsFile> owner;
    private final Map<String, TensorInfo> infos;

    private ShardedSafetensors(Path index, List<SafetensorsFile> shards, Map<String, SafetensorsFile> owner,
                               Map<String, TensorInfo> infos) {
        this.index = index;
        this.shards = shards;
        this.owner = owner;
        this.infos = infos;
    }

    public static ShardedSafetensors open(Path indexFile) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(indexFile));
        } catch (IOException | JacksonException e) {
            throw new WeightsFormatException(indexFile, "cannot be read as JSON: " + e.getMessage());
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new WeightsFormatException(indexFile, "has no weight_map");
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> byFile = new LinkedHashMap<>();
        Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                JsonNode v = e.getValue();
                if (!v.isString() || v.asString().isBlank()) {
                    throw new WeightsFormatException(indexFile, "weight_map entry for '" + e.getKey() + "' is " + v
                            + ", not a shard file name");
                }
                String file = v.asString();
                SafetensorsFile shard = byFile.get(file);
                if (shard == null) {
                    Path p = shardPath(indexFile, dir, file);
                    if (!Files.isRegularFile(p)) {
                        throw new WeightsFormatException(indexFile, "shard " + file + " (holding '" + e.getKey()
                                + "') is missing from " + dir);
                    }
                    shard = SafetensorsFile.open(p);
                    byFile.put(file, shard);
                }
                TensorInfo t = shard.find(e.getKey()).orElse(null);
                if (t == null) {
                    throw new WeightsFormatException(indexFile, "tensor '" + e.getKey() + "' is listed in shard "
                            + file + " but that shard does not contain it");
                }
                owner.put(e.getKey(), shard);
                infos.put(e.getKey(), t);
            }
        } catch (RuntimeException ex) {
            byFile.values().forEach(SafetensorsFile::close);
            throw ex;
        }
        return new ShardedSafetensors(indexFile, new ArrayList<>(byFile.values()), owner,
                Collections.unmodifiableMap(infos));
    }

    /** The shard's path, which must be a file in the index's own folder: an index must not point elsewhere. */
    private static Path shardPath(Path indexFile, Path dir, String file) {
        Path p = null;
        if (!file.contains("/") && !file.contains("\\") && !file.startsWith(".")) {
            try {
                p = dir.resolve(file);
            } catch (InvalidPathException ex) {
                p = null;
            }
        }
        if (p == null || !dir.equals(p.getParent())) {
            throw new WeightsFormatException(indexFile, "shard name '" + file + "' must be a plain file name"
                    + " in the folder of the index");
        }
        return p;
    }

    @Override
    public Path path() {
        return index;
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(infos.values());
    }

    @Override
    public Map<String, String> metadata() {
        return shards.isEmpty() ? Map.of() : shards.getFirst().metadata();
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(infos.get(name));
    }

    @Override
    public MemorySegment bytes(String name) {
        SafetensorsFile s = owner.get(name);
        if (s == null) {
            info(name);
        }
        return s.bytes(name);
    }

    public int shardCount() {
        return shards.size();
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
