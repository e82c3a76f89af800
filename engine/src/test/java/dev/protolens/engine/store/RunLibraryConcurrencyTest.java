package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library is read while it is written: the GUI lists and opens runs while a fit in the same process,
 * or a CLI fit in another process, checkpoints into the same folder every few seconds. Listing must never
 * break a save (list() also tidies what crashes left), and a reader must always see the run, whole.
 */
class RunLibraryConcurrencyTest {
    private static final String ID = "busy-run";

    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void listingAndLoadingWhileThisProcessSaves() throws Exception {
        Path library = tmp.resolve("library");
        RunLibrary lib = new RunLibrary(library);
        RunRecord base = RandomRuns.record(new Random(2), ID, RunSaveLoop.D);
        lib.save(RunSaveLoop.record(base, 1), RunSaveLoop.vectors(1), RunSaveLoop.state(1));
        AtomicBoolean done = new AtomicBoolean();
        List<Throwable> saveErrors = new ArrayList<>();
        Thread saver = Thread.ofPlatform().start(() -> {
            try {
                for (long rev = 2; rev <= 300; rev++) {
                    lib.save(RunSaveLoop.record(base, rev), RunSaveLoop.vectors(rev), RunSaveLoop.state(rev));
                }
            } catch (Throwable e) {
                saveErrors.add(e);
            } finally {
                done.set(true);
            }
        });
        List<String> readErrors = new ArrayList<>();
        int reads = 0;
        long last = 1;
        while (!done.get()) {
            RunLibrary.Listing l = new RunLibrary(library).list();
            if (l.runs().size() != 1 || !l.problems().isEmpty()) {
                readErrors.add("list: " + l.runs().size() + " runs, problems " + l.problems());
            }
            try {
                long rev = KilledSaveTest.revisionOf(new RunLibrary(library).load(ID));
                assertThat(rev).as("revisions only go forward").isGreaterThanOrEqualTo(last);
                last = rev;
            } catch (RunStoreException e) {
                readErrors.add("load: " + e.getMessage());
            }
            reads++;
        }
        saver.join();
        System.out.printf(Locale.ROOT, "in-process: %d list+load rounds during 299 saves; %d save errors, %d read"
                + " errors%s%n", reads, saveErrors.size(), readErrors.size(), readErrors.isEmpty() ? "" : ", first: "
                + readErrors.getFirst());
        assertThat(saveErrors).as("saves that failed while another thread listed").isEmpty();
        assertThat(readErrors).as("reads that did not see the run whole").isEmpty();
        assertThat(KilledSaveTest.revisionOf(lib.load(ID))).isEqualTo(300);
    }

    @Test
    @Timeout(120)
    void listingAndLoadingWhileAnotherProcessSaves() throws Exception {
        Path library = tmp.resolve("library");
        int rounds = 0;
        List<String> readErrors = new ArrayList<>();
        AtomicInteger saves = new AtomicInteger();
        try (SaveLoopChild child = new SaveLoopChild(library, ID, 0, tmp.resolve("atomic.txt"), tmp.resolve("child"))) {
            child.awaitSaves(1, 120_000);
            long end = System.currentTimeMillis() + 4_000;
            while (System.currentTimeMillis() < end) {
                RunLibrary.Listing l = new RunLibrary(library).list();
                if (l.runs().size() != 1 || !l.problems().isEmpty()) {
                    readErrors.add("list: " + l.runs().size() + " runs, problems " + l.problems());
                }
                try {
                    KilledSaveTest.revisionOf(new RunLibrary(library).load(ID));
                } catch (RunStoreException e) {
                    readErrors.add("load: " + e.getMessage());
                }
                rounds++;
                assertThat(child.isAlive()).as("the saving process failed:\n%s", child.isAlive() ? "" : child.stderr())
                        .isTrue();
            }
            saves.set(child.saves());
            child.kill();
        }
        System.out.printf(Locale.ROOT, "cross-process: %d list+load rounds during %d saves; %d read errors%s%n", rounds,
                saves.get(), readErrors.size(), readErrors.isEmpty() ? "" : ", first: " + readErrors.getFirst());
        assertThat(saves.get()).isGreaterThan(10);
        assertThat(readErrors).isEmpty();
    }
}
