package dev.protolens.engine.testing;

import dev.protolens.engine.gpu.GpuDevice;
import dev.protolens.engine.gpu.Nvml;

/** An NVIDIA driver's NVML answers for tests and screenshots: a driver version, its CUDA version, some GPUs. */
public final class FakeNvml implements Nvml {
    private final String driver;
    private final int cuda;
    private final GpuDevice[] devices;

    private FakeNvml(String driver, int cuda, GpuDevice... devices) {
        this.driver = driver;
        this.cuda = cuda;
        this.devices = devices;
    }

    /** Opens to these answers; each device gets its index from its place in the list. */
    public static Nvml.Opener of(String driver, int cuda, GpuDevice... devices) {
        return () -> new FakeNvml(driver, cuda, devices);
    }

    /** A driver 570 (CUDA 12.8) with these GPUs. */
    public static Nvml.Opener driver570(GpuDevice... devices) {
        return of("570.124.04", 12080, devices);
    }

    /** NVML that cannot be loaded, as on a machine without the driver. */
    public static Nvml.Opener none() {
        return () -> {
            throw new Nvml.NvmlException("libnvidia-ml.so.1 not found (no NVIDIA driver installed)");
        };
    }

    @Override
    public String driverVersion() {
        return driver;
    }

    @Override
    public int cudaDriverVersion() {
        return cuda;
    }

    @Override
    public int deviceCount() {
        return devices.length;
    }

    @Override
    public GpuDevice device(int index) {
        GpuDevice d = devices[index];
        return new GpuDevice(index, d.name(), d.memoryBytes(), d.ccMajor(), d.ccMinor());
    }

    @Override
    public long memoryUsed(int index) {
        return 0;
    }

    @Override
    public void close() {
    }
}
