package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file the user may not read is not a damaged file: calling it "damaged" invites deleting good data. And a
 * library the user may not write says so, not just ".lock".
 */
class PermissionMessagesTest {
    @TempDir
    Path tmp;

    @AfterEach
    void restore() throws Exception {
        try (var s = Files.walk(tmp)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
    }

    @Test
    void anUnreadableRunJsonIsCalledUnreadableNotDamaged() throws Exception {
        new RunLibrary(tmp).save(RandomRuns.record(new Random(1), "run", 8), SaveGuardTest.vectors(1), null);
        Files.setPosixFilePermissions(tmp.resolve("run").resolve("run.json"), PosixFilePermissions.fromString("---------"));
        String out = probe("load", tmp.toString(), "run");
        assertThat(out).contains("Cannot read").contains("run.json").contains("permission denied")
                .contains("not damaged").doesNotContain("is damaged");
        assertThat(probe("list", tmp.toString())).contains("problem: Cannot read").contains("permission denied");
    }

    @Test
    void aLibraryThatCannotBeWrittenSaysPermissionDenied() throws Exception {
        Path lib = tmp.resolve("theirs");
        new RunLibrary(lib).save(RandomRuns.record(new Random(2), "run", 8), SaveGuardTest.vectors(2), null);
        Files.setPosixFilePermissions(lib.resolve(".lock"), PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("r-xr-xr-x"));
        String out = probe("save", lib.toString(), "new-run");
        assertThat(out).contains("error:").contains("permission denied").contains("--library");
    }

    private static String probe(String... args) throws Exception {
        Process p = new ProcessBuilder(PermissionProbe.command(args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        System.out.println(String.join(" ", args) + " -> " + out.strip());
        return out;
    }
}
