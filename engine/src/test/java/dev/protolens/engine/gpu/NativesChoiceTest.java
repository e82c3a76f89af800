package dev.protolens.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.gpu.NativesChoice.Natives;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which libtorch a start loads, for each machine and each state of the GPU runtime, and what it says. */
class NativesChoiceTest {
    private static final String LINUX = "linux-x86_64";
    private static final GpuReport NEW_DRIVER = report("570.124.04", 12080, FakeDriver.RTX_4090);
    @TempDir
    Path tmp;
    GpuRuntime runtime;

    static GpuReport report(String driver, int cuda, GpuDevice... d) {
        return new GpuReport(GpuReport.Source.NVML, driver, cuda, List.of(d), null);
    }

    @BeforeEach
    void folder() {
        runtime = new GpuRuntime(tmp.resolve("2.7.1-cu128-linux-x86_64"), LINUX);
    }

    private void install() throws Exception {
        Files.createDirectories(runtime.dir());
        Files.write(runtime.dir().resolve("libtorch.so"), new byte[10]);
        Files.write(runtime.dir().resolve("libtorch_cuda.so"), new byte[20]);
        runtime.saveManifest(new GpuRuntime.Manifest("2.7.1", "cu128", LINUX, "https://publish.djl.ai/pytorch/2.7.1",
                Instant.parse("2026-03-01T10:00:00Z"), 12, List.of(new GpuRuntime.InstalledFile("libtorch.so", 10, "a"),
                new GpuRuntime.InstalledFile("libtorch_cuda.so", 20, "b"))));
    }

    private static ProbeResult probe(boolean ok, GpuReport under, String reason) {
        return new ProbeResult(ok, Instant.parse("2026-03-01T10:05:00Z"), under.fingerprint(), "cuda:0", "bfloat16",
                reason, null, ok ? 1e-5 : Double.NaN, ok ? 5.5 : Double.NaN, 9000);
    }

    private NativesChoice choose(Map<String, String> user, String device, GpuReport r) {
        return NativesChoice.choose(user, device, LINUX, r, runtime);
    }

    @Test
    void noGpuRunsTheBundledCpuLibtorchWithoutAWarning() {
        NativesChoice c = choose(Map.of(), "auto", GpuReport.none("libnvidia-ml.so.1 not found"));
        assertThat(c.natives()).isEqualTo(Natives.BUNDLED_CPU);
        assertThat(c.properties()).isEmpty();
        assertThat(c.gpuUnused()).isFalse();
        assertThat(c.reason()).isEqualTo("No NVIDIA GPU was found (libnvidia-ml.so.1 not found); the bundled CPU"
                + " libtorch runs.");
    }

    @Test
    void aDriverWithoutTheRuntimeRunsOnTheCpuAndSaysHowToInstallIt() {
        NativesChoice c = choose(Map.of(), "auto", NEW_DRIVER);
        assertThat(c.natives()).isEqualTo(Natives.BUNDLED_CPU);
        assertThat(c.gpuUnused()).isTrue();
        assertThat(c.reason()).startsWith("The GPU runtime is not installed: install it (GPU in the window's left bar,"
                + " or protolens gpu install; about 2–3 GB into " + runtime.dir() + ") to run on the NVIDIA GeForce"
                + " RTX 4090.");
    }

    @Test
    void anOldDriverSaysWhichVersionToInstall() throws Exception {
        install();
        NativesChoice c = choose(Map.of(), "auto", report("535.183.01", 12020, FakeDriver.RTX_4090));
        assertThat(c.natives()).isEqualTo(Natives.BUNDLED_CPU);
        assertThat(c.gpuUnused()).isTrue();
        assertThat(c.reason()).isEqualTo("The NVIDIA driver 535.183.01 supports CUDA 12.2, but the GPU runtime (CUDA"
                + " libtorch 2.7.1) needs CUDA 12.8: update the NVIDIA driver (version 570 or newer) to use the NVIDIA"
                + " GeForce RTX 4090. Until then the CPU runs.");
    }

    @Test
    void anInstalledRuntimeIsCheckedBeforeItIsTrustedAndAgainAfterADriverUpdate() throws Exception {
        install();
        NativesChoice unchecked = choose(Map.of(), "auto", NEW_DRIVER);
        assertThat(unchecked.natives()).isEqualTo(Natives.BUNDLED_CPU);
        assertThat(unchecked.probeNeeded()).isTrue();
        assertThat(unchecked.reason()).startsWith("The GPU runtime has not been checked on this machine yet");

        runtime.saveProbe(probe(true, NEW_DRIVER, null));
        NativesChoice checked = choose(Map.of(), "auto", NEW_DRIVER);
        assertThat(checked.natives()).isEqualTo(Natives.GPU_RUNTIME);
        assertThat(checked.probeNeeded()).isFalse();
        assertThat(checked.gpuUnused()).isFalse();
        assertThat(checked.halfType()).isEqualTo("bfloat16");
        assertThat(checked.properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "PYTORCH_LIBRARY_PATH", runtime.dir().toString(), "PYTORCH_FLAVOR", "cu128", "PYTORCH_VERSION", "2.7.1"));

        GpuReport updated = report("575.51.02", 12090, FakeDriver.RTX_4090);
        NativesChoice afterUpdate = choose(Map.of(), "auto", updated);
        assertThat(afterUpdate.natives()).isEqualTo(Natives.BUNDLED_CPU);
        assertThat(afterUpdate.probeNeeded()).isTrue();
        assertThat(afterUpdate.reason()).startsWith("The NVIDIA driver or the GPUs changed since the GPU runtime was"
                + " checked");
    }

    @Test
    void aFailedCheckRunsOnTheCpuWithTheRecordedReason() throws Exception {
        install();
        runtime.saveProbe(probe(false, NEW_DRIVER, "the GPU ran out of memory during the check (another program is"
                + " using it?). Close programs that use the GPU, then check again."));
        NativesChoice c = choose(Map.of(), "auto", NEW_DRIVER);
        assertThat(c.natives()).isEqualTo(Natives.BUNDLED_CPU);
        assertThat(c.probeNeeded()).isFalse();
        assertThat(c.gpuUnused()).isTrue();
        assertThat(c.reason()).isEqualTo("The GPU runtime failed its check on 2026-03-01: the GPU ran out of memory"
                + " during the check (another program is using it?). Close programs that use the GPU, then check"
                + " again. The CPU runs until a check passes (protolens gpu probe, or Check again under GPU in the"
                + " window).");
    }

    @Test
    void aUserSetLibraryPathWinsOverEverything() throws Exception {
        install();
        runtime.saveProbe(probe(true, NEW_DRIVER, null));
        NativesChoice c = choose(Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib"), "auto", NEW_DRIVER);
        assertThat(c.natives()).isEqualTo(Natives.USER_SETTINGS);
        assertThat(c.properties()).isEmpty();
        assertThat(c.reason()).isEqualTo("You set PYTORCH_LIBRARY_PATH=/opt/libtorch/lib: ProtoLens loads the libtorch"
                + " these name and does not choose one itself.");
        assertThat(NativesChoice.choose(Map.of("PYTORCH_FLAVOR", "cu124"), "auto", LINUX, NEW_DRIVER, runtime)
                .natives()).isEqualTo(Natives.USER_SETTINGS);
    }

    @Test
    void userSettingsComeFromTheEnvironmentButNotFromPropertiesThisProcessSet() {
        assertThat(NativesChoice.userSettings(Map.of("PYTORCH_LIBRARY_PATH", "/x", "HOME", "/root"), Map.of()))
                .containsExactly(Map.entry("PYTORCH_LIBRARY_PATH", "/x"));
        String before = System.getProperty("PYTORCH_FLAVOR");
        try {
            System.setProperty("PYTORCH_FLAVOR", "cu128");
            assertThat(NativesChoice.userSettings(Map.of(), Map.of())).containsEntry("PYTORCH_FLAVOR", "cu128");
            assertThat(NativesChoice.userSettings(Map.of(), Map.of("PYTORCH_FLAVOR", "cu128"))).isEmpty();
        } finally {
            if (before == null) {
                System.clearProperty("PYTORCH_FLAVOR");
            } else {
                System.setProperty("PYTORCH_FLAVOR", before);
            }
        }
    }

    @Test
    void cpuAskedForRunsTheBundledLibtorchEvenWithACheckedRuntime() throws Exception {
        install();
        runtime.saveProbe(probe(true, NEW_DRIVER, null));
        NativesChoice c = choose(Map.of(), "cpu", NEW_DRIVER);
        assertThat(c.natives()).isEqualTo(Natives.BUNDLED_CPU);
        assertThat(c.gpuUnused()).isFalse();
        assertThat(c.properties()).isEmpty();
    }

    @Test
    void aNewGpuUsesTheRuntimeAndSeveralGpusWithAnOldOneComputeInFp16() throws Exception {
        install();
        GpuReport blackwell = report("570.124.04", 12080, FakeDriver.RTX_5090);
        runtime.saveProbe(probe(true, blackwell, null));
        assertThat(choose(Map.of(), "auto", blackwell).natives()).isEqualTo(Natives.GPU_RUNTIME);

        GpuReport mixed = report("570.124.04", 12080, FakeDriver.RTX_4090, FakeDriver.T4);
        assertThat(choose(Map.of(), "auto", mixed).halfType()).isEqualTo("float16");
        assertThat(choose(Map.of(), "auto", mixed).probeNeeded()).as("another set of GPUs is checked again").isTrue();
    }

    @Test
    void aDamagedRuntimeIsNotLoaded() throws Exception {
        install();
        runtime.saveProbe(probe(true, NEW_DRIVER, null));
        Files.write(runtime.dir().resolve("libtorch_cuda.so"), new byte[5]);
        NativesChoice c = choose(Map.of(), "auto", NEW_DRIVER);
        assertThat(c.natives()).isEqualTo(Natives.BUNDLED_CPU);
        assertThat(c.reason()).contains("is damaged (libtorch_cuda.so has 5 bytes instead of 20): remove it");
    }

    @Test
    void aSystemWithoutDjlCudaBuildsSaysSo() {
        NativesChoice c = NativesChoice.choose(Map.of(), "auto", null, NEW_DRIVER, null);
        assertThat(c.natives()).isEqualTo(Natives.BUNDLED_CPU);
        assertThat(c.reason()).startsWith("DJL publishes no CUDA libtorch 2.7.1 for ");
    }
}
