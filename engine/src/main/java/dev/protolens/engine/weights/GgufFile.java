package dev.protolens.engine.weights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A GGUF file (llama.cpp's container, versions 1 to 3): a header of typed key/value metadata and tensor
 * descriptions, then the tensor data, each tensor starting at a multiple of {@code general.alignment}
 * (default 32). Version 1 stores counts, string lengths and dimensions as 32-bit values, versions 2 and 3 as
 * 64-bit ones; version 3 only added big-endian files, which are refused here.
 *
 * <p>The file is memory-mapped through the FFM API and the whole header is validated before any tensor byte
 * is read: every count is checked against the bytes that remain before anything is allocated from it (a file
 * that claims 2^60 keys fails on its size, not on the heap), strings must fit in the file, tensors have one to
 * four positive dimensions, a supported type, an aligned offset, and lie inside the data area without
 * overlapping.
 *
 * <p><b>Shapes.</b> GGUF lists dimensions innermost first ({@code ne[0]} is the contiguous one), so a
 * PyTorch {@code (out, in)} matrix is stored with {@code ne = [in, out]}. {@link TensorInfo#shape()} here is
 * the reverse of {@code ne}, i.e. PyTorch order with the outermost dimension first, and the element order of
 * the data is row-major in that shape — the same convention as safetensors, so no transposition is needed.
 *
 * <p>Quantised blocks follow ggml's flat layout: blocks run over the tensor's elements in order and may cross
 * row boundaries (the stories260K Q8_0 file has 172-wide rows), so only the total element count must be a
 * whole number of blocks.
 */
public final class GgufFile extends MappedTensorFile {
    private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    private static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    /** Arrays nested deeper than this are refused (each level costs a few bytes; recursion must stay shallow). */
    private static final int MAX_NESTING = 8;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** GGUF metadata value types, by their id in the file. */
    public enum ValueType {
        UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1), STRING(0), ARRAY(0),
        UINT64(8), INT64(8), FLOAT64(8);

        /** Bytes of one scalar value (0 for strings and arrays). */
        final int size;

        ValueType(int size) {
            this.size = size;
        }

        public boolean isInteger() {
            return this == UINT8 || this == INT8 || this == UINT16 || this == INT16 || this == UINT32
                    || this == INT32 || this == UINT64 || this == INT64;
        }

        public boolean isFloat() {
            return this == FLOAT32 || this == FLOAT64;
        }

        public String ggufName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static ValueType of(int id) {
            ValueType[] all = values();
            return id >= 0 && id < all.length ? all[id] : null;
        }
    }

    /**
     * One metadata value. Scalars: integers as {@link Long} (UINT64 above 2^63-1 wraps negative and is
     * refused by the accessors), FLOAT32 as {@link Float}, FLOAT64 as {@link Double}, {@link Boolean},
     * {@link String}. Arrays keep the stored width: {@code byte[]} (u8/i8/bool as 0/1), {@code short[]},
     * {@code int[]}, {@code long[]}, {@code float[]}, {@code double[]}, {@code String[]}, or {@code Value[]}
     * for arrays of arrays; {@code elementType} says how to read them.
     */
    public record Value(ValueType type, ValueType elementType, Object value) {
        public int length() {
            return type == ValueType.ARRAY ? java.lang.reflect.Array.getLength(value) : 1;
        }

        /** Element {@code i} of an integer array (or the value of an integer scalar when i == 0). */
        long integerAt(int i) {
            Object v = value;
            ValueType t = type == ValueType.ARRAY ? elementType : type;
            return switch (v) {
                case Long l -> l;
                case byte[] a -> t == ValueType.INT8 ? a[i] : Byte.toUnsignedLong(a[i]);
                case short[] a -> t == ValueType.INT16 ? a[i] : Short.toUnsignedLong(a[i]);
                case int[] a -> t == ValueType.INT32 ? a[i] : Integer.toUnsignedLong(a[i]);
                case long[] a -> a[i];
                default -> throw new IllegalStateException("not an integer value: " + t);
            };
        }

        /** A short rendering for {@code inspect}: scalars as text, arrays as {@code [512 × string]}. */
        public String display() {
            if (type == ValueType.ARRAY) {
                return "[" + length() + " × " + elementType.ggufName() + "]";
            }
            if (type == ValueType.UINT64 && (Long) value < 0) {
                return Long.toUnsignedString((Long) value);
            }
            return String.valueOf(value);
        }
    }

    private final int version;
    private final long alignment;
    private final long dataOffset;
    private final Map<String, Value> values;
    private final Map<String, String> metadataText;

    private GgufFile(Path path, Arena arena, MemorySegment data, int version, long alignment, long dataOffset,
                     Map<String, Value> values, Map<String, TensorInfo> tensors) {
        super(path, arena, data, tensors);
        this.version = version;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.values = values;
        Map<String, String> text = new LinkedHashMap<>();
        values.forEach((k, v) -> text.put(k, v.display()));
        this.metadataText = Collections.unmodifiableMap(text);
    }

    public static GgufFile open(Path path) {
        return map(path, 8, "GGUF", (file, arena) -> new Parser(path, file).parse(arena));
    }

    /** GGUF version of the file: 1, 2 or 3. */
    public int version() {
        return version;
    }

    public long alignment() {
        return alignment;
    }

    /** Where the data area starts in the file; tensor offsets are relative to it. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Every metadata entry, in file order. */
    public Map<String, Value> values() {
        return values;
    }

    public Optional<Value> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    // ------------------------------------------------------------------------------------------ typed access

    public String string(String key) {
        return optString(key).orElseThrow(() -> missing(key));
    }

    public Optional<String> optString(String key) {
        Value v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != ValueType.STRING) {
            throw wrongType(key, v, "a string");
        }
        return Optional.of((String) v.value());
    }

    /** An integer of any stored width, as a long. */
    public long integer(String key) {
        return optInteger(key).orElseThrow(() -> missing(key));
    }

    public OptionalLong optInteger(String key) {
        Value v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!v.type().isInteger()) {
            throw wrongType(key, v, "an integer");
        }
        long x = (Long) v.value();
        if (v.type() == ValueType.UINT64 && x < 0) {
            throw new WeightsFormatException(path(), "metadata '" + key + "' = " + v.display() + " is too large");
        }
        return OptionalLong.of(x);
    }

    /** A number (float or integer) as a double; FLOAT32 values are widened exactly. */
    public double number(String key) {
        return optNumber(key).orElseThrow(() -> missing(key));
    }

    public OptionalDouble optNumber(String key) {
        Value v = values.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        if (v.type() == ValueType.FLOAT32) {
            return OptionalDouble.of((Float) v.value());
        }
        if (v.type() == ValueType.FLOAT64) {
            return OptionalDouble.of((Double) v.value());
        }
        if (v.type().isInteger()) {
            return OptionalDouble.of(optInteger(key).getAsLong());
        }
        throw wrongType(key, v, "a number");
    }

    public boolean bool(String key, boolean absent) {
        Value v = values.get(key);
        if (v == null) {
            return absent;
        }
        if (v.type() != ValueType.BOOL) {
            throw wrongType(key, v, "a bool");
        }
        return (Boolean) v.value();
    }

    public List<String> strings(String key) {
        return optStrings(key).orElseThrow(() -> missing(key));
    }

    public Optional<List<String>> optStrings(String key) {
        Value v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != ValueType.ARRAY || v.elementType() != ValueType.STRING) {
            throw wrongType(key, v, "an array of strings");
        }
        return Optional.of(List.of((String[]) v.value()));
    }

    /** An array of numbers (float or integer elements) as floats. */
    public Optional<float[]> optFloats(String key) {
        Value v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != ValueType.ARRAY || !(v.elementType().isFloat() || v.elementType().isInteger())) {
            throw wrongType(key, v, "an array of numbers");
        }
        return Optional.of(switch (v.value()) {
            case float[] a -> a.clone();
            case double[] a -> {
                float[] r = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    r[i] = (float) a[i];
                }
                yield r;
            }
            default -> {
                float[] r = new float[v.length()];
                for (int i = 0; i < r.length; i++) {
                    r[i] = v.integerAt(i);
                }
                yield r;
            }
        });
    }

    /** An array of integers of any width as ints; elements outside the int range are an error. */
    public Optional<int[]> optInts(String key) {
        Value v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != ValueType.ARRAY || !v.elementType().isInteger()) {
            throw wrongType(key, v, "an array of integers");
        }
        int[] r = new int[v.length()];
        for (int i = 0; i < r.length; i++) {
            long x = v.integerAt(i);
            if (x != (int) x) {
                throw new WeightsFormatException(path(), "metadata '" + key + "'[" + i + "] = " + x + " is out of range");
            }
            r[i] = (int) x;
        }
        return Optional.of(r);
    }

    private WeightsFormatException missing(String key) {
        return new WeightsFormatException(path(), "metadata key '" + key + "' is missing");
    }

    private WeightsFormatException wrongType(String key, Value v, String expected) {
        String got = v.type() == ValueType.ARRAY ? "an array of " + v.elementType().ggufName() : v.type().ggufName();
        return new WeightsFormatException(path(), "metadata '" + key + "' should be " + expected + " but is " + got);
    }

    /** Scalars as text, arrays summarised ({@code [512 × string]}); use the typed accessors for values. */
    @Override
    public Map<String, String> metadata() {
        return metadataText;
    }

    // ------------------------------------------------------------------------------------------ ggml types

    /** ggml's type ids (ggml.h {@code enum ggml_type}); gaps are ids that ggml retired. */
    private static final String[] GGML_NAMES = {
        "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K",
        "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS",
        "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16", "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8", "TQ1_0", "TQ2_0",
        "IQ4_NL_4_4", "IQ4_NL_4_8", "IQ4_NL_8_8", "MXFP4"};

    /** The ggml name of a type id ("Q4_K"), or "unknown" for ids ggml never defined. */
    public static String ggmlName(long id) {
        return id >= 0 && id < GGML_NAMES.length ? GGML_NAMES[(int) id] : "unknown";
    }

    static TensorType tensorType(long ggmlId) {
        return switch ((int) Math.min(ggmlId, Integer.MAX_VALUE)) {
            case 0 -> TensorType.F32;
            case 1 -> TensorType.F16;
            case 2 -> TensorType.Q4_0;
            case 8 -> TensorType.Q8_0;
            case 30 -> TensorType.BF16;
            default -> null;
        };
    }

    /** The ggml type id a supported tensor type is stored under. */
    public static int ggmlId(TensorType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 8;
            case BF16 -> 30;
            default -> throw new IllegalArgumentException(type + " is not a GGUF tensor type ProtoLens reads");
        };
    }

    // ------------------------------------------------------------------------------------------ parsing

    /** Reads the header with a cursor that checks every read against the file's end. */
    private static final class Parser {
        private final Path path;
        private final MemorySegment file;
        private final long size;
        private long pos;
        private boolean wide;

        Parser(Path path, MemorySegment file) {
            this.path = path;
            this.file = file;
            this.size = file.byteSize();
        }

        GgufFile parse(Arena arena) {
            int magic = file.get(U32, 0);
            if (magic != MAGIC) {
                throw new WeightsFormatException(path, notGguf(magic));
            }
            pos = 4;
            int version = file.get(U32, pos);
            pos += 4;
            if (version < 1 || version > 3) {
                if (Integer.reverseBytes(version) >= 1 && Integer.reverseBytes(version) <= 3) {
                    throw new WeightsFormatException(path, "is a big-endian GGUF file; ProtoLens reads little-endian"
                            + " GGUF (the usual kind): convert it again without --bigendian");
                }
                throw new WeightsFormatException(path, "GGUF version " + Integer.toUnsignedString(version)
                        + " is not supported (versions 1, 2 and 3 are)");
            }
            wide = version >= 2;
            long nTensors = count("the tensor count", minTensorInfoBytes());
            long nKv = count("the metadata count", (wide ? 8 : 4) + 4 + 1);
            Map<String, Value> values = new LinkedHashMap<>();
            for (long i = 0; i < nKv; i++) {
                long at = pos;
                String key = string("metadata key #" + i, true);
                if (key.isEmpty()) {
                    throw new WeightsFormatException(path, "metadata key #" + i + " at byte " + at + " is empty");
                }
                int typeId = u32("the type of metadata '" + key + "'");
                ValueType type = ValueType.of(typeId);
                if (type == null) {
                    throw new WeightsFormatException(path, "metadata '" + key + "' has unknown value type "
                            + Integer.toUnsignedString(typeId) + " (GGUF defines 0..12); the file is damaged");
                }
                Value v = value(key, type, 0);
                if (values.putIfAbsent(key, v) != null) {
                    throw new WeightsFormatException(path, "metadata key '" + key + "' appears twice");
                }
            }
            long alignment = DEFAULT_ALIGNMENT;
            Value a = values.get("general.alignment");
            if (a != null) {
                if (!a.type().isInteger()) {
                    throw new WeightsFormatException(path, "general.alignment must be an integer, not "
                            + a.type().ggufName());
                }
                alignment = (Long) a.value();
                if (alignment <= 0 || alignment > (1L << 30) || Long.bitCount(alignment) != 1) {
                    throw new WeightsFormatException(path, "general.alignment = " + a.display()
                            + " is not a power of two between 1 and 2^30");
                }
            }
            List<TensorInfo> list = new ArrayList<>();
            Map<String, TensorInfo> byName = new LinkedHashMap<>();
            for (long i = 0; i < nTensors; i++) {
                TensorInfo t = tensorInfo(i, alignment);
                if (byName.putIfAbsent(t.name(), t) != null) {
                    throw new WeightsFormatException(path, "tensor '" + t.name() + "' is described twice");
                }
                list.add(t);
            }
            long dataOffset = Math.ceilDiv(pos, alignment) * alignment;
            long dataSize = Math.max(0, size - dataOffset);
            for (TensorInfo t : list) {
                if (t.offset() > dataSize || t.byteLength() > dataSize - t.offset()) {
                    throw new WeightsFormatException(path, "tensor '" + t.name() + "' (" + t.type() + " "
                            + t.shapeString() + ", " + t.byteLength() + " bytes at data offset " + t.offset()
                            + ") ends past the end of the file: the data area has " + dataSize
                            + " bytes (the file is truncated or its header is wrong)");
                }
            }
            TensorInfo.requireNoOverlap(path, list);
            MemorySegment dataArea = file.asSlice(Math.min(dataOffset, size));
            return new GgufFile(path, arena, dataArea, version, alignment, dataOffset,
                    Collections.unmodifiableMap(values), Collections.unmodifiableMap(byName));
        }

        private String notGguf(int magic) {
            byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(magic).array();
            String text = new String(b, StandardCharsets.ISO_8859_1);
            if (text.equals("tjgg") || text.equals("lmgg") || text.equals("fmgg")) {
                return "is an old GGML file (magic '" + new StringBuilder(text).reverse() + "'), not GGUF; convert it"
                        + " with llama.cpp's convert script or pick a .gguf file";
            }
            return "not a GGUF file (it does not start with 'GGUF')";
        }

        private int minTensorInfoBytes() {
            int c = wide ? 8 : 4;
            return c /* name length */ + 4 /* n_dims */ + c /* one dim */ + 4 /* type */ + 8 /* offset */;
        }

        private TensorInfo tensorInfo(long i, long alignment) {
            String name = string("the name of tensor #" + i, true);
            String where = "tensor '" + name + "'";
            if (name.isEmpty()) {
                throw new WeightsFormatException(path, "tensor #" + i + " has an empty name");
            }
            int nDims = u32("the dimension count of " + where);
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw new WeightsFormatException(path, where + " has " + Integer.toUnsignedString(nDims)
                        + " dimensions; GGUF tensors have 1 to " + MAX_DIMS);
            }
            long[] ne = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                ne[d] = wide ? u64("dimension " + d + " of " + where) : Integer.toUnsignedLong(u32("dimension " + d
                        + " of " + where));
                if (ne[d] <= 0) {
                    throw new WeightsFormatException(path, where + " has dimension ne[" + d + "] = "
                            + Long.toUnsignedString(ne[d]) + "; every dimension must be positive");
                }
                try {
                    elements = Math.multiplyExact(elements, ne[d]);
                } catch (ArithmeticException e) {
                    throw new WeightsFormatException(path, where + " has dimensions " + Arrays.toString(ne)
                            + " whose product is too large");
                }
            }
            int typeId = u32("the type of " + where);
            TensorType type = tensorType(Integer.toUnsignedLong(typeId));
            if (type == null) {
                long id = Integer.toUnsignedLong(typeId);
                String name0 = ggmlName(id);
                if (name0.equals("unknown")) {
                    throw new WeightsFormatException(path, where + " has unknown ggml type " + id
                            + "; the file is damaged or newer than ProtoLens");
                }
                throw new WeightsFormatException(path, where + ": " + name0 + " (ggml type " + id
                        + ") is not supported yet; use an F32, F16, BF16, Q8_0 or Q4_0 file");
            }
            long offset = u64("the data offset of " + where);
            if (offset < 0 || offset % alignment != 0) {
                throw new WeightsFormatException(path, where + " starts at data offset " + Long.toUnsignedString(offset)
                        + ", which is not a multiple of the alignment " + alignment);
            }
            long bytes;
            try {
                bytes = type.byteLength(elements);
            } catch (ArithmeticException e) {
                bytes = -2;
            }
            if (bytes == -1) {
                throw new WeightsFormatException(path, where + " has " + elements + " elements, not a whole number of "
                        + type + " blocks of " + type.blockSize);
            }
            if (bytes < 0) {
                throw new WeightsFormatException(path, where + " is too large");
            }
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                shape[d] = ne[nDims - 1 - d];
            }
            return new TensorInfo(name, type, shape, offset, bytes);
        }

        private Value value(String key, ValueType type, int depth) {
            String what = "the value of metadata '" + key + "'";
            return switch (type) {
                case UINT8 -> new Value(type, null, (long) Byte.toUnsignedInt(bytes(1, what)[0]));
                case INT8 -> new Value(type, null, (long) bytes(1, what)[0]);
                case UINT16 -> new Value(type, null, (long) Short.toUnsignedInt(u16(what)));
                case INT16 -> new Value(type, null, (long) u16(what));
                case UINT32 -> new Value(type, null, Integer.toUnsignedLong(u32(what)));
                case INT32 -> new Value(type, null, (long) u32(what));
                case UINT64, INT64 -> new Value(type, null, u64(what));
                case FLOAT32 -> {
                    need(4, what);
                    float f = file.get(F32, pos);
                    pos += 4;
                    yield new Value(type, null, f);
                }
                case FLOAT64 -> {
                    need(8, what);
                    double d = file.get(F64, pos);
                    pos += 8;
                    yield new Value(type, null, d);
                }
                case BOOL -> {
                    byte b = bytes(1, what)[0];
                    if (b != 0 && b != 1) {
                        throw new WeightsFormatException(path, "metadata '" + key + "' is a bool stored as " + b
                                + " (must be 0 or 1)");
                    }
                    yield new Value(type, null, b == 1);
                }
                case STRING -> new Value(type, null, string(what, false));
                case ARRAY -> array(key, depth);
            };
        }

        private Value array(String key, int depth) {
            if (depth >= MAX_NESTING) {
                throw new WeightsFormatException(path, "metadata '" + key + "' nests arrays more than " + MAX_NESTING
                        + " deep");
            }
            int typeId = u32("the element type of metadata '" + key + "'");
            ValueType et = ValueType.of(typeId);
            if (et == null) {
                throw new WeightsFormatException(path, "metadata '" + key + "' is an array of unknown value type "
                        + Integer.toUnsignedString(typeId) + "; the file is damaged");
            }
            int min = switch (et) {
                case STRING -> wide ? 8 : 4;
                case ARRAY -> 4 + (wide ? 8 : 4);
                default -> et.size;
            };
            long n = count("the length of array '" + key + "'", min);
            if (n > Integer.MAX_VALUE - 8) {
                throw new WeightsFormatException(path, "array '" + key + "' has " + n + " elements; too many");
            }
            int len = (int) n;
            String what = "array '" + key + "'";
            Object arr = switch (et) {
                case UINT8, INT8 -> bytes(len, what);
                case BOOL -> {
                    byte[] b = bytes(len, what);
                    boolean[] r = new boolean[len];
                    for (int i = 0; i < len; i++) {
                        if (b[i] != 0 && b[i] != 1) {
                            throw new WeightsFormatException(path, what + "[" + i + "] is a bool stored as " + b[i]);
                        }
                        r[i] = b[i] == 1;
                    }
                    yield r;
                }
                case UINT16, INT16 -> copy(new short[len], U16, len, what);
                case UINT32, INT32 -> copy(new int[len], U32, len, what);
                case UINT64, INT64 -> copy(new long[len], U64, len, what);
                case FLOAT32 -> copy(new float[len], F32, len, what);
                case FLOAT64 -> copy(new double[len], F64, len, what);
                case STRING -> {
                    String[] r = new String[len];
                    for (int i = 0; i < len; i++) {
                        r[i] = string(what + "[" + i + "]", false);
                    }
                    yield r;
                }
                case ARRAY -> {
                    Value[] r = new Value[len];
                    for (int i = 0; i < len; i++) {
                        r[i] = array(key + "[" + i + "]", depth + 1);
                    }
                    yield r;
                }
            };
            return new Value(ValueType.ARRAY, et, arr);
        }

        /**
         * A count (32-bit in v1, 64-bit after) that promises {@code count} items of at least {@code minItemBytes}
         * each; refused when the rest of the file cannot hold them, before anything is allocated.
         */
        private long count(String what, int minItemBytes) {
            long at = pos;
            long n = wide ? u64(what) : Integer.toUnsignedLong(u32(what));
            long remaining = size - pos;
            if (n < 0 || (minItemBytes > 0 && n > remaining / minItemBytes)) {
                throw new WeightsFormatException(path, what + " at byte " + at + " is " + Long.toUnsignedString(n)
                        + ", but the " + remaining + " bytes left in the file cannot hold that many"
                        + " (the file is truncated or damaged)");
            }
            return n;
        }

        private String string(String what, boolean strict) {
            long at = pos;
            long n = wide ? u64("the length of " + what) : Integer.toUnsignedLong(u32("the length of " + what));
            if (n < 0 || n > size - pos) {
                throw new WeightsFormatException(path, "the length of " + what + " at byte " + at + " is "
                        + Long.toUnsignedString(n) + " but only " + (size - pos) + " bytes follow (the file is"
                        + " truncated or damaged)");
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new WeightsFormatException(path, what + " is " + n + " bytes long; too long for a string");
            }
            byte[] b = bytes((int) n, what);
            if (!strict) {
                return new String(b, StandardCharsets.UTF_8);
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new WeightsFormatException(path, what + " at byte " + at + " is not valid UTF-8; the file is"
                        + " damaged");
            }
        }

        private <A> A copy(A array, ValueLayout layout, int len, String what) {
            long bytes = layout.byteSize() * len;
            need(bytes, what);
            MemorySegment.copy(file, layout, pos, array, 0, len);
            pos += bytes;
            return array;
        }

        private void need(long n, String what) {
            if (n > size - pos) {
                throw new WeightsFormatException(path, "truncated: " + what + " at byte " + pos + " needs " + n
                        + " bytes but the file ends at byte " + size);
            }
        }

        private byte[] bytes(int n, String what) {
            need(n, what);
            byte[] b = file.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
            pos += n;
            return b;
        }

        private short u16(String what) {
            need(2, what);
            short v = file.get(U16, pos);
            pos += 2;
            return v;
        }

        private int u32(String what) {
            need(4, what);
            int v = file.get(U32, pos);
            pos += 4;
            return v;
        }

        private long u64(String what) {
            need(8, what);
            long v = file.get(U64, pos);
            pos += 8;
            return v;
        }
    }
}
