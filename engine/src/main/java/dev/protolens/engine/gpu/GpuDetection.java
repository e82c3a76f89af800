package dev.protolens.engine.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the NVIDIA driver without loading any CUDA library: NVML first, {@code nvidia-smi} when NVML cannot be used.
 * This is what decides, before DJL's engine starts, whether the CUDA libtorch can run here. DJL's own check reads the
 * CUDA toolkit's {@code libcudart}, which a machine with only the driver does not have, and which says nothing about
 * what the driver supports.
 */
public final class GpuDetection {
    private final Nvml.Opener nvml;
    private final String smiProgram;
    private final NvidiaSmi.Runner smi;

    public GpuDetection(Nvml.Opener nvml, String smiProgram, NvidiaSmi.Runner smi) {
        this.nvml = nvml;
        this.smiProgram = smiProgram;
        this.smi = smi;
    }

    /** The real driver: {@link NvmlLibrary}, then the {@code nvidia-smi} program. */
    public static GpuDetection system() {
        return new GpuDetection(NvmlLibrary::open, NvidiaSmi.program(), NvidiaSmi::runProcess);
    }

    public GpuReport detect() {
        String nvmlProblem;
        try (Nvml n = nvml.open()) {
            return read(n);
        } catch (Nvml.NvmlException | LinkageError e) {
            nvmlProblem = "NVML: " + e.getMessage();
        }
        GpuReport fromSmi = NvidiaSmi.query(smiProgram, smi);
        if (fromSmi.source() == GpuReport.Source.NONE) {
            return GpuReport.none(nvmlProblem + "; " + fromSmi.note());
        }
        return fromSmi;
    }

    private static GpuReport read(Nvml n) {
        int count = n.deviceCount();
        if (count == 0) {
            return GpuReport.none("the NVIDIA driver " + n.driverVersion() + " sees no GPU");
        }
        List<GpuDevice> devices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            devices.add(n.device(i));
        }
        return new GpuReport(GpuReport.Source.NVML, n.driverVersion(), n.cudaDriverVersion(), List.copyOf(devices), null);
    }
}
