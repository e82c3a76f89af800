package dev.protolens.engine.gpu;

import java.util.Locale;

/**
 * One NVIDIA GPU as the driver describes it.
 *
 * @param index        the driver's index (NVML and nvidia-smi count in PCI bus order)
 * @param memoryBytes  total memory
 * @param ccMajor      CUDA compute capability (8.9 for an RTX 4090, 12.0 for an RTX 5090); -1 when the driver
 *                     does not say
 */
public record GpuDevice(int index, String name, long memoryBytes, int ccMajor, int ccMinor) {

    /** bf16 kernels need compute capability 8.0 (Ampere) or newer; older GPUs compute half precision in fp16. */
    public boolean bf16() {
        return ccMajor >= 8;
    }

    public String computeCapability() {
        return ccMajor < 0 ? "unknown" : ccMajor + "." + ccMinor;
    }

    /** "NVIDIA GeForce RTX 4090, 24.0 GB, compute 8.9". */
    public String describe() {
        return name + ", " + String.format(Locale.ROOT, "%.1f GB", memoryBytes / 1e9)
                + (ccMajor < 0 ? "" : ", compute " + computeCapability());
    }
}
