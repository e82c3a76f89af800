package dev.protolens.engine.weights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header, then the data.
 * The whole file is memory-mapped through the FFM API (so files over 2 GiB work) and every header field
 * is validated before any tensor byte is read: offsets inside the data area, shape x element size equal to
 * the byte length, no two tensors overlapping.
 */
public final class SafetensorsFile extends MappedTensorFile {
    /** Headers larger than this are refused (the format's own reference implementation uses 100 MB). */
    static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment data, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        super(path, arena, data, tensors);
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        return map(path, 8, "safetensors", (file, arena) -> read(path, file, arena));
    }

    /**
     * A small file already read into memory (a run's vectors, once its checksum matched), validated the same
     * way; {@code path} only names it in messages. Close it on the thread that opened it.
     */
    public static SafetensorsFile of(Path path, byte[] bytes) {
        if (bytes.length < 8) {
            throw new WeightsFormatException(path, "not a safetensors file (only " + bytes.length + " bytes)");
        }
        // a confined arena is free to close; the bytes stay on the heap and the arena only marks the lifetime
        Arena arena = Arena.ofConfined();
        try {
            return read(path, MemorySegment.ofArray(bytes), arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static SafetensorsFile read(Path path, MemorySegment file, Arena arena) {
        long size = file.byteSize();
        long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen <= 0 || headerLen > MAX_HEADER) {
            throw new WeightsFormatException(path, "not a safetensors file (header length " + headerLen
                    + " is outside 1.." + MAX_HEADER + ")");
        }
        if (8 + headerLen > size) {
            throw new WeightsFormatException(path, "truncated: the header says " + headerLen
                    + " bytes but the file has only " + (size - 8) + " after the length field");
        }
        byte[] headerBytes = file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        MemorySegment dataArea = file.asSlice(8 + headerLen);
        Header h = parseHeader(path, headerBytes, dataArea.byteSize());
        return new SafetensorsFile(path, arena, dataArea, h.tensors, h.metadata);
    }

    private record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {}

    static Header parseHeader(Path path, byte[] headerBytes, long dataSize) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WeightsFormatException(path, "header is not UTF-8 text; the file is not safetensors or is damaged");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text.strip());
        } catch (JacksonException e) {
            throw new WeightsFormatException(path, "header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new WeightsFormatException(path, "header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new WeightsFormatException(path, "__metadata__ must be an object of strings");
                }
                for (Map.Entry<String, JsonNode> m : v.properties()) {
                    if (!m.getValue().isString()) {
                        throw new WeightsFormatException(path, "__metadata__." + m.getKey() + " must be a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asString());
                }
                continue;
            }
            list.add(parseTensor(path, name, v, dataSize));
        }
        TensorInfo.requireNoOverlap(path, list);
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        list.stream().sorted(Comparator.comparingLong(TensorInfo::offset)).forEach(t -> byName.put(t.name(), t));
        return new Header(Collections.unmodifiableMap(byName), Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo parseTensor(Path path, String name, JsonNode v, long dataSize) {
        String where = "tensor '" + name + "'";
        if (!v.isObject()) {
            throw new WeightsFormatException(path, where + ": entry is not an object");
        }
        JsonNode dt = v.get("dtype");
        JsonNode shapeNode = v.get("shape");
        JsonNode offs = v.get("data_offsets");
        if (dt == null || !dt.isString()) {
            throw new WeightsFormatException(path, where + ": missing dtype");
        }
        TensorType type = switch (dt.asString()) {
            case "F32" -> TensorType.F32;
            case "F16" -> TensorType.F16;
            case "BF16" -> TensorType.BF16;
            case "F64" -> TensorType.F64;
            case "I64" -> TensorType.I64;
            case "I32" -> TensorType.I32;
            case "I16" -> TensorType.I16;
            case "I8" -> TensorType.I8;
            case "U8" -> TensorType.U8;
            case "BOOL" -> TensorType.BOOL;
            default -> throw new WeightsFormatException(path, where + ": dtype " + dt.asString()
                    + " is not supported (ProtoLens reads F32, F16, BF16 weights)");
        };
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new WeightsFormatException(path, where + ": missing shape");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.isIntegralNumber() || !s.canConvertToLong() || s.asLong() < 0) {
                throw new WeightsFormatException(path, where + ": shape " + shapeNode + " has an invalid dimension");
            }
            shape[i] = s.asLong();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException ex) {
                throw new WeightsFormatException(path, where + ": shape " + shapeNode + " is too large");
            }
        }
        if (offs == null || !offs.isArray() || offs.size() != 2 || !offs.get(0).isIntegralNumber()
                || !offs.get(1).isIntegralNumber() || !offs.get(0).canConvertToLong() || !offs.get(1).canConvertToLong()) {
            throw new WeightsFormatException(path, where + ": data_offsets must be [begin, end]");
        }
        long begin = offs.get(0).asLong();
        long end = offs.get(1).asLong();
        if (begin < 0) {
            throw new WeightsFormatException(path, where + ": data_offsets [" + begin + ", " + end + "] begin at a"
                    + " negative position");
        }
        if (end < begin) {
            throw new WeightsFormatException(path, where + ": data_offsets [" + begin + ", " + end + "] are not increasing");
        }
        if (end > dataSize) {
            throw new WeightsFormatException(path, where + ": data ends at byte " + end + " but the data area has "
                    + dataSize + " bytes (the file is truncated or the header is wrong)");
        }
        long expected;
        try {
            expected = type.byteLength(elements);
        } catch (ArithmeticException ex) {
            throw new WeightsFormatException(path, where + ": shape " + shapeNode + " of " + type + " is too large"
                    + " (more bytes than a file can hold); the header is damaged");
        }
        if (expected < 0) {
            throw new WeightsFormatException(path, where + ": shape " + shapeNode + " is not a whole number of "
                    + type + " blocks");
        }
        if (expected != end - begin) {
            throw new WeightsFormatException(path, where + ": shape " + shapeNode + " of " + type + " needs "
                    + expected + " bytes but data_offsets give " + (end - begin));
        }
        return new TensorInfo(name, type, shape, begin, end - begin);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }
}
