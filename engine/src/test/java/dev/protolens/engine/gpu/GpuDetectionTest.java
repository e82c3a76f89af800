package dev.protolens.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the driver says, read before any CUDA library loads: through NVML (answered by a fake here) and, when NVML
 * cannot be loaded, from nvidia-smi's output (real outputs of each case). The cases: only a driver, an old driver, a
 * GPU newer than DJL's CUDA detection handles, no GPU, several GPUs.
 */
class GpuDetectionTest {

    private static GpuReport detect(Nvml.Opener nvml, FakeDriver.Smi smi) {
        return new GpuDetection(nvml, "nvidia-smi", smi).detect();
    }

    @Test
    void aMachineWithOnlyTheDriverIsReadThroughNvmlWithoutAnyCudaToolkit() {
        FakeDriver.Smi smi = FakeDriver.Smi.notInstalled();
        GpuReport r = detect(FakeDriver.nvml("570.124.04", 12080, FakeDriver.RTX_4090), smi);
        assertThat(r.source()).isEqualTo(GpuReport.Source.NVML);
        assertThat(r.hasGpu()).isTrue();
        assertThat(r.driverSupportsRuntime()).isTrue();
        assertThat(r.bf16()).isTrue();
        assertThat(r.devices()).extracting(GpuDevice::name).containsExactly("NVIDIA GeForce RTX 4090");
        assertThat(r.describe()).isEqualTo("NVIDIA driver 570.124.04 (CUDA 12.8) · 1 GPU: NVIDIA GeForce RTX 4090,"
                + " 25.8 GB, compute 8.9");
        assertThat(smi.calls).as("nvidia-smi is only the fallback").isEmpty();
    }

    @Test
    void anOldDriverIsSeenButCannotRunTheCuda128Runtime() {
        GpuReport r = detect(FakeDriver.nvml("535.183.01", 12020, FakeDriver.RTX_4090), FakeDriver.Smi.notInstalled());
        assertThat(r.hasGpu()).isTrue();
        assertThat(r.cudaVersion()).isEqualTo(12020);
        assertThat(GpuReport.cudaText(r.cudaVersion())).isEqualTo("12.2");
        assertThat(r.driverSupportsRuntime()).isFalse();
    }

    @Test
    void aNewGpuIsReadFromTheDriverNotMisdetected() {
        // DJL 0.36 reads libcudart and has misdetected an RTX 5090; the driver knows it as compute 12.0 with CUDA 12.8
        GpuReport r = detect(FakeDriver.nvml("570.124.04", 12080, FakeDriver.RTX_5090), FakeDriver.Smi.notInstalled());
        assertThat(r.driverSupportsRuntime()).isTrue();
        assertThat(r.devices().getFirst().computeCapability()).isEqualTo("12.0");
        assertThat(r.bf16()).isTrue();
    }

    @Test
    void noGpuWhenNeitherNvmlNorNvidiaSmiIsThere() {
        FakeDriver.Smi smi = FakeDriver.Smi.notInstalled();
        GpuReport r = detect(FakeDriver.noNvml(), smi);
        assertThat(r.source()).isEqualTo(GpuReport.Source.NONE);
        assertThat(r.hasGpu()).isFalse();
        assertThat(r.note()).isEqualTo("NVML: libnvidia-ml.so.1 not found (no NVIDIA driver installed);"
                + " nvidia-smi is not installed");
        assertThat(smi.calls).containsExactly("nvidia-smi");
    }

    @Test
    void noGpuWhenTheDriverSeesNone() {
        assertThat(detect(FakeDriver.nvml("570.124.04", 12080), FakeDriver.Smi.notInstalled()).note())
                .isEqualTo("the NVIDIA driver 570.124.04 sees no GPU");
        FakeDriver.Smi smi = new FakeDriver.Smi().answer(List.of(), 6, "No devices were found\n");
        GpuReport r = detect(FakeDriver.noNvml(), smi);
        assertThat(r.hasGpu()).isFalse();
        assertThat(r.note()).endsWith("nvidia-smi found no usable driver or GPU: No devices were found");
        FakeDriver.Smi noDriver = new FakeDriver.Smi().answer(List.of(), 9, "NVIDIA-SMI has failed because it couldn't"
                + " communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n");
        assertThat(detect(FakeDriver.noNvml(), noDriver).note()).contains("couldn't communicate with the NVIDIA driver");
    }

    @Test
    void severalGpusAreAllListedAndAnOlderOneMeansFp16() {
        GpuReport r = detect(FakeDriver.nvml("570.124.04", 12080, FakeDriver.RTX_4090, FakeDriver.T4),
                FakeDriver.Smi.notInstalled());
        assertThat(r.devices()).extracting(GpuDevice::index).containsExactly(0, 1);
        assertThat(r.devices()).extracting(GpuDevice::name).containsExactly("NVIDIA GeForce RTX 4090", "Tesla T4");
        assertThat(r.bf16()).as("the T4 (compute 7.5) has no bf16 kernels").isFalse();
        assertThat(r.describe()).contains("2 GPUs: NVIDIA GeForce RTX 4090, 25.8 GB, compute 8.9; Tesla T4, 16.1 GB,"
                + " compute 7.5");
        assertThat(r.fingerprint()).isEqualTo("570.124.04|12.8|NVIDIA GeForce RTX 4090@8.9,Tesla T4@7.5");
    }

    @Test
    void nvidiaSmiAnswersWhenNvmlCannotBeLoaded() {
        FakeDriver.Smi smi = FakeDriver.Smi.gpus("570.124.04", "12.8",
                "0, NVIDIA GeForce RTX 5090, 32607, 12.0, 570.124.04\n");
        GpuReport r = detect(FakeDriver.noNvml(), smi);
        assertThat(r.source()).isEqualTo(GpuReport.Source.NVIDIA_SMI);
        assertThat(r.driverVersion()).isEqualTo("570.124.04");
        assertThat(r.cudaVersion()).isEqualTo(12080);
        assertThat(r.devices()).containsExactly(new GpuDevice(0, "NVIDIA GeForce RTX 5090", 32607L << 20, 12, 0));
        assertThat(r.driverSupportsRuntime()).isTrue();
    }

    @Test
    void nvidiaSmiWithSeveralGpusAndACommaInAName() {
        FakeDriver.Smi smi = FakeDriver.Smi.gpus("570.124.04", "12.8", """
                0, NVIDIA A100-SXM4-80GB, 81920, 8.0, 570.124.04
                1, NVIDIA RTX A6000, Ada, 49140, 8.9, 570.124.04
                """);
        GpuReport r = detect(FakeDriver.noNvml(), smi);
        assertThat(r.devices()).extracting(GpuDevice::name)
                .containsExactly("NVIDIA A100-SXM4-80GB", "NVIDIA RTX A6000, Ada");
        assertThat(r.devices().get(1).memoryBytes()).isEqualTo(49140L << 20);
        assertThat(r.devices().get(1).computeCapability()).isEqualTo("8.9");
    }

    @Test
    void anOldNvidiaSmiWithoutComputeCapIsAskedAgainAndItsCudaVersionIsRead() {
        FakeDriver.Smi smi = new FakeDriver.Smi()
                .answer(List.of(), 0, FakeDriver.table("470.256.02", "11.4"))
                .answer(NvidiaSmi.QUERY, 2, "Field \"compute_cap\" is not a valid field to query.\n")
                .answer(NvidiaSmi.QUERY_OLD, 0, "0, Tesla K80, 11441, 470.256.02\n");
        GpuReport r = detect(FakeDriver.noNvml(), smi);
        assertThat(r.devices()).containsExactly(new GpuDevice(0, "Tesla K80", 11441L << 20, -1, -1));
        assertThat(r.cudaVersion()).isEqualTo(11040);
        assertThat(r.driverSupportsRuntime()).isFalse();
        assertThat(r.bf16()).isFalse();
        assertThat(smi.calls).hasSize(3);
    }
}
