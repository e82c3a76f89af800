package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four processes write new runs into one library at once, as the shards of a cluster array do on a shared file
 * system: every record arrives whole, under its own id, and nothing half-written is left behind.
 */
class ManyWritersTest {
    private static final int WRITERS = 4;
    private static final int RUNS_EACH = 25;

    @TempDir
    Path tmp;

    @Test
    void fourProcessesSavingAtOnceLoseNothingAndClashNowhere() throws Exception {
        Path lib = tmp.resolve("library");
        List<Process> children = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), ManyWritersChild.class.getName(), lib.toString(),
                    Integer.toString(w), Integer.toString(RUNS_EACH))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child-" + w + ".txt").toFile()).start());
        }
        for (int w = 0; w < WRITERS; w++) {
            Process p = children.get(w);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("writer %d ends", w).isTrue();
            assertThat(p.exitValue()).as(Files.readString(tmp.resolve("child-" + w + ".txt"))).isZero();
        }
        RunLibrary library = new RunLibrary(lib);
        RunLibrary.Listing listing = library.list();
        assertThat(listing.problems()).isEmpty();
        assertThat(listing.runs()).hasSize(WRITERS * RUNS_EACH);
        Set<Float> seen = new HashSet<>();
        for (RunRecord r : listing.runs()) {
            Run run = library.load(r.id()); // checksums: a record made of two saves would fail here
            float v = run.vectors().e()[0];
            assertThat(run.vectors().m()).containsOnly(v);
            assertThat(seen.add(v)).as("run %s holds writer %s's vectors once", r.id(), v).isTrue();
        }
        try (Stream<Path> left = Files.list(lib)) {
            assertThat(left.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".incoming") || n.startsWith(".deleting"))).isEmpty();
        }
    }

}
