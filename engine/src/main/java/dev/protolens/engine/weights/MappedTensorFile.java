package dev.protolens.engine.weights;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What safetensors and GGUF files share: the whole file memory-mapped through the FFM API (so files over 2 GiB
 * work), a validated header, and tensors that are slices of one data area, valid until {@link #close()}.
 */
abstract sealed class MappedTensorFile implements TensorSource permits SafetensorsFile, GgufFile {
    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, TensorInfo> tensors;

    /** @param tensors by name, in file order; offsets relative to {@code data} and already checked against it */
    MappedTensorFile(Path path, Arena arena, MemorySegment data, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.tensors = tensors;
    }

    interface HeaderParser<T> {
        T parse(MemorySegment file, Arena arena);
    }

    /**
     * Maps {@code path} and hands the mapping to {@code parser}; the mapping is released when the file is too
     * short, cannot be read or the parser refuses it.
     */
    static <T> T map(Path path, long minSize, String format, HeaderParser<T> parser) {
        if (Files.isDirectory(path)) {
            throw new WeightsFormatException(path.toAbsolutePath() + " is a folder, not a " + format + " file");
        }
        if (!Files.isRegularFile(path)) {
            throw new WeightsFormatException(path.toAbsolutePath() + ": no such file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < minSize) {
                throw new WeightsFormatException(path, "not a " + format + " file (only " + size + " bytes)");
            }
            return parser.parse(ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena), arena);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new WeightsFormatException(path.toAbsolutePath() + ": no such file");
        } catch (IOException e) {
            arena.close();
            throw new WeightsFormatException(path, "cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public MemorySegment bytes(String name) {
        TensorInfo t = info(name);
        return data.asSlice(t.offset(), t.byteLength());
    }

    @Override
    public void close() {
        arena.close();
    }
}
