package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.fit.FitState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * save → load gives back every field of a run, bit for bit: doubles and floats including negative zero,
 * subnormals, infinities and the largest values (NaN as NaN: JSON has only one), every kind of Unicode,
 * 100 000-character texts, 5001-step histories, absent optional parts; the vectors and the optimiser state
 * with their exact bits (NaN payloads too, since safetensors stores raw bytes).
 */
class RunRecordRoundTripTest {

    @Test
    void hundredGeneratedRunsRoundTripBitExactly(@TempDir Path tmp) {
        Random r = new Random(0x5709E);
        RunLibrary lib = new RunLibrary(tmp.resolve("library"));
        List<RunRecord> records = new ArrayList<>();
        List<ProtoTokens> vectors = new ArrayList<>();
        List<FitState> states = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            int d = i % 10 == 0 ? 2048 : 1 + r.nextInt(96);
            String id = String.format(Locale.ROOT, "run-%03d-%s", i, Long.toHexString(r.nextLong()));
            RunRecord rec = RandomRuns.record(r, id, d);
            ProtoTokens v = RandomRuns.vectors(r, d);
            FitState s = r.nextBoolean() ? RandomRuns.resume(r, d) : null;
            Run saved = lib.save(rec, v, s);
            assertThat(saved.record().vectorsSha256()).matches("[0-9a-f]{64}");
            records.add(rec);
            vectors.add(v);
            states.add(s);
        }
        for (int i = 0; i < records.size(); i++) {
            RunRecord want = records.get(i);
            Run got = lib.load(want.id());
            RandomRuns.assertBitExact(want.withVectorsSha256(got.record().vectorsSha256()), got.record(),
                    want.id(), false);
            RandomRuns.assertBitExact(vectors.get(i), got.vectors(), want.id() + ".vectors", true);
            FitState s = states.get(i);
            if (s == null) {
                assertThat(got.resumeState()).as(want.id() + ".resume").isNull();
            } else {
                RandomRuns.assertBitExact(s, got.resumeState(), want.id() + ".resume", true);
            }
        }
        long l0 = System.nanoTime();
        RunLibrary.Listing listing = lib.list();
        System.out.printf(Locale.ROOT, "list() of %d runs: %.0f ms%n", records.size(), (System.nanoTime() - l0) / 1e6);
        assertThat(listing.problems()).isEmpty();
        assertThat(listing.runs()).hasSize(records.size());
        for (RunRecord listed : listing.runs()) {
            RunRecord want = records.stream().filter(x -> x.id().equals(listed.id())).findFirst().orElseThrow();
            RandomRuns.assertBitExact(want.withVectorsSha256(listed.vectorsSha256()), listed, "listed " + want.id(), false);
        }
        System.out.printf(Locale.ROOT, "round trip: %d runs saved, loaded and listed in %.1f s%n", records.size(),
                (System.nanoTime() - t0) / 1e9);
    }

    @Test
    void replacingARunKeepsOnlyTheNewVersion(@TempDir Path tmp) {
        Random r = new Random(7);
        RunLibrary lib = new RunLibrary(tmp);
        RunRecord first = RandomRuns.record(r, "same-id", 16);
        lib.save(first, RandomRuns.vectors(r, 16), RandomRuns.resume(r, 16));
        RunRecord second = RandomRuns.record(r, "same-id", 16);
        ProtoTokens v2 = RandomRuns.vectors(r, 16);
        lib.save(second, v2, null);
        Run got = lib.load("same-id");
        RandomRuns.assertBitExact(second.withVectorsSha256(got.record().vectorsSha256()), got.record(), "second", false);
        RandomRuns.assertBitExact(v2, got.vectors(), "second.vectors", true);
        assertThat(got.resumeState()).isNull();
        assertThat(tmp.toFile().list()).as("no parked or half-written folders are left").containsOnly("same-id", ".lock");
    }

    /** The comparison above must see a single flipped bit anywhere, or the round trip proves nothing. */
    @Test
    void comparisonSeesOneBit() {
        Random r = new Random(3);
        RunRecord a = RandomRuns.record(r, "x", 4);
        float[] loss = {1.5f, -0.0f, Float.MIN_VALUE};
        RunRecord withHistory = new RunRecord(a.schemaVersion(), a.id(), a.createdAt(), a.appVersion(), a.model(),
                a.text(), a.tokenIds(), a.tokenPieces(), a.settings(), a.status(), a.metrics(),
                new RunRecord.History(loss, loss), a.timings(), a.environment(), a.batch(), null, a.label());
        float[] flipped = loss.clone();
        flipped[0] = Float.intBitsToFloat(Float.floatToRawIntBits(flipped[0]) ^ 1);
        RunRecord b = new RunRecord(a.schemaVersion(), a.id(), a.createdAt(), a.appVersion(), a.model(), a.text(),
                a.tokenIds(), a.tokenPieces(), a.settings(), a.status(), a.metrics(), new RunRecord.History(flipped, loss),
                a.timings(), a.environment(), a.batch(), null, a.label());
        RandomRuns.assertBitExact(withHistory, withHistory, "same", false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RandomRuns.assertBitExact(withHistory, b, "r", false))
                .hasMessageContaining("r.history.loss[0]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RandomRuns.assertBitExact(
                new RunRecord.Metrics(0.0, 0, 0, 0, false, 0, 0, 0, 0, null),
                new RunRecord.Metrics(-0.0, 0, 0, 0, false, 0, 0, 0, 0, null), "m", false)).hasMessageContaining("m.accuracy");
    }

    /** A lone surrogate cannot be written as UTF-8; saving such a text must fail as a store error or keep it. */
    @Test
    void textWithALoneSurrogateIsSavedOrRefusedAsAStoreError(@TempDir Path tmp) {
        Random r = new Random(5);
        RunLibrary lib = new RunLibrary(tmp);
        RunRecord a = RandomRuns.record(r, "lone", 4);
        RunRecord rec = new RunRecord(a.schemaVersion(), a.id(), a.createdAt(), a.appVersion(), a.model(),
                "half an emoji: \ud83d.", a.tokenIds(), a.tokenPieces(), a.settings(), a.status(), a.metrics(),
                a.history(), a.timings(), a.environment(), a.batch(), null, a.label());
        try {
            lib.save(rec, RandomRuns.vectors(r, 4), null);
        } catch (RunStoreException e) {
            System.out.println("lone surrogate: refused: " + e.getMessage());
            assertThat(e.getMessage()).contains("lone");
            assertThat(lib.list().runs()).isEmpty();
            assertThat(lib.list().problems()).isEmpty();
            return;
        }
        Run got = lib.load("lone");
        assertThat(got.record().text()).startsWith("half an emoji: ");
        System.out.println("lone surrogate: saved, read back as " + got.record().text().codePoints()
                .mapToObj(Integer::toHexString).toList());
        assertThat(lib.list().problems()).isEmpty();
    }
}
