package dev.protolens.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.runtime.EngineRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check of the GPU runtime in a child process, where no GPU is needed to see it fail: the child loads a runtime
 * whose libraries are damaged, the reason is recorded, and the next start (another process, the normal start path,
 * with nvidia-smi answering that a GPU is there) runs on the CPU and says that reason.
 */
class RuntimeProbeTest {
    private static final String TABLE = FakeDriver.table("570.124.04", "12.8");
    private static final String CSV = "0, NVIDIA GeForce RTX 4090, 24564, 8.9, 570.124.04\n";
    @TempDir
    Path tmp;

    @Test
    void reasonsSayWhatToDo() {
        assertThat(RuntimeProbe.reason("ai.djl.engine.EngineException: CUDA error: CUDA driver version is insufficient"
                + " for CUDA runtime version", 3)).startsWith("the NVIDIA driver is too old for CUDA 12.8. Update it");
        assertThat(RuntimeProbe.reason("java.lang.IllegalStateException: CUDA out of memory. Tried to allocate 20.00 MiB",
                3)).startsWith("the GPU ran out of memory during the check");
        assertThat(RuntimeProbe.reason("java.lang.UnsatisfiedLinkError: /x/libtorch_cuda.so: libcudnn.so.9: cannot open"
                + " shared object file: No such file or directory", 3))
                .isEqualTo("a system library is missing: libcudnn.so.9. Install it with your system's package manager"
                        + " (it usually comes with the NVIDIA driver or the C++ runtime), then check again.");
        assertThat(RuntimeProbe.reason("java.lang.UnsatisfiedLinkError: /x/libtorch_cuda.so: /x/libtorch_cuda.so:"
                + " invalid ELF header", 3)).startsWith("the GPU runtime's files are damaged or incomplete. Remove it");
        assertThat(RuntimeProbe.reason("RuntimeError: CUDA error: no kernel image is available for execution on the"
                + " device", 3)).startsWith("this CUDA libtorch 2.7.1 has no code for this GPU model.");
        assertThat(RuntimeProbe.reason("#  SIGSEGV (0xb) at pc=0x00007f", 134)).startsWith("the check crashed inside the"
                + " native libraries (exit code 134).");
        assertThat(RuntimeProbe.reason("something else entirely", 3)).startsWith("the check failed (something else"
                + " entirely).");
    }

    @Test
    void theChildsOutputDecidesTheOutcome() {
        GpuReport r = NvidiaSmi.parse(TABLE, CSV, true);
        ProbeResult ok = RuntimeProbe.interpret(r, "bfloat16", 0, "noise\nPROBE {\"device\":\"cuda:0\",\"pytorch\":"
                + "\"2.7.1\",\"matmul_max_error\":3.0E-6,\"fit_loss\":5.52,\"dtype\":\"bfloat16\",\"ok\":true,"
                + "\"millis\":8000}\n", "", System.nanoTime());
        assertThat(ok.ok()).isTrue();
        assertThat(ok.fitLoss()).isEqualTo(5.52);
        assertThat(ok.fingerprint()).isEqualTo(r.fingerprint());
        ProbeResult crashed = RuntimeProbe.interpret(r, "bfloat16", 134, "", "#\n# A fatal error has been detected by"
                + " the Java Runtime Environment:\n#  SIGSEGV (0xb)\n", System.nanoTime());
        assertThat(crashed.ok()).isFalse();
        assertThat(crashed.reason()).startsWith("the check crashed inside the native libraries");
        assertThat(crashed.detail()).isEqualTo("#  SIGSEGV (0xb)");
        assertThat(RuntimeProbe.interpret(r, "bfloat16", 0, "no probe line", "", System.nanoTime()).ok())
                .as("exit 0 without the line is no success").isFalse();
    }

    @Test
    void aFailedCheckInAChildProcessIsRecordedAndTheNextStartRunsOnTheCpuWithItsReason() throws Exception {
        Path djl = tmp.resolve("djl");
        GpuRuntime runtime = new GpuRuntime(djl.resolve("pytorch/2.7.1-cu128-linux-x86_64"), "linux-x86_64");
        Files.createDirectories(runtime.dir());
        // what a download cut short by a full disk could leave: the right names, not libraries
        Files.write(runtime.dir().resolve("libtorch.so"), "not a library".getBytes(StandardCharsets.UTF_8));
        Files.write(runtime.dir().resolve("libtorch_cuda.so"), new byte[100]);
        shareCpuLibtorch(djl);
        Path smi = fakeNvidiaSmi();
        Map<String, String> childEnv = Map.of("DJL_CACHE_DIR", djl.toString(), "PROTOLENS_NVML_LIBRARY",
                tmp.resolve("no-libnvidia-ml.so.1").toString(), "PROTOLENS_NVIDIA_SMI", smi.toString(),
                "PROTOLENS_HOME", tmp.resolve("home").toString());

        List<String> cmd = new ArrayList<>(List.of("env"));
        childEnv.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(RuntimeProbe.childCommand());
        GpuSetup setup = new GpuSetup(new GpuDetection(FakeDriver.noNvml(), smi.toString(), NvidiaSmi::runProcess),
                runtime, Map.of(), new RuntimeProbe(cmd, Duration.ofMinutes(2)), tmp.resolve("home"));
        assertThat(setup.report().devices()).extracting(GpuDevice::name).containsExactly("NVIDIA GeForce RTX 4090");
        assertThat(setup.choose("auto").probeNeeded()).isTrue();

        ProbeResult r = setup.probe();
        System.out.println("probe: " + r);
        assertThat(r.ok()).isFalse();
        assertThat(r.reason()).isEqualTo("the GPU runtime's files are damaged or incomplete. Remove it (protolens gpu"
                + " remove) and install it again.");
        assertThat(r.detail()).contains("UnsatisfiedLinkError");
        assertThat(runtime.probe()).contains(r);
        assertThat(setup.choose("auto").reason()).contains(r.reason());

        List<String> start = new ArrayList<>(List.of("env"));
        childEnv.forEach((k, v) -> start.add(k + "=" + v));
        start.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StartChild.class.getName()));
        Process p = new ProcessBuilder(start).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        System.out.println(out);
        assertThat(out).contains("DEVICE cpu");
        assertThat(out).contains("NATIVES BUNDLED_CPU The GPU runtime failed its check on ");
        assertThat(out).contains("RUNTIME PyTorch 2.7.1 on CPU, 1 thread, compute fp32 (The GPU runtime failed its"
                + " check on ");
        assertThat(out).contains(r.reason());
        assertThat(out).contains("LIBRARY_PATH null");
    }

    /** A shell script that answers like nvidia-smi on a machine with one RTX 4090 and driver 570. */
    private Path fakeNvidiaSmi() throws IOException {
        Path table = Files.writeString(tmp.resolve("table.txt"), TABLE);
        Path csv = Files.writeString(tmp.resolve("query.csv"), CSV);
        Path script = tmp.resolve("nvidia-smi");
        Files.writeString(script, "#!/bin/sh\nif [ $# -eq 0 ]; then cat '" + table + "'; else cat '" + csv + "'; fi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /**
     * The child's DJL cache is a temporary folder (so nothing touches ~/.djl.ai), but unpacking the CPU libtorch there
     * would cost 445 MB and seconds: the folder this JVM's engine uses is linked in instead.
     */
    private static void shareCpuLibtorch(Path djl) throws IOException {
        EngineRuntime.get();
        Path mine = ai.djl.util.Utils.getEngineCacheDir("pytorch");
        Files.createDirectories(djl.resolve("pytorch"));
        try (Stream<Path> s = Files.list(mine)) {
            for (Path d : s.filter(d -> d.getFileName().toString().contains("-cpu-")
                    && Files.isRegularFile(d.resolve("libtorch.so"))).toList()) {
                Files.createSymbolicLink(djl.resolve("pytorch").resolve(d.getFileName()), d);
            }
        }
    }
}
