package dev.protolens.engine.store;

import dev.protolens.engine.AtomicFiles;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.fit.FitState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL in the middle of saving a run (a crash, the OOM killer, a pulled plug
 * minus the disk cache) must leave the previous record whole: run.json and vectors.safetensors from the
 * same save, loadable at once by the next process, and every save that had returned kept.
 */
class KilledSaveTest {
    private static final String ID = "killed-run";

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void killedWhileSavingLeavesTheLastCompleteRecord() throws Exception {
        Path library = tmp.resolve("library");
        Path atomic = tmp.resolve("atomic.txt");
        Random r = new Random(0x5161C11L);
        long revision = 0;
        int kills = 24;
        long t0 = System.nanoTime();
        int inFlightKept = 0;
        for (int k = 0; k < kills; k++) {
            long confirmed;
            try (SaveLoopChild child = new SaveLoopChild(library, ID, revision, atomic, tmp.resolve("child-" + k))) {
                child.awaitSaves(1 + r.nextInt(3), 120_000);
                Thread.sleep(r.nextInt(25)); // a random moment: almost all of the child's time is spent saving
                confirmed = child.kill();
            }
            // the next process: a fresh library object, load straight away (no list() first)
            Run run = new RunLibrary(library).load(ID);
            long got = revisionOf(run);
            assertThat(got).as("kill %d: a save that returned is kept; at most the one in flight is added", k)
                    .isBetween(confirmed, confirmed + 1);
            if (got > confirmed) {
                inFlightKept++;
            }
            String atomicText = Files.readString(atomic, StandardCharsets.UTF_8);
            long atomicRevision = Long.parseLong(atomicText.substring(9, atomicText.indexOf('\n')));
            assertThat(atomicText.getBytes(StandardCharsets.UTF_8)).as("kill %d: AtomicFiles content whole", k)
                    .isEqualTo(RunSaveLoop.atomicContent(atomicRevision));
            assertThat(atomicRevision).isBetween(got - 1, got);
            revision = got;
        }
        RunLibrary.Listing listing = new RunLibrary(library).list();
        assertThat(listing.problems()).isEmpty();
        assertThat(listing.runs()).extracting(RunRecord::id).containsExactly(ID);
        try (Stream<Path> s = Files.list(library)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".incoming-")
                    || n.startsWith(".replaced-"))).as("list() cleans up what the kills left").isEmpty();
        }
        System.out.printf(Locale.ROOT, "SIGKILL during save: %d kills, last revision %d, the in-flight save was"
                + " already complete at %d kills; %.1f s%n", kills, revision, inFlightKept, (System.nanoTime() - t0) / 1e9);
    }

    /** Run.json and vectors of one save: the revision is in both, so mixing two saves shows. */
    static long revisionOf(Run run) {
        long rev = Long.parseLong(run.record().label().substring(4));
        assertThat(run.record().metrics().updates()).isEqualTo((int) rev);
        for (float v : run.record().history().loss()) {
            assertThat(v).isEqualTo((float) rev);
        }
        for (float v : run.vectors().e()) {
            assertThat(v).as("e of revision %d", rev).isEqualTo((float) rev);
        }
        for (float v : run.vectors().m()) {
            assertThat(v).as("m of revision %d", rev).isEqualTo((float) rev);
        }
        FitState s = run.resumeState();
        assertThat(s.step()).isEqualTo((int) rev);
        assertThat(s.adamM2()[RunSaveLoop.D - 1]).isEqualTo((float) -rev);
        return rev;
    }

    /**
     * The instant between save's two renames, made on purpose: the old version parked, the new one
     * complete in its incoming folder, the run's own folder absent. The next process must load the old
     * version by the run's id at once, and list it.
     */
    @Test
    void killedBetweenTheTwoRenamesStillLoadsThePreviousVersion() throws IOException {
        Path library = tmp.resolve("library");
        RunLibrary lib = new RunLibrary(library);
        saveRevision(lib, 41);
        saveRevision(new RunLibrary(tmp.resolve("elsewhere")), 42);
        copyRun(tmp.resolve("elsewhere").resolve(ID), library.resolve(".incoming-" + ID + "-123456"));
        Files.move(library.resolve(ID), library.resolve(".replaced-" + ID + "-987654"));

        assertThat(revisionOf(new RunLibrary(library).load(ID))).isEqualTo(41);
        assertThat(new RunLibrary(library).list().runs()).extracting(RunRecord::id).containsExactly(ID);
        assertThat(revisionOf(new RunLibrary(library).load(ID))).isEqualTo(41);
        try (Stream<Path> s = Files.list(library)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".lock"))).containsExactly(ID);
        }
    }

    /**
     * A kill after a swap but before the old version is deleted leaves that old version parked beside the new
     * one. The next save must throw it away, or a later kill between the renames would leave two parked
     * versions and recovery could restore the older one (seen once in this class's kill loop as a run folder
     * without run.json: a parked version half deleted by an earlier kill, restored).
     */
    @Test
    void aStaleParkedVersionIsThrownAwayBeforeTheNextOneIsParked() throws IOException {
        Path library = tmp.resolve("library");
        RunLibrary lib = new RunLibrary(library);
        saveRevision(lib, 1);
        // the state a kill after the swap of revision 2 leaves: revision 1 still parked
        copyRun(library.resolve(ID), library.resolve(".replaced-" + ID + "-111"));
        saveRevision(lib, 2);
        saveRevision(lib, 3);
        try (Stream<Path> s = Files.list(library)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".lock")))
                    .as("after a completed save only the run remains").containsExactly(ID);
        }
        // a kill between the two renames of revision 4, and a half-deleted folder from a kill during a deletion
        Files.move(library.resolve(ID), library.resolve(".replaced-" + ID + "-333"));
        Path doomed = library.resolve(".deleting-444");
        Files.createDirectories(doomed);
        Files.writeString(doomed.resolve(RunLibrary.RUN_JSON), "{\"schema_version\": 1}");
        assertThat(revisionOf(new RunLibrary(library).load(ID))).isEqualTo(3);
        assertThat(new RunLibrary(library).list().runs()).extracting(RunRecord::id).containsExactly(ID);
        try (Stream<Path> s = Files.list(library)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".lock")))
                    .as("recovery restores the parked version and removes the half-deleted one").containsExactly(ID);
        }
    }

    private static void saveRevision(RunLibrary lib, long rev) {
        lib.save(RunSaveLoop.record(RandomRuns.record(new Random(1), ID, RunSaveLoop.D), rev), RunSaveLoop.vectors(rev),
                RunSaveLoop.state(rev));
    }

    /** A run folder's two files copied into a new folder (a parked or incoming version made by hand). */
    private static void copyRun(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String f : new String[] {RunLibrary.RUN_JSON, RunLibrary.VECTORS}) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
    }
}
