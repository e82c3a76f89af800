package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link RunSaveLoop} in a child JVM on the test classpath, and the saves it has reported. */
final class SaveLoopChild implements AutoCloseable {
    private final Process process;
    private final Path progress;
    private final Path stderr;
    private final long firstRevision;

    /** @param work a fresh folder for the child's progress file and stderr */
    SaveLoopChild(Path library, String id, long lastRevision, Path atomic, Path work) throws IOException {
        Files.createDirectories(work);
        this.progress = work.resolve("progress.txt");
        this.stderr = work.resolve("stderr.txt");
        this.firstRevision = lastRevision;
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                RunSaveLoop.class.getName(), library.toString(), id, Long.toString(lastRevision), atomic.toString(),
                progress.toString());
        process = new ProcessBuilder(cmd).redirectError(stderr.toFile())
                .redirectOutput(work.resolve("stdout.txt").toFile()).start();
    }

    /** Saves reported so far (complete lines only). */
    int saves() throws IOException {
        return reported().size();
    }

    private List<String> reported() throws IOException {
        if (!Files.exists(progress)) {
            return List.of();
        }
        String text = Files.readString(progress, StandardCharsets.US_ASCII);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    /** Waits until the child has reported {@code n} saves; fails with its stderr if it died on its own. */
    void awaitSaves(int n, long timeoutMillis) throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (saves() < n) {
            if (!process.isAlive() && saves() < n) {
                throw new AssertionError("the saving process exited with " + process.exitValue() + " after "
                        + saves() + " saves:\n" + stderr());
            }
            assertThat(System.currentTimeMillis()).as("waiting for %d saves", n).isLessThan(end);
            Thread.sleep(2);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** SIGKILL (on POSIX); returns the last revision the child reported as saved. */
    long kill() throws InterruptedException, IOException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
        List<String> lines = reported();
        return lines.isEmpty() ? firstRevision : Long.parseLong(lines.getLast().substring(6));
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            kill();
        }
    }
}
