package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.protolens.engine.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * A library with one damaged run among good ones: run.json cut at every byte, vectors.safetensors with
 * flipped bytes or cut anywhere, a record from a newer ProtoLens, files too large to be a run. Loading the
 * damaged run is refused with a {@link RunStoreException} that names it and says what is wrong, and
 * {@link RunLibrary#list()} still lists every other run and reports the damaged one as a problem.
 */
class DamagedRunTest {
    private static final int D = 16;

    @TempDir
    Path tmp;
    private RunLibrary lib;
    private Random r;

    @BeforeEach
    void library() {
        lib = new RunLibrary(tmp.resolve("library"));
        r = new Random(0xDA3A6E);
        for (String id : new String[] {"good-1", "good-2"}) {
            lib.save(RandomRuns.record(r, id, D), RandomRuns.vectors(r, D), null);
        }
    }

    private Path saveVictim(boolean withState) {
        RunRecord rec = RandomRuns.record(r, "victim", D);
        // a short record, so that cutting it at every byte stays quick
        rec = new RunRecord(rec.schemaVersion(), rec.id(), rec.createdAt(), rec.appVersion(), rec.model(), "Lily \u00e9\ud83d\ude00",
                new long[] {1, 2, 3}, java.util.List.of("Lily", " \u00e9", "\ud83d\ude00"), rec.settings(), "complete",
                rec.metrics(), new RunRecord.History(new float[] {2.5f, -0.0f}, new float[] {0f, 1f}), rec.timings(),
                null, null, null, "\u00fcber");
        lib.save(rec, RandomRuns.vectors(r, D), withState ? RandomRuns.resume(r, D) : null);
        return lib.folder("victim");
    }

    /** The damaged run is refused by name; the good ones still load and list; the damage is a problem. */
    private String assertRefusedAndListed(String what) {
        String message = null;
        try {
            lib.load("victim");
        } catch (RunStoreException e) {
            message = e.getMessage();
        } catch (Throwable e) {
            fail(what + ": threw " + e + " instead of a RunStoreException", e);
        }
        assertThat(message).as(what + ": the damaged run loaded").isNotNull();
        assertThat(message).as(what).contains("victim");
        RunLibrary.Listing listing = lib.list();
        assertThat(listing.runs()).as(what).extracting(RunRecord::id).containsExactlyInAnyOrder("good-1", "good-2");
        assertThat(listing.problems()).as(what).hasSize(1);
        assertThat(listing.problems().getFirst().folder().getFileName().toString()).isEqualTo("victim");
        assertThat(listing.problems().getFirst().message()).as(what).contains("victim");
        return message;
    }

    @Test
    void runJsonCutAtEveryByteIsRefused() throws IOException {
        Path json = saveVictim(true).resolve(RunLibrary.RUN_JSON);
        byte[] whole = Files.readAllBytes(json);
        long t0 = System.nanoTime();
        for (int cut = 0; cut < whole.length; cut++) {
            Files.write(json, Arrays.copyOf(whole, cut));
            String m = assertRefusedAndListed("run.json cut at " + cut + " of " + whole.length);
            assertThat(m).as("cut at %d", cut).contains(RunLibrary.RUN_JSON).containsAnyOf("damaged", "empty",
                    "not a ProtoLens run record");
        }
        Files.write(json, whole);
        assertThat(lib.load("victim").record().label()).isEqualTo("\u00fcber");
        System.out.printf(Locale.ROOT, "run.json cut at each of its %d bytes: all refused (%.1f s)%n", whole.length,
                (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void vectorsWithFlippedBytesOrCutAnywhereAreRefused() throws IOException {
        Path vf = saveVictim(true).resolve(RunLibrary.VECTORS);
        byte[] whole = Files.readAllBytes(vf);
        for (int i = 0; i < 150; i++) {
            byte[] b = whole.clone();
            int n = 1 + r.nextInt(3);
            for (int k = 0; k < n; k++) {
                b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
            }
            Files.write(vf, b);
            assertThat(assertRefusedAndListed("flip " + i)).contains(RunLibrary.VECTORS).contains("damaged");
        }
        for (int cut = 0; cut < whole.length; cut++) {
            Files.write(vf, Arrays.copyOf(whole, cut));
            assertThat(assertRefusedAndListed("vectors cut at " + cut)).contains(RunLibrary.VECTORS).contains("damaged");
        }
        Files.delete(vf);
        assertThat(assertRefusedAndListed("no vectors")).contains("has no " + RunLibrary.VECTORS);
    }

    /**
     * A run.json edited by hand without the checksum: damage to the vectors' header must still give a
     * store error, never a parse exception of some other kind; flips in the values go unnoticed (nothing
     * can tell them from real values without the checksum) but must load as d floats.
     */
    @Test
    void vectorsWithoutAChecksumStillFailAsStoreErrors() throws IOException {
        Path dir = saveVictim(true);
        editRunJson(dir, o -> o.remove("vectors_sha256"));
        Path vf = dir.resolve(RunLibrary.VECTORS);
        byte[] whole = Files.readAllBytes(vf);
        int loaded = 0;
        for (int i = 0; i < 300; i++) {
            byte[] b = whole.clone();
            b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
            Files.write(vf, b);
            try {
                Run run = lib.load("victim");
                assertThat(run.vectors().dim()).isEqualTo(D);
                loaded++;
            } catch (RunStoreException e) {
                assertThat(e.getMessage()).contains("victim");
            } catch (Throwable e) {
                fail("flip " + i + " threw " + e + " instead of a RunStoreException", e);
            }
        }
        System.out.println("vectors without checksum, one flipped byte: " + loaded + " of 300 loaded");
    }

    @Test
    void optimiserStateOfTheWrongSizeOrStepIsRefused() throws IOException {
        Path dir = saveVictim(false);
        editRunJson(dir, o -> o.remove("vectors_sha256"));
        float[] v = new float[D];
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "protolens-run-vectors/1")
                .metadata("step", "12").f32("e", v, D).f32("m", v, D).f32("state_e", new float[D + 1], D + 1)
                .f32("state_m", v, D).f32("adam_e1", v, D).f32("adam_e2", v, D).f32("adam_m1", v, D).f32("adam_m2", v, D);
        w.writeTo(dir.resolve(RunLibrary.VECTORS));
        assertThat(assertRefusedAndListedOnLoad()).contains("state_e");

        w = new SafetensorsWriter().metadata("format", "protolens-run-vectors/1").metadata("step", "twelve")
                .f32("e", v, D).f32("m", v, D).f32("state_e", v, D).f32("state_m", v, D).f32("adam_e1", v, D)
                .f32("adam_e2", v, D).f32("adam_m1", v, D).f32("adam_m2", v, D);
        w.writeTo(dir.resolve(RunLibrary.VECTORS));
        assertThat(assertRefusedAndListedOnLoad()).contains("step");

        w = new SafetensorsWriter().metadata("step", "3").f32("e", v, D).f32("m", v, D).f32("adam_e1", v, D);
        w.writeTo(dir.resolve(RunLibrary.VECTORS));
        assertThat(assertRefusedAndListedOnLoad()).contains("state_e");
    }

    private String assertRefusedAndListedOnLoad() {
        try {
            lib.load("victim");
        } catch (RunStoreException e) {
            assertThat(e.getMessage()).contains("victim");
            return e.getMessage();
        } catch (Throwable e) {
            fail("threw " + e + " instead of a RunStoreException", e);
        }
        return fail("the run loaded");
    }

    @ParameterizedTest(name = "schema_version {0}")
    @ValueSource(strings = {"2", "17", "2147483647"})
    void recordOfANewerSchemaIsRefusedNamingTheVersion(String version) throws IOException {
        Path dir = saveVictim(false);
        editRunJson(dir, o -> o.put("schema_version", Long.parseLong(version)));
        assertThat(assertRefusedAndListed("schema " + version)).contains("schema " + version)
                .contains("this version reads schema " + RunRecord.SCHEMA_VERSION).contains("newer ProtoLens");
    }

    @ParameterizedTest(name = "schema_version {0}")
    @ValueSource(strings = {"0", "-1", "\"one\"", "null", "1.5", "[1]", "99999999999999999999"})
    void recordWithANonsenseSchemaIsRefused(String version) throws IOException {
        Path dir = saveVictim(false);
        editRunJson(dir, o -> o.set("schema_version", RunLibrary.JSON.readTree(version)));
        assertThat(assertRefusedAndListed("schema " + version)).contains("schema " + version);
    }

    @Test
    void recordWithoutASchemaOrWithWrongTypesIsRefused() throws IOException {
        Path dir = saveVictim(false);
        editRunJson(dir, o -> o.remove("schema_version"));
        assertThat(assertRefusedAndListed("no schema")).contains("not a ProtoLens run record");
        Files.writeString(dir.resolve(RunLibrary.RUN_JSON), "[1, 2]");
        assertThat(assertRefusedAndListed("array")).contains("not a ProtoLens run record");
        saveVictim(false);
        editRunJson(dir, o -> o.put("token_ids", "one two"));
        assertThat(assertRefusedAndListed("token ids as text")).contains("damaged");
        saveVictim(false);
        editRunJson(dir, o -> o.remove("model"));
        assertThat(assertRefusedAndListed("no model")).contains("lacks");
        saveVictim(false);
        editRunJson(dir, o -> ((ObjectNode) o.get("model")).put("hidden_size", 15));
        assertThat(assertRefusedAndListed("d does not fit the vectors")).contains("d=15");
    }

    /** Files far larger than any run (sparse, so they cost no disk): refused before they are read into memory. */
    @Test
    void filesTooLargeToBeARunAreRefusedWithoutReadingThem() throws IOException {
        Path dir = saveVictim(false);
        Path vf = dir.resolve(RunLibrary.VECTORS);
        try (RandomAccessFile f = new RandomAccessFile(vf.toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        assertThat(assertRefusedAndListed("3 GiB vectors")).contains(RunLibrary.VECTORS);
        saveVictim(false);
        Path json = dir.resolve(RunLibrary.RUN_JSON);
        try (RandomAccessFile f = new RandomAccessFile(json.toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        assertThat(assertRefusedAndListed("3 GiB run.json")).contains(RunLibrary.RUN_JSON);
    }

    @Test
    void runJsonThatIsNotUtf8IsRefused() throws IOException {
        Path dir = saveVictim(false);
        Path json = dir.resolve(RunLibrary.RUN_JSON);
        String s = Files.readString(json);
        int at = s.indexOf("\u00fcber");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(s.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.write(0xFC); // ü in Latin-1, as an editor might save it
        out.write(s.substring(at + 1).getBytes(StandardCharsets.UTF_8));
        Files.write(json, out.toByteArray());
        assertThat(assertRefusedAndListed("Latin-1 run.json")).contains("damaged");
    }

    private static void editRunJson(Path dir, ThrowingConsumer<ObjectNode> change) throws IOException {
        Path f = dir.resolve(RunLibrary.RUN_JSON);
        ObjectNode o = (ObjectNode) RunLibrary.JSON.readTree(Files.readString(f));
        change.accept(o);
        Files.writeString(f, RunLibrary.JSON.writeValueAsString(o));
    }

    private interface ThrowingConsumer<T> {
        void accept(T t) throws IOException;
    }
}
