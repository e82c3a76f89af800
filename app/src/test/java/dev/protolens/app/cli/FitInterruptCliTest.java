package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.Main;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.testing.Shared;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupting {@code protolens fit} (Ctrl+C, or a terminal closing: both run the JVM's shutdown hook) keeps
 * what was found: a K-restart fit leaves K runs of one batch, each with its own vectors, and the checkpoints
 * written while it ran carry the batch too.
 */
class FitInterruptCliTest {
    @TempDir
    Path tmp;

    @Test
    void aStoppedRestartFitKeepsEveryRestartAsOneBatch() throws Exception {
        Path model = Shared.model("stories260k-hf");
        Path lib = tmp.resolve("lib");
        // 40 tokens: beyond stories260K's capacity, so the fit is still running when it is stopped
        String text = "Lily and Ben went to the park to play with a red ball. They ran and laughed in the warm sun"
                + " until it was time to go home.";
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "fit", "--model", model.toString(), "--text", text, "--restarts", "2",
                "--library", lib.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        // past the first checkpoint (every 5 s) so both paths, checkpoint and final save, have run
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (new RunLibrary(lib).list().runs().size() < 2 && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(200);
        }
        List<RunRecord> checkpoints = new RunLibrary(lib).list().runs();
        assertThat(checkpoints).as(read(tmp.resolve("out.txt"))).hasSize(2);
        assertThat(checkpoints).allSatisfy(r -> assertThat(r.isCheckpoint()).isTrue());
        assertThat(checkpoints).extracting(r -> r.batch().id()).containsOnly(checkpoints.getFirst().batch().id());
        assertThat(checkpoints).extracting(r -> r.batch().size()).containsOnly(2);

        p.destroy(); // SIGTERM: the same shutdown hook as Ctrl+C
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = read(tmp.resolve("out.txt"));
        List<RunRecord> runs = new RunLibrary(lib).list().runs();
        assertThat(runs).as(out).hasSize(2);
        assertThat(runs).allSatisfy(r -> assertThat(r.isCheckpoint()).as(out).isFalse());
        assertThat(runs).extracting(r -> r.batch().index()).containsExactlyInAnyOrder(0, 1);
        assertThat(runs).extracting(r -> r.batch().id()).containsOnly(checkpoints.getFirst().batch().id());
        Run a = new RunLibrary(lib).load(runs.get(0).id());
        Run b = new RunLibrary(lib).load(runs.get(1).id());
        assertThat(a.vectors().e()).isNotEqualTo(b.vectors().e());
        assertThat(a.record().settings().seed()).isNotEqualTo(b.record().settings().seed());
        System.out.println("stopped 2-restart fit: " + runs.stream().map(r -> r.id() + " " + r.status() + " "
                + r.metrics().accuracy()).toList());
    }

    private static String read(Path f) throws java.io.IOException {
        return java.nio.file.Files.exists(f) ? java.nio.file.Files.readString(f, StandardCharsets.UTF_8) : "";
    }
}
