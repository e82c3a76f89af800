package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link RunSaveLoop} in a child JVM on the test classpath, and what it has reported so far. */
final class SaveLoopChild implements AutoCloseable {
    private final Process process;
    private final Thread reader;
    private final Path stderr;
    private volatile long lastSaved;
    private volatile int saves;

    SaveLoopChild(Path library, String id, long lastRevision, Path atomic, Path stderr) throws IOException {
        this.stderr = stderr;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                RunSaveLoop.class.getName(), library.toString(), id, Long.toString(lastRevision), atomic.toString()));
        process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        lastSaved = lastRevision;
        reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("saved ")) {
                        lastSaved = Long.parseLong(line.substring(6));
                        saves++;
                    }
                }
            } catch (IOException e) {
                // the pipe closes when the child is killed
            }
        });
    }

    /** Waits until the child has reported {@code n} saves; fails with its stderr if it died on its own. */
    void awaitSaves(int n, long timeoutMillis) throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (saves < n) {
            if (!process.isAlive()) {
                reader.join(5_000);
                if (saves >= n) {
                    break;
                }
                throw new AssertionError("the saving process exited with " + process.exitValue() + " after " + saves
                        + " saves:\n" + Files.readString(stderr));
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
    long kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
        reader.join(10_000);
        return lastSaved;
    }

    int saves() {
        return saves;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
