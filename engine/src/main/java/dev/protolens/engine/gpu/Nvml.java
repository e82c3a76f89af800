package dev.protolens.engine.gpu;

/**
 * The few questions ProtoLens asks the NVIDIA driver through NVML (the library {@code nvidia-smi} itself uses), behind
 * an interface so tests can answer them. The real one is {@link NvmlLibrary}; every call may throw
 * {@link NvmlException} with NVML's own error text.
 */
public interface Nvml extends AutoCloseable {

    /** The driver's version, e.g. "570.124.04". */
    String driverVersion();

    /** The highest CUDA version the driver supports, as NVML encodes it: 1000 × major + 10 × minor (12080 = 12.8). */
    int cudaDriverVersion();

    int deviceCount();

    /** A device by NVML's index (PCI bus order). */
    GpuDevice device(int index);

    /** Bytes of the device's memory in use now, by every process. */
    long memoryUsed(int index);

    @Override
    void close();

    /** Opens NVML, or says why it cannot (no driver, no library). */
    @FunctionalInterface
    interface Opener {
        Nvml open() throws NvmlException;
    }

    /** An NVML call failed or the library is not there. */
    final class NvmlException extends RuntimeException {
        public NvmlException(String message) {
            super(message);
        }

        public NvmlException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
