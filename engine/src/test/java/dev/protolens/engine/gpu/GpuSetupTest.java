package dev.protolens.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the window offers the GPU runtime on its first start, and that the answer is kept. */
class GpuSetupTest {
    @TempDir
    Path tmp;

    private GpuSetup setup(Nvml.Opener nvml, Map<String, String> env) {
        return new GpuSetup(new GpuDetection(nvml, "nvidia-smi", FakeDriver.Smi.notInstalled()),
                new GpuRuntime(tmp.resolve("djl/pytorch/2.7.1-cu128-linux-x86_64"), "linux-x86_64"), env,
                new RuntimeProbe(List.of("false"), Duration.ofSeconds(5)), tmp.resolve("config"));
    }

    @Test
    void offeredOnceWhereADriverCanRunItAndNothingIsInstalled() {
        GpuSetup s = setup(FakeDriver.nvml("570.124.04", 12080, FakeDriver.RTX_4090), Map.of());
        assertThat(s.shouldOffer()).isTrue();
        s.rememberOffer("later");
        assertThat(s.offerAnswer()).contains("later");
        assertThat(s.shouldOffer()).isFalse();
        assertThat(setup(FakeDriver.nvml("570.124.04", 12080, FakeDriver.RTX_4090), Map.of()).shouldOffer())
                .as("the answer is kept on disk").isFalse();
    }

    @Test
    void notOfferedWithoutAGpuWithAnOldDriverWithUserSettingsOrWhenInstalled() throws Exception {
        assertThat(setup(FakeDriver.noNvml(), Map.of()).shouldOffer()).isFalse();
        assertThat(setup(FakeDriver.nvml("535.183.01", 12020, FakeDriver.RTX_4090), Map.of()).shouldOffer()).isFalse();
        assertThat(setup(FakeDriver.nvml("570.124.04", 12080, FakeDriver.RTX_4090),
                Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib")).shouldOffer()).isFalse();
        GpuSetup s = setup(FakeDriver.nvml("570.124.04", 12080, FakeDriver.RTX_4090), Map.of());
        Path dir = s.runtime().orElseThrow().dir();
        Files.createDirectories(dir);
        Files.write(dir.resolve("libtorch.so"), new byte[1]);
        Files.write(dir.resolve("libtorch_cuda.so"), new byte[1]);
        assertThat(s.shouldOffer()).isFalse();
    }

    @Test
    void aProbeThatCannotStartIsAFailureWithAReasonNotACrash() throws Exception {
        GpuSetup s = new GpuSetup(new GpuDetection(FakeDriver.nvml("570.124.04", 12080, FakeDriver.RTX_4090),
                "nvidia-smi", FakeDriver.Smi.notInstalled()), new GpuRuntime(tmp.resolve("rt"), "linux-x86_64"),
                Map.of(), new RuntimeProbe(List.of(tmp.resolve("no-such-java").toString()), Duration.ofSeconds(5)),
                tmp.resolve("config"));
        Files.createDirectories(tmp.resolve("rt"));
        Files.write(tmp.resolve("rt/libtorch.so"), new byte[1]);
        Files.write(tmp.resolve("rt/libtorch_cuda.so"), new byte[1]);
        ProbeResult r = s.probe();
        assertThat(r.ok()).isFalse();
        assertThat(r.reason()).startsWith("ProtoLens could not start the check (");
        assertThat(s.runtime().orElseThrow().probe()).contains(r);
    }
}
