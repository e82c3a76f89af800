package dev.protolens.engine.gpu;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What the NVIDIA driver says about this machine, read before any CUDA library is loaded.
 *
 * @param source        where the answer came from; NONE when there is no usable driver
 * @param driverVersion e.g. "570.124.04" (empty when unknown)
 * @param cudaVersion   the highest CUDA version the driver supports, 1000 × major + 10 × minor (12080 = 12.8); 0 when
 *                      unknown
 * @param note          why nothing was found (source NONE), else null
 */
public record GpuReport(Source source, String driverVersion, int cudaVersion, List<GpuDevice> devices, String note) {
    public enum Source { NVML, NVIDIA_SMI, NONE }

    /** The CUDA version the GPU runtime (libtorch 2.7.1 cu128) needs from the driver. */
    public static final int CUDA_NEEDED = 12080;

    public static GpuReport none(String why) {
        return new GpuReport(Source.NONE, "", 0, List.of(), why);
    }

    public boolean hasGpu() {
        return source != Source.NONE && !devices.isEmpty();
    }

    /** The driver can run CUDA 12.8 code. */
    public boolean driverSupportsRuntime() {
        return hasGpu() && cudaVersion >= CUDA_NEEDED;
    }

    /** Every GPU has bf16 kernels (compute capability 8.0+); otherwise half precision means fp16. */
    public boolean bf16() {
        return hasGpu() && devices.stream().allMatch(GpuDevice::bf16);
    }

    public static String cudaText(int v) {
        return v <= 0 ? "unknown" : (v / 1000) + "." + (v % 1000) / 10;
    }

    /**
     * What changes when the driver or the GPUs change: a probe that passed under another fingerprint is checked
     * again before the GPU runtime is trusted.
     */
    public String fingerprint() {
        return driverVersion + "|" + cudaText(cudaVersion) + "|"
                + devices.stream().map(d -> d.name() + "@" + d.computeCapability()).collect(Collectors.joining(","));
    }

    /** One line: "NVIDIA driver 570.124.04 (CUDA 12.8) · 1 GPU: NVIDIA GeForce RTX 5090, 32.6 GB, compute 12.0". */
    public String describe() {
        if (!hasGpu()) {
            return "no NVIDIA GPU (" + note + ")";
        }
        return "NVIDIA driver " + driverVersion + " (CUDA " + cudaText(cudaVersion) + ") · " + devices.size() + " GPU"
                + (devices.size() == 1 ? "" : "s") + ": "
                + devices.stream().map(GpuDevice::describe).collect(Collectors.joining("; "));
    }
}
