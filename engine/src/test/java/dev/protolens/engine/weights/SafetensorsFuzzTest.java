package dev.protolens.engine.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.protolens.engine.testing.Shared;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A few hundred damaged safetensors files, derived from the stories260K checkpoint and from generated
 * files with mixed dtypes: truncated, lying header lengths, offsets past the end / overlapping / reversed,
 * shapes that do not match the byte length, unknown dtypes, non-UTF-8 and non-JSON headers, random bytes,
 * flipped bytes. Every one must either open (and then every tensor must decode) or be refused with a
 * {@link WeightsFormatException} that names the file and the fault: never another exception, an
 * OutOfMemoryError or a hang. The seed is fixed so a failure reproduces; the case name says what was done.
 */
class SafetensorsFuzzTest {
    private static final long SEED = 0x5AFE7E45L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final Map<String, int[]> tally = new TreeMap<>(); // kind -> {refused, opened}
    private final Map<String, String> example = new TreeMap<>(); // kind -> one refusal, for the log
    private int cases;
    private long slowestMillis; // printed, not asserted: a hang is caught by the test's @Timeout

    /** What a case must do: be refused with one of these words in the message, or (any) also may open. */
    private record Expect(boolean mayOpen, List<String> words) {
        static Expect refused(String... words) {
            return new Expect(false, List.of(words));
        }

        static Expect either() {
            return new Expect(true, List.of());
        }
    }

    @Test
    @Timeout(120)
    void everyDamagedFileIsRefusedByNameOrReadsCleanly() throws IOException {
        Random r = new Random(SEED);
        List<byte[]> originals = new ArrayList<>();
        Path real = Shared.root().resolve("models/stories260k-hf/model.safetensors");
        boolean haveReal = Files.isRegularFile(real);
        if (haveReal) {
            originals.add(Files.readAllBytes(real));
        }
        for (int i = 0; i < 6; i++) {
            originals.add(randomFile(r));
        }
        long t0 = System.nanoTime();
        for (int round = 0; round < 2; round++) {
            for (byte[] original : originals) {
                mutateAll(r, original);
            }
        }
        for (int i = 0; i < 40; i++) {
            byte[] junk = new byte[r.nextInt(i < 20 ? 64 : 70_000)];
            r.nextBytes(junk);
            check("random-bytes", junk, Expect.refused("not a safetensors", "truncated", "header"));
        }
        // random bytes behind a plausible length field: the parser, not the length check, has to refuse them
        for (int i = 0; i < 20; i++) {
            byte[] junk = new byte[8 + r.nextInt(2000) + 1];
            r.nextBytes(junk);
            ByteBuffer.wrap(junk).order(ByteOrder.LITTLE_ENDIAN).putLong(0, junk.length - 8);
            check("random-header", junk, Expect.refused("UTF-8", "JSON"));
        }
        check("empty", new byte[0], Expect.refused("only 0 bytes"));
        check("seven-bytes", new byte[7], Expect.refused("only 7 bytes"));
        check("zero-length-field", new byte[8], Expect.refused("header length 0"));
        checkNotAFile();
        double seconds = (System.nanoTime() - t0) / 1e9;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "safetensors fuzz: %d files (%s) in %.1f s%n", cases, haveReal ? "stories260K + generated"
                        : "generated only: ../shared is missing", seconds));
        tally.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-26s refused %4d  opened %4d  e.g. %s%n", k,
                v[0], v[1], example.getOrDefault(k, "-"))));
        System.out.print(sb);
        System.out.println("slowest case: " + slowestMillis + " ms");
        assertThat(cases).isGreaterThanOrEqualTo(300);
    }

    private void mutateAll(Random r, byte[] original) throws IOException {
        Parts p = Parts.of(original);
        List<String> names = p.tensorNames();
        long dataSize = p.data.length;

        for (int i = 0; i < 8; i++) {
            int cut = r.nextInt(original.length);
            check("truncated", Arrays.copyOf(original, cut), Expect.refused("truncated", "only " + cut + " bytes"));
        }
        // cut exactly inside the header, and exactly at the end of the header
        check("truncated-in-header", Arrays.copyOf(original, 8 + p.headerLength / 2), Expect.refused("truncated"));
        if (dataSize > 0) {
            check("truncated-after-header", Arrays.copyOf(original, 8 + p.headerLength), Expect.refused("truncated"));
        }

        for (long lie : new long[] {p.headerLength + 1 + r.nextInt(1000), original.length, -1, -r.nextInt(1 << 20) - 2,
                Long.MIN_VALUE, Long.MAX_VALUE, SafetensorsFile.MAX_HEADER + 1, 1L << 40, 0}) {
            check("header-length-" + (lie < 0 ? "negative" : lie == 0 ? "zero" : "too-big"), withHeaderLength(original, lie),
                    Expect.refused("header length", "truncated", "UTF-8", "JSON"));
        }
        // shorter than the JSON: the header ends inside the object
        int jsonLength = p.json.length;
        long shorter = 1 + r.nextInt(jsonLength - 1);
        check("header-length-too-small", withHeaderLength(original, shorter), Expect.refused("JSON", "UTF-8"));

        String victim = names.get(r.nextInt(names.size()));
        List<String> nonEmpty = names.stream().filter(n -> p.length(n) > 0).toList();
        long[] offs = p.offsets(victim);
        long len = offs[1] - offs[0];

        long past = dataSize + 1 + r.nextInt(1 << 16);
        check("offsets-past-end", p.with(victim, t -> offsets(t, past - len, past)), Expect.refused(
                "data ends at byte " + past));
        check("offsets-far-past-end", p.with(victim, t -> offsets(t, (1L << 62) - len, 1L << 62)), Expect.refused(
                "data ends at byte"));
        if (len > 0) {
            check("offsets-reversed", p.with(victim, t -> offsets(t, offs[1], offs[0])), Expect.refused("not increasing"));
        }
        check("offsets-negative", p.with(victim, t -> offsets(t, -8, len - 8)), Expect.refused("negative"));
        check("offsets-three", p.with(victim, t -> {
            ((ArrayNode) t.get("data_offsets")).add(offs[1]);
            return t;
        }), Expect.refused("data_offsets"));
        check("offsets-not-numbers", p.with(victim, t -> {
            t.putArray("data_offsets").add("0").add(String.valueOf(len));
            return t;
        }), Expect.refused("data_offsets"));
        check("offsets-fractional", p.with(victim, t -> {
            t.putArray("data_offsets").add(offs[0] + 0.5).add(offs[1] + 0.5);
            return t;
        }), Expect.refused("data_offsets"));
        check("offsets-beyond-long", p.with(victim, t -> {
            t.putArray("data_offsets").add(new java.math.BigInteger("123456789012345678901234567890"))
                    .add(new java.math.BigInteger("123456789012345678901234567891"));
            return t;
        }), Expect.refused("data_offsets"));

        // overlap: put one non-empty tensor's bytes inside another's
        if (nonEmpty.size() >= 2) {
            String a = nonEmpty.get(r.nextInt(nonEmpty.size()));
            String b = nonEmpty.stream().filter(n -> !n.equals(a)).toList().get(r.nextInt(nonEmpty.size() - 1));
            long[] ao = p.offsets(a);
            long bl = p.length(b);
            long begin = Math.min(ao[0] + r.nextInt((int) Math.min(p.length(a), Integer.MAX_VALUE)), dataSize - bl);
            check("offsets-overlapping", p.with(b, t -> offsets(t, begin, begin + bl)), Expect.refused("overlap"));
        }

        // shapes and dtypes that do not match the byte length (on a tensor that has bytes: with a zero
        // dimension any shape of zero elements fits)
        if (!nonEmpty.isEmpty()) {
            String sized = nonEmpty.get(r.nextInt(nonEmpty.size()));
            check("shape-one-more", p.with(sized, t -> {
                ArrayNode s = (ArrayNode) t.get("shape");
                if (s.isEmpty()) {
                    s.add(2);
                } else {
                    int k = r.nextInt(s.size());
                    long grown = s.get(k).asLong() + 1;
                    s.remove(k);
                    s.insert(k, grown);
                }
                return t;
            }), Expect.refused("needs"));
            check("shape-extra-dim", p.with(sized, t -> {
                ((ArrayNode) t.get("shape")).add(3);
                return t;
            }), Expect.refused("needs"));
            check("dtype-other-size", p.with(sized, t -> {
                t.put("dtype", switch (t.get("dtype").asString()) {
                    case "F32" -> "F64";
                    default -> "F32";
                });
                return t;
            }), Expect.refused("needs"));
        }
        check("shape-negative", p.with(victim, t -> {
            ((ArrayNode) t.get("shape")).add(-1);
            return t;
        }), Expect.refused("invalid dimension"));
        check("shape-fractional", p.with(victim, t -> {
            ((ArrayNode) t.get("shape")).add(1.5);
            return t;
        }), Expect.refused("invalid dimension"));
        check("shape-overflowing", p.with(victim, t -> {
            t.putArray("shape").add(1L << 40).add(1L << 40);
            return t;
        }), Expect.refused("too large"));
        check("shape-not-array", p.with(victim, t -> {
            t.put("shape", "[2, 3]");
            return t;
        }), Expect.refused("missing shape"));

        for (String dtype : new String[] {"Q7_X", "F8_E4M3", "f32", "", "C64"}) {
            check("dtype-unknown", p.with(victim, t -> {
                t.put("dtype", dtype);
                return t;
            }), Expect.refused("dtype " + dtype + " is not supported"));
        }
        check("dtype-missing", p.with(victim, t -> {
            t.remove("dtype");
            return t;
        }), Expect.refused("missing dtype"));
        check("entry-not-object", p.withRaw(h -> h.put(victim, 42)), Expect.refused("not an object"));
        check("metadata-not-strings", p.withRaw(h -> h.putObject("__metadata__").put("format", 1)),
                Expect.refused("__metadata__"));
        check("metadata-not-object", p.withRaw(h -> h.putArray("__metadata__")), Expect.refused("__metadata__"));

        // bytes that are not UTF-8 inside a tensor name, then a header that is not JSON at all
        byte[] badUtf8 = original.clone();
        int at = 8 + 2 + r.nextInt(Math.max(1, jsonLength - 4));
        badUtf8[at] = (byte) 0xFF;
        check("header-not-utf8", badUtf8, Expect.refused("UTF-8"));
        byte[] notJson = original.clone();
        for (int i = 0; i < jsonLength; i++) {
            notJson[8 + i] = (byte) ('a' + r.nextInt(26));
        }
        check("header-not-json", notJson, Expect.refused("JSON"));
        check("header-json-array", p.withJson("[1, 2, 3]"), Expect.refused("not a JSON object"));
        check("header-json-deep", p.withJson("[".repeat(5000) + "]".repeat(5000)), Expect.refused("JSON"));
        check("header-json-trailing", p.withJson(new String(p.json, StandardCharsets.UTF_8) + "}"),
                Expect.refused("JSON"));
        check("header-json-huge-number", p.withJson("{\"x\":{\"dtype\":\"F32\",\"shape\":[" + "9".repeat(5000)
                + "],\"data_offsets\":[0,0]}}"), Expect.refused("JSON", "invalid dimension"));

        // flipped bytes anywhere: some land in tensor data and leave a valid file, which must then read
        for (int i = 0; i < 10; i++) {
            byte[] flipped = original.clone();
            int n = 1 + r.nextInt(4);
            for (int k = 0; k < n; k++) {
                int pos = i < 5 ? r.nextInt(Math.min(flipped.length, 8 + p.headerLength)) : r.nextInt(flipped.length);
                flipped[pos] ^= (byte) (1 << r.nextInt(8));
            }
            check(i < 5 ? "flipped-in-header" : "flipped-anywhere", flipped, Expect.either());
        }
    }

    private void checkNotAFile() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("a-folder.safetensors"));
        expectRefused("folder", dir, Expect.refused("is a folder"));
        expectRefused("missing", tmp.resolve("nothing-here.safetensors"), Expect.refused("no such file"));
    }

    private void check(String kind, byte[] bytes, Expect expect) throws IOException {
        Path f = tmp.resolve(String.format(Locale.ROOT, "case-%03d-%s.safetensors", cases, kind));
        Files.write(f, bytes);
        expectRefused(kind, f, expect);
        Files.delete(f);
    }

    private void expectRefused(String kind, Path f, Expect expect) {
        cases++;
        int[] t = tally.computeIfAbsent(kind, k -> new int[2]);
        long t0 = System.nanoTime();
        String refusal = null;
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            // an accepted file must be readable in full: validation has to make every later read safe
            for (TensorInfo info : s.tensors()) {
                assertThat(s.bytes(info.name()).byteSize()).isEqualTo(info.byteLength());
                assertThat(s.floats(info.name())).hasSize(Math.toIntExact(info.elementCount()));
            }
        } catch (WeightsFormatException e) {
            refusal = e.getMessage();
        } catch (Throwable e) { // OutOfMemoryError included: an untrusted length must never size an allocation
            fail(f.getFileName() + " (" + kind + ") threw " + e + " instead of a WeightsFormatException", e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        slowestMillis = Math.max(slowestMillis, ms);
        if (refusal == null) {
            t[1]++;
            if (!expect.mayOpen) {
                fail(f.getFileName() + " (" + kind + ") was accepted; expected a refusal mentioning " + expect.words);
            }
            return;
        }
        t[0]++;
        example.putIfAbsent(kind, refusal);
        assertThat(refusal).as("%s: the message names the file", kind).contains(f.getFileName().toString());
        if (!expect.words.isEmpty()) {
            // the case name is in the file name; only the rest of the message counts as naming the fault
            String lower = refusal.replace(f.getFileName().toString(), "").toLowerCase(Locale.ROOT);
            assertThat(expect.words.stream().anyMatch(w -> lower.contains(w.toLowerCase(Locale.ROOT))))
                    .as("%s: '%s' should mention one of %s", kind, refusal, expect.words).isTrue();
        }
    }

    private static ObjectNode offsets(ObjectNode t, long begin, long end) {
        t.putArray("data_offsets").add(begin).add(end);
        return t;
    }

    private static byte[] withHeaderLength(byte[] file, long length) {
        byte[] c = file.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return c;
    }

    /** A valid file of 1–6 tensors: F32/F16/BF16/I64, ranks 0–3, some with a zero dimension. */
    static byte[] randomFile(Random r) {
        SafetensorsWriter w = new SafetensorsWriter();
        if (r.nextBoolean()) {
            w.metadata("format", "pt");
        }
        int n = 2 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            int rank = r.nextInt(4);
            long[] shape = new long[rank];
            int count = 1;
            for (int k = 0; k < rank; k++) {
                shape[k] = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(7);
                count *= (int) shape[k];
            }
            float[] v = new float[count];
            for (int k = 0; k < count; k++) {
                v[k] = (float) r.nextGaussian();
            }
            String name = "layers." + i + ".w\u00e9ight"; // a non-ASCII name, so byte and char offsets differ
            switch (r.nextInt(4)) {
                case 0 -> w.f32(name, v, shape);
                case 1 -> w.f16(name, v, shape);
                case 2 -> w.bf16(name, v, shape);
                default -> {
                    long[] l = new long[count];
                    for (int k = 0; k < count; k++) {
                        l[k] = r.nextLong();
                    }
                    w.i64(name, l, shape);
                }
            }
        }
        return w.toBytes();
    }

    /** A file taken apart: the JSON header (without padding) and the data area, and put back together. */
    private record Parts(ObjectNode header, byte[] json, int headerLength, byte[] data) {
        static Parts of(byte[] file) {
            int n = Math.toIntExact(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
            String text = new String(file, 8, (int) n, StandardCharsets.UTF_8);
            byte[] json = text.stripTrailing().getBytes(StandardCharsets.UTF_8);
            return new Parts((ObjectNode) JSON.readTree(text), json, n,
                    Arrays.copyOfRange(file, 8 + n, file.length));
        }

        List<String> tensorNames() {
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (!e.getKey().equals("__metadata__")) {
                    names.add(e.getKey());
                }
            }
            return names;
        }

        long[] offsets(String name) {
            JsonNode o = header.get(name).get("data_offsets");
            return new long[] {o.get(0).asLong(), o.get(1).asLong()};
        }

        long length(String name) {
            long[] o = offsets(name);
            return o[1] - o[0];
        }

        byte[] with(String tensor, Function<ObjectNode, ObjectNode> change) {
            ObjectNode h = header.deepCopy();
            h.set(tensor, change.apply((ObjectNode) h.get(tensor)));
            return withJson(h.toString());
        }

        byte[] withRaw(java.util.function.Consumer<ObjectNode> change) {
            ObjectNode h = header.deepCopy();
            change.accept(h);
            return withJson(h.toString());
        }

        byte[] withJson(String json) {
            byte[] j = json.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + j.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(j.length).put(j).put(data);
            return b.array();
        }
    }
}
