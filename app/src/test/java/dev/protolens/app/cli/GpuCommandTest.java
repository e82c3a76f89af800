package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.gpu.GpuDetection;
import dev.protolens.engine.gpu.GpuDevice;
import dev.protolens.engine.gpu.GpuReport;
import dev.protolens.engine.gpu.GpuRuntime;
import dev.protolens.engine.gpu.GpuSetup;
import dev.protolens.engine.gpu.Nvml;
import dev.protolens.engine.gpu.ProbeResult;
import dev.protolens.engine.gpu.RuntimeProbe;
import dev.protolens.engine.testing.FakeNvml;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code protolens gpu status|install|remove} with the driver's answers faked (an RTX 4090 on driver 570, or no
 * driver) and the runtime's folder in a temporary DJL cache: what status prints in each state, what remove frees,
 * and the install's refusals and failures in words.
 */
class GpuCommandTest {
    static final GpuDevice RTX_4090 = new GpuDevice(0, "NVIDIA GeForce RTX 4090", 25_757_220_864L, 8, 9);
    @TempDir
    Path tmp;
    GpuRuntime runtime;

    @AfterEach
    void restore() {
        GpuCommand.setup = GpuSetup::system;
    }

    static Nvml.Opener nvml(GpuDevice... devices) {
        return FakeNvml.driver570(devices);
    }

    private GpuSetup setup(Nvml.Opener n) {
        runtime = new GpuRuntime(tmp.resolve("djl/pytorch/2.7.1-cu128-linux-x86_64"), "linux-x86_64");
        List<String> child = new ArrayList<>(List.of("env", "DJL_CACHE_DIR=" + tmp.resolve("djl")));
        child.addAll(RuntimeProbe.childCommand());
        GpuSetup s = new GpuSetup(new GpuDetection(n, "nvidia-smi", cmd -> Optional.empty()), runtime, Map.of(),
                new RuntimeProbe(child, Duration.ofMinutes(2)), tmp.resolve("config"));
        GpuCommand.setup = () -> s;
        return s;
    }

    private void installFakeRuntime() throws Exception {
        Files.createDirectories(runtime.dir());
        Files.write(runtime.dir().resolve("libtorch.so"), new byte[1000]);
        Files.write(runtime.dir().resolve("libtorch_cuda.so"), new byte[2000]);
    }

    @Test
    void statusOfACheckedRuntimeSaysTheNextStartUsesCuda() throws Exception {
        GpuSetup s = setup(nvml(RTX_4090));
        installFakeRuntime();
        GpuReport r = s.report();
        runtime.saveProbe(new ProbeResult(true, Instant.parse("2026-03-01T10:00:00Z"), r.fingerprint(), "cuda:0",
                "bfloat16", null, null, 2e-6, 5.5, 12_300));
        Cli.Result res = Cli.run("gpu", "status");
        assertThat(res.exit()).as(res.err()).isZero();
        List<String> lines = res.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("driver      NVIDIA 570.124.04, supports CUDA 12.8 (read through NVML)");
        assertThat(lines.get(1)).isEqualTo("GPU 0       NVIDIA GeForce RTX 4090, 25.8 GB, compute 8.9, bf16");
        assertThat(lines.get(2)).isEqualTo("runtime     CUDA libtorch 2.7.1 (cu128) in " + runtime.dir() + ", "
                + dev.protolens.engine.hub.Sizes.human(runtime.bytesOnDisk()) + ", found in DJL's cache");
        assertThat(runtime.bytesOnDisk()).as("the libraries and the check's record").isBetween(3000L, 4000L);
        assertThat(lines.get(3)).startsWith("check       passed 2026-03-01 ").endsWith(" on cuda:0 in bfloat16 (12.3 s)");
        assertThat(lines.get(4)).startsWith("next start  CUDA on cuda:0, weights bfloat16, e, m, loss and AdamW in"
                + " float32. The GPU runtime (CUDA libtorch 2.7.1 in " + runtime.dir());

        JsonNode j = Json.MAPPER.readTree(Cli.run("gpu", "status", "--json").out());
        assertThat(j.at("/detected/source").asString()).isEqualTo("nvml");
        assertThat(j.at("/detected/gpus/0/compute_capability").asString()).isEqualTo("8.9");
        assertThat(j.at("/runtime/installed").asBoolean()).isTrue();
        assertThat(j.at("/check/ok").asBoolean()).isTrue();
        assertThat(j.at("/check/current_driver").asBoolean()).isTrue();
        assertThat(j.at("/next_start/natives").asString()).isEqualTo("gpu_runtime");
        assertThat(j.at("/next_start/weights").asString()).isEqualTo("bfloat16");
        assertThat(j.at("/next_start/properties/PYTORCH_LIBRARY_PATH").asString()).isEqualTo(runtime.dir().toString());
        assertThat(j.at("/next_start/properties/PYTORCH_FLAVOR").asString()).isEqualTo("cu128");
    }

    @Test
    void statusAfterAFailedCheckSaysWhyAndThatTheCpuRuns() throws Exception {
        GpuSetup s = setup(nvml(RTX_4090));
        installFakeRuntime();
        runtime.saveProbe(new ProbeResult(false, Instant.parse("2026-03-01T10:00:00Z"), s.report().fingerprint(),
                "cuda:0", "bfloat16", "a system library is missing: libcudnn.so.9. Install it with your system's"
                + " package manager (it usually comes with the NVIDIA driver or the C++ runtime), then check again.",
                "java.lang.UnsatisfiedLinkError: …", Double.NaN, Double.NaN, 4000));
        Cli.Result res = Cli.run("gpu", "status");
        List<String> lines = res.out().lines().toList();
        assertThat(lines.get(3)).startsWith("check       failed 2026-03-01 ").contains(": a system library is missing:"
                + " libcudnn.so.9.");
        assertThat(lines.get(4)).isEqualTo("next start  the CPU, float32. The GPU runtime failed its check on"
                + " 2026-03-01: a system library is missing: libcudnn.so.9. Install it with your system's package"
                + " manager (it usually comes with the NVIDIA driver or the C++ runtime), then check again. The CPU"
                + " runs until a check passes (protolens gpu probe, or Check again under GPU in the window).");
    }

    @Test
    void statusWithoutADriverAndWithoutTheRuntime() {
        setup(FakeNvml.none());
        Cli.Result res = Cli.run("gpu", "status");
        assertThat(res.out()).isEqualTo("""
                driver      no NVIDIA GPU found (NVML: libnvidia-ml.so.1 not found (no NVIDIA driver installed); \
                nvidia-smi is not installed)
                runtime     not installed (would go to %s, about 2–3 GB)
                check       -
                next start  the CPU, float32. No NVIDIA GPU was found (NVML: libnvidia-ml.so.1 not found (no NVIDIA \
                driver installed); nvidia-smi is not installed); the bundled CPU libtorch runs.
                """.formatted(runtime.dir()));
        Cli.Result install = Cli.run("gpu", "install");
        assertThat(install.exit()).isEqualTo(2);
        assertThat(install.err()).startsWith("error: No NVIDIA GPU was found (").contains("Use --force to install"
                + " anyway.");
    }

    @Test
    void installOfflineSaysSoInOneSentence() throws Exception {
        int port;
        try (ServerSocket sock = new ServerSocket(0)) {
            port = sock.getLocalPort();
        }
        setup(nvml(RTX_4090)).withDownloadBase(URI.create("http://127.0.0.1:" + port + "/pytorch/2.7.1"));
        Cli.Result res = Cli.run("gpu", "install");
        assertThat(res.exit()).isEqualTo(2);
        assertThat(res.err().strip()).isEqualTo("error: ProtoLens cannot reach 127.0.0.1 (connection refused), where"
                + " DJL publishes the CUDA libtorch, so the GPU runtime cannot be downloaded now; ProtoLens keeps"
                + " working on the CPU.");
        assertThat(runtime.dir()).doesNotExist();
    }

    @Test
    void installFromAFolderCopiesChecksAndRecordsAFailure() throws Exception {
        setup(nvml(RTX_4090));
        Path src = Files.createDirectories(tmp.resolve("libtorch/lib"));
        Files.writeString(src.resolve("libtorch.so"), "not a library");
        Files.writeString(src.resolve("libtorch_cuda.so"), "not one either");
        Files.writeString(src.resolve("README.txt"), "not copied");
        Cli.Result res = Cli.run("gpu", "install", "--from", src.toString());
        assertThat(res.exit()).as(res.err()).isEqualTo(2);
        assertThat(res.out()).isEqualTo("The GPU runtime failed its check: the GPU runtime's files are damaged or"
                + " incomplete. Remove it (protolens gpu remove) and install it again.\nProtoLens keeps running on the"
                + " CPU.\n");
        assertThat(runtime.manifest().orElseThrow().files()).extracting(GpuRuntime.InstalledFile::name)
                .containsExactly("libtorch.so", "libtorch_cuda.so");
        assertThat(runtime.manifest().orElseThrow().source()).isEqualTo(src.toAbsolutePath().toString());
        assertThat(runtime.probe().orElseThrow().ok()).isFalse();

        Cli.Result removed = Cli.run("gpu", "remove");
        assertThat(removed.out()).startsWith("Removed the GPU runtime from " + runtime.dir() + " (");
        assertThat(runtime.dir()).doesNotExist();
        assertThat(Cli.run("gpu", "remove").out()).isEqualTo("No GPU runtime in " + runtime.dir()
                + "; nothing to remove.\n");
    }

    @Test
    void benchOnTheCpuRefusesBf16AndACudaItCannotMeasure() {
        Path dir = dev.protolens.engine.testing.TinyModels.write(tmp, "llama", 3);
        if (dev.protolens.engine.runtime.EngineRuntime.get().isGpu()) {
            return; // a GPU machine: bench/gpu-check.sh measures both there
        }
        Cli.Result bf16 = Cli.run("bench", "--model", dir.toString(), "--dtype", "bf16", "--steps", "2");
        assertThat(bf16.exit()).isEqualTo(2);
        assertThat(bf16.err()).contains("error: bf16 needs a CUDA GPU. On the CPU ProtoLens computes in fp32");
        Cli.Result cuda = Cli.run("bench", "--model", dir.toString(), "--device", "cuda", "--steps", "2");
        assertThat(cuda.exit()).isEqualTo(2);
        assertThat(cuda.err()).contains("error: bench --device cuda cannot measure a GPU here: ");
        Cli.Result cpu = Cli.run("bench", "--model", dir.toString(), "--steps", "3", "--warmup", "1", "--length", "8");
        assertThat(cpu.exit()).as(cpu.err()).isZero();
        assertThat(cpu.out()).contains("\"dtype\" : \"float32\"").doesNotContain("by_dtype");
    }
}
