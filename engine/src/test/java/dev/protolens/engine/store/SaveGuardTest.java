package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.proto.ProtoTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save says what it expects to find, so that nothing a user made is replaced behind their back: a new run never
 * overwrites one with the same id, and an update never overwrites a version another writer saved since.
 */
class SaveGuardTest {
    private static final int D = 8;

    @TempDir
    Path tmp;

    @Test
    void aNewRunNeverReplacesAnExistingOne() {
        RunLibrary lib = new RunLibrary(tmp);
        RunRecord first = RandomRuns.record(new Random(1), "same-id", D);
        Run saved = lib.save(first, RandomRuns.vectors(new Random(1), D), null, RunLibrary.Expect.NEW);
        RunRecord second = RandomRuns.record(new Random(2), "same-id", D);
        assertThatThrownBy(() -> lib.save(second, RandomRuns.vectors(new Random(2), D), null, RunLibrary.Expect.NEW))
                .isInstanceOf(RunLibrary.ConflictException.class).hasMessageContaining("already exists");
        assertThat(lib.load("same-id").record().vectorsSha256()).isEqualTo(saved.record().vectorsSha256());
    }

    @Test
    void anUpdateOfAVersionSomeoneElseReplacedIsRefused() {
        RunLibrary lib = new RunLibrary(tmp);
        RunRecord r = RandomRuns.record(new Random(3), "run", D);
        Run mine = lib.save(r, RandomRuns.vectors(new Random(3), D), null, RunLibrary.Expect.NEW);
        // another process resumes the same run and saves a newer version
        Run theirs = new RunLibrary(tmp).save(r, RandomRuns.vectors(new Random(4), D), null,
                RunLibrary.Expect.revision(mine.record().vectorsSha256()));
        // this process, still holding the version it wrote first, must not replace theirs
        assertThatThrownBy(() -> lib.save(r, RandomRuns.vectors(new Random(5), D), null,
                RunLibrary.Expect.revision(mine.record().vectorsSha256())))
                .isInstanceOf(RunLibrary.ConflictException.class).hasMessageContaining("changed by another process");
        assertThat(lib.load("run").record().vectorsSha256()).isEqualTo(theirs.record().vectorsSha256());
        // with the version it last saw, the update goes through
        Run next = lib.save(r, RandomRuns.vectors(new Random(6), D), null,
                RunLibrary.Expect.revision(theirs.record().vectorsSha256()));
        assertThat(lib.load("run").record().vectorsSha256()).isEqualTo(next.record().vectorsSha256());
    }

    @Test
    void whatAKilledSaveLeftIsTidiedByTheFirstUseOfTheLibraryNotOnlyByAListing() throws Exception {
        RunLibrary lib = new RunLibrary(tmp);
        lib.save(RandomRuns.record(new Random(7), "kept", D), RandomRuns.vectors(new Random(7), D), null);
        Files.createDirectories(tmp.resolve(".incoming-other-123").resolve("x"));
        Files.createDirectories(tmp.resolve(".deleting-456"));
        Files.writeString(tmp.resolve(".deleting-456").resolve("run.json"), "{}");
        // a new process whose first act is a save (a CLI fit), not a listing
        new RunLibrary(tmp).save(RandomRuns.record(new Random(8), "new", D), RandomRuns.vectors(new Random(8), D),
                null, RunLibrary.Expect.NEW);
        assertThat(tmp.resolve(".incoming-other-123")).doesNotExist();
        assertThat(tmp.resolve(".deleting-456")).doesNotExist();
        assertThat(new RunLibrary(tmp).list().runs()).extracting(RunRecord::id).containsExactlyInAnyOrder("kept", "new");
    }

    @Test
    void aRenamedRunFolderSaysWhatItHoldsInsteadOfThatTheRunIsMissing() throws Exception {
        RunLibrary lib = new RunLibrary(tmp);
        lib.save(RandomRuns.record(new Random(9), "original", D), RandomRuns.vectors(new Random(9), D), null);
        Files.move(tmp.resolve("original"), tmp.resolve("renamed"));
        RunLibrary.Listing l = lib.list();
        assertThat(l.runs()).isEmpty();
        assertThat(l.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .contains("holds the record of run 'original'").contains("Rename the folder to 'original'"));
        assertThatThrownBy(() -> lib.load("renamed")).hasMessageContaining("holds the record of run 'original'");
    }

    static ProtoTokens vectors(long seed) {
        return RandomRuns.vectors(new Random(seed), D);
    }
}
