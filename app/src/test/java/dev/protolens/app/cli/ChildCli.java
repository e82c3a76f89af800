package dev.protolens.app.cli;

import dev.protolens.app.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The protolens command line in a JVM of its own, for what one process cannot show: signals, kills, races. */
final class ChildCli implements AutoCloseable {
    final Process process;
    final Path output;

    private ChildCli(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static ChildCli start(Path output, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // env resets INT, HUP and TERM to their defaults before it execs java (same pid): a JVM started with a
        // signal ignored (mvn under nohup, or in a background job, where INT is ignored) never handles it
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT,HUP,TERM", java.toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new ChildCli(p, output);
    }

    long pid() {
        return process.pid();
    }

    /** Sends a signal by name (TERM, INT, HUP, KILL) as a terminal or a scheduler would. */
    void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-s", name, Long.toString(pid())).inheritIO().start();
        if (k.waitFor() != 0) {
            throw new IOException("kill -s " + name + " " + pid() + " failed");
        }
    }

    int waitFor(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the child did not end within " + seconds + " s; its output:\n" + text());
        }
        return process.exitValue();
    }

    String text() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Waits until {@code condition} holds while the child runs; fails with its output if it does not. */
    void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("waiting for " + what + (process.isAlive() ? " timed out" : ": the child"
                        + " ended (exit " + process.exitValue() + ")") + "; its output:\n" + text());
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
