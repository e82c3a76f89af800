package dev.protolens.engine.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Checks the GPU runtime before it is trusted: a child process ({@code ProbeMain}) loads it and computes on
 * {@code gpu(0)}. A child, because libtorch is loaded once per process and a broken CUDA install can abort the
 * process that loads it; the app's own process never loads the CUDA libraries until a check has passed. The outcome
 * is kept in the runtime's folder ({@link GpuRuntime#PROBE}) with the driver it ran under.
 */
public final class RuntimeProbe {
    /** The child's main class, named rather than referenced: it runs a fit, and this package is below the fit. */
    static final String MAIN_CLASS = "dev.protolens.engine.gpu.probe.ProbeMain";
    /** The first argument that makes the app's launcher run the child (installers without a java command). */
    public static final String LAUNCHER_ARG = "--protolens-gpu-probe";
    /** The child's one result line starts with this. */
    public static final String PREFIX = "PROBE ";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** glibc's dlerror: "{path}: {missing library}: cannot open shared object file: No such file or directory". */
    private static final Pattern SHARED_LIB = Pattern.compile(
            "([A-Za-z0-9_.+-]+\\.so(?:\\.[0-9]+)*): cannot open shared object file");
    private static final Pattern MISSING_LIB = Pattern.compile(
            "(?:error while loading shared libraries|cannot load library)[:\\s]+([A-Za-z0-9_.+-]+)");

    private final List<String> command;
    private final Duration timeout;

    /** @param command what starts {@code ProbeMain} (its arguments follow); {@link #childCommand()} normally */
    public RuntimeProbe(List<String> command, Duration timeout) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    public static RuntimeProbe system() {
        return new RuntimeProbe(childCommand(), Duration.ofMinutes(5));
    }

    /**
     * This JVM's java with this class path; in an installed app whose runtime has no java command (jpackage strips
     * it), the app's own launcher with {@link #LAUNCHER_ARG}.
     */
    public static List<String> childCommand() {
        Path home = Path.of(System.getProperty("java.home"));
        Path java = home.resolve("bin").resolve(System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
                .contains("win") ? "java.exe" : "java");
        if (Files.isExecutable(java)) {
            return List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-cp",
                    System.getProperty("java.class.path"), MAIN_CLASS);
        }
        String launcher = ProcessHandle.current().info().command().orElse("protolens");
        return List.of(launcher, LAUNCHER_ARG);
    }

    /** Runs the check (seconds to a minute: the CUDA libraries are large) and returns its outcome; never throws. */
    public ProbeResult run(GpuRuntime runtime, GpuReport report) {
        String half = report.bf16() ? "bfloat16" : "float16";
        List<String> cmd = new ArrayList<>(command);
        cmd.add(runtime.dir().toString());
        cmd.add(GpuRuntime.FLAVOR);
        cmd.add(half);
        long t0 = System.nanoTime();
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            // the child must load exactly this runtime, whatever the user's shell says
            for (String v : NativesChoice.USER_VARIABLES) {
                pb.environment().remove(v);
            }
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            p = pb.start();
        } catch (IOException e) {
            return failed(report, half, "ProtoLens could not start the check (" + e.getMessage() + ").", null, t0);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return failed(report, half, "The check was interrupted before it finished.", null, t0);
        }
        if (!finished) {
            p.destroyForcibly();
            return failed(report, half, "The check did not finish within " + timeout.toSeconds() + " s (a hung"
                    + " driver?). Restart the computer, then check again.", null, t0);
        }
        return interpret(report, half, p.exitValue(), out.join(), err.join(), t0);
    }

    /** The outcome from what the child printed. */
    static ProbeResult interpret(GpuReport report, String half, int exit, String stdout, String stderr, long t0) {
        JsonNode line = null;
        for (String l : stdout.split("\\R")) {
            if (l.startsWith(PREFIX)) {
                try {
                    line = JSON.readTree(l.substring(PREFIX.length()));
                } catch (JacksonException e) {
                    line = null;
                }
            }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        if (line != null && line.path("ok").asBoolean(false) && exit == 0) {
            return new ProbeResult(true, Instant.now(), report.fingerprint(), line.path("device").asString("cuda:0"),
                    line.path("dtype").asString(half), null, null, line.path("matmul_max_error").asDouble(),
                    line.path("fit_loss").asDouble(), millis);
        }
        String error = line != null ? line.path("error").asString("") : "";
        // the child's own error names the cause; only a crash (no line) leaves the stderr to read. DJL's CudaUtils
        // warns about libcudart on every start ("driver version is insufficient" on machines without the toolkit),
        // which says nothing about the runtime under test
        String text = !error.isBlank() ? error : tail(stderr.lines().filter(l -> !l.contains("CudaUtils"))
                .collect(java.util.stream.Collectors.joining("\n")), 60);
        String detail = !error.isBlank() ? error : lastLine(stderr, "the check ended with exit code " + exit);
        return new ProbeResult(false, Instant.now(), report.fingerprint(), "cuda:0", half, reason(text, exit), detail,
                Double.NaN, Double.NaN, millis);
    }

    private static ProbeResult failed(GpuReport report, String half, String reason, String detail, long t0) {
        return new ProbeResult(false, Instant.now(), report.fingerprint(), "cuda:0", half, reason, detail, Double.NaN,
                Double.NaN, (System.nanoTime() - t0) / 1_000_000);
    }

    /** What went wrong, said so that a person knows what to do; {@code text} is the child's error and stderr. */
    static String reason(String text, int exit) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.contains("driver version is insufficient") || t.contains("cudaerrorinsufficientdriver")
                || t.contains("insufficient driver")) {
            return "the NVIDIA driver is too old for CUDA 12.8. Update it (version 570 or newer), then check again.";
        }
        if (t.contains("out of memory")) {
            return "the GPU ran out of memory during the check (another program is using it?). Close programs that"
                    + " use the GPU, then check again.";
        }
        if (t.contains("no kernel image is available")) {
            return "this CUDA libtorch " + GpuRuntime.VERSION + " has no code for this GPU model. The CPU is used;"
                    + " a newer ProtoLens with a newer libtorch will support it.";
        }
        Matcher m = SHARED_LIB.matcher(text);
        Matcher m2 = MISSING_LIB.matcher(text);
        String lib = m.find() ? m.group(1) : m2.find() ? m2.group(1) : null;
        if (lib != null && !lib.startsWith("libtorch") && !lib.startsWith("libc10") && !lib.contains("djl_torch")) {
            return "a system library is missing: " + lib + ". Install it with your system's package manager (it"
                    + " usually comes with the NVIDIA driver or the C++ runtime), then check again.";
        }
        if (t.contains("invalid elf header") || t.contains("file too short") || t.contains("not a valid win32")
                || lib != null) {
            return "the GPU runtime's files are damaged or incomplete. Remove it (protolens gpu remove) and install"
                    + " it again.";
        }
        if (t.contains("sees no gpu") || t.contains("no cuda gpus are available") || t.contains("cuda driver")
                || t.contains("no cuda-capable device")) {
            return "PyTorch loaded the GPU runtime but found no usable GPU (a driver that is loading or broken)."
                    + " Restart the computer, then check again.";
        }
        if (exit == 134 || exit == 139 || t.contains("sigsegv") || t.contains("fatal error")) {
            return "the check crashed inside the native libraries (exit code " + exit + "). Update the NVIDIA"
                    + " driver, then check again; if it keeps crashing, the CPU stays in use.";
        }
        String first = text.strip();
        int nl = first.indexOf('\n');
        first = nl < 0 ? first : first.substring(0, nl);
        return "the check failed (" + (first.isEmpty() ? "exit code " + exit : first) + "). Check again after"
                + " updating the NVIDIA driver; the log has the details.";
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    private static String tail(String s, int lines) {
        String[] all = s.split("\\R");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    private static String lastLine(String s, String fallback) {
        String[] all = s.strip().split("\\R");
        for (int i = all.length - 1; i >= 0; i--) {
            if (!all[i].isBlank()) {
                return all[i].strip();
            }
        }
        return fallback;
    }
}
