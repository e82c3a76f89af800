package dev.protolens.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFM binding to NVML, called through a stand-in libnvidia-ml built from {@code gpu/fake_nvml.c} with gcc (no C
 * library needed): the same symbols, argument types and structs as the driver's, so a wrong signature, struct
 * layout or string handling fails here.
 */
class NvmlLibraryTest {
    @TempDir
    static Path tmp;
    static Path good;
    static Path failing;

    @BeforeAll
    static void build() throws Exception {
        Path src = tmp.resolve("fake_nvml.c");
        try (var in = NvmlLibraryTest.class.getResourceAsStream("/gpu/fake_nvml.c")) {
            Files.copy(in, src);
        }
        good = compile(src, tmp.resolve("libfake-nvml.so"));
        failing = compile(src, tmp.resolve("libfake-nvml-fail.so"), "-DFAIL_INIT");
    }

    private static Path compile(Path src, Path out, String... flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-nostdlib", "-o", out.toString()));
        cmd.addAll(List.of(flags));
        cmd.add(src.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("gcc: " + log).isZero();
        return out;
    }

    @Test
    void readsDriverDevicesAndMemoryThroughTheRealBinding() {
        try (Nvml n = NvmlLibrary.open(good.toString())) {
            assertThat(n.driverVersion()).isEqualTo("570.124.04");
            assertThat(n.cudaDriverVersion()).isEqualTo(12080);
            assertThat(n.deviceCount()).isEqualTo(2);
            assertThat(n.device(0)).isEqualTo(new GpuDevice(0, "NVIDIA GeForce RTX 5090", 34190458880L, 12, 0));
            assertThat(n.device(1)).isEqualTo(new GpuDevice(1, "NVIDIA A100-SXM4-80GB", 85899345920L, 8, 0));
            assertThat(n.memoryUsed(1)).isEqualTo(536870912L);
            assertThatThrownBy(() -> n.device(2)).isInstanceOf(Nvml.NvmlException.class)
                    .hasMessage("nvmlDeviceGetHandleByIndex: Invalid Argument (NVML error 2)");
        }
    }

    @Test
    void detectionThroughTheBindingGivesTheFullReport() {
        GpuReport r = new GpuDetection(() -> NvmlLibrary.open(good.toString()), "nvidia-smi",
                FakeDriver.Smi.notInstalled()).detect();
        assertThat(r.source()).isEqualTo(GpuReport.Source.NVML);
        assertThat(r.driverSupportsRuntime()).isTrue();
        assertThat(r.bf16()).isTrue();
        assertThat(r.devices()).hasSize(2);
    }

    @Test
    void aDriverThatIsNotLoadedSaysSoAndNvidiaSmiIsAskedNext() {
        assertThatThrownBy(() -> NvmlLibrary.open(failing.toString())).isInstanceOf(Nvml.NvmlException.class)
                .hasMessage("the NVIDIA driver did not start NVML: Driver Not Loaded (NVML error 9)");
        FakeDriver.Smi smi = FakeDriver.Smi.notInstalled();
        GpuReport r = new GpuDetection(() -> NvmlLibrary.open(failing.toString()), "nvidia-smi", smi).detect();
        assertThat(r.hasGpu()).isFalse();
        assertThat(r.note()).startsWith("NVML: the NVIDIA driver did not start NVML");
        assertThat(smi.calls).containsExactly("nvidia-smi");
    }

    @Test
    void aMissingLibraryIsNoDriver() {
        assertThatThrownBy(() -> NvmlLibrary.open(tmp.resolve("libnvidia-ml.so.1").toString()))
                .isInstanceOf(Nvml.NvmlException.class).hasMessageEndingWith("not found (no NVIDIA driver installed)");
    }
}
