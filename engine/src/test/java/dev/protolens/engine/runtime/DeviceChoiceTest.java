package dev.protolens.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The device choice and what it tells the user. Runs where the engine sees no GPU (the project's machines and CI):
 * asking for CUDA falls back to the CPU with a reason; on a GPU machine the same call must pick the GPU instead.
 */
class DeviceChoiceTest {
    @Test
    void askingForCudaWithoutAGpuRunsOnTheCpuAndSaysWhy() {
        EngineRuntime rt = EngineRuntime.get();
        int gpus = rt.engine().getGpuCount();
        EngineRuntime.DeviceChoice cuda = EngineRuntime.chooseDevice(rt.engine(), "cuda");
        EngineRuntime.DeviceChoice cpu = EngineRuntime.chooseDevice(rt.engine(), "cpu");
        EngineRuntime.DeviceChoice auto = EngineRuntime.chooseDevice(rt.engine(), "auto");
        System.out.println("GPUs seen: " + gpus + "; cuda -> " + cuda + "; runtime: " + rt.describe());
        assertThat(cpu.device().isGpu()).isFalse();
        assertThat(cpu.fallback()).isNull();
        if (gpus == 0) {
            assertThat(cuda.device().isGpu()).isFalse();
            assertThat(cuda.fallback()).contains("CUDA was asked for (cuda)", "running on the CPU");
            assertThat(auto.device().isGpu()).isFalse();
            assertThat(rt.describe()).startsWith("PyTorch 2.7.1 on CPU");
        } else {
            assertThat(cuda.device().isGpu()).isTrue();
            assertThat(cuda.fallback()).isNull();
            assertThat(auto.device().isGpu()).isTrue();
        }
        assertThatThrownBy(() -> EngineRuntime.chooseDevice(rt.engine(), "tpu"))
                .hasMessageContaining("unknown device 'tpu'");
    }
}
