package dev.protolens.engine.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * NVML through the FFM API: {@code libnvidia-ml.so.1} on Linux, {@code nvml.dll} on Windows (both come with the
 * driver, not with CUDA). Reading the driver this way, rather than the CUDA runtime as DJL does, works on a machine
 * that has only the driver, and answers what the driver supports rather than what toolkit happens to be installed.
 * {@code PROTOLENS_NVML_LIBRARY} names another file (a driver installed somewhere unusual).
 */
public final class NvmlLibrary implements Nvml {
    private static final int SUCCESS = 0;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout ADDRESS = ValueLayout.ADDRESS;

    private final Arena arena;
    private final MethodHandle shutdown;
    private final MethodHandle errorString;
    private final MethodHandle driverVersion;
    private final MethodHandle cudaDriverVersion;
    private final MethodHandle deviceCount;
    private final MethodHandle handleByIndex;
    private final MethodHandle deviceName;
    private final MethodHandle memoryInfo;
    private final MethodHandle computeCapability;
    private boolean closed;

    private NvmlLibrary(Arena arena, SymbolLookup lib) {
        this.arena = arena;
        shutdown = function(lib, "nvmlShutdown", FunctionDescriptor.of(INT));
        errorString = function(lib, "nvmlErrorString", FunctionDescriptor.of(ADDRESS, INT));
        driverVersion = function(lib, "nvmlSystemGetDriverVersion", FunctionDescriptor.of(INT, ADDRESS, INT));
        cudaDriverVersion = function(lib, "nvmlSystemGetCudaDriverVersion", FunctionDescriptor.of(INT, ADDRESS));
        deviceCount = function(lib, "nvmlDeviceGetCount_v2", FunctionDescriptor.of(INT, ADDRESS));
        handleByIndex = function(lib, "nvmlDeviceGetHandleByIndex_v2", FunctionDescriptor.of(INT, INT, ADDRESS));
        deviceName = function(lib, "nvmlDeviceGetName", FunctionDescriptor.of(INT, ADDRESS, ADDRESS, INT));
        memoryInfo = function(lib, "nvmlDeviceGetMemoryInfo", FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
        // absent from drivers older than 410: the capability is then unknown, which the callers allow
        computeCapability = lib.find("nvmlDeviceGetCudaComputeCapability")
                .map(a -> LINKER.downcallHandle(a, FunctionDescriptor.of(INT, ADDRESS, ADDRESS, ADDRESS)))
                .orElse(null);
    }

    /** The library's file name on this system. */
    public static String libraryName() {
        String custom = System.getenv("PROTOLENS_NVML_LIBRARY");
        if (custom != null && !custom.isBlank()) {
            return custom;
        }
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win") ? "nvml.dll"
                : "libnvidia-ml.so.1";
    }

    /** Loads NVML and initialises it; throws {@link NvmlException} saying why when there is no usable driver. */
    public static Nvml open() {
        return open(libraryName());
    }

    /** The same with a library named by file name (searched by the system's loader) or by path. */
    public static Nvml open(String name) {
        Arena arena = Arena.ofShared();
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(name, arena);
        } catch (IllegalArgumentException e) {
            arena.close();
            throw new NvmlException(name + " not found (no NVIDIA driver installed)");
        } catch (IllegalCallerException | UnsupportedOperationException e) {
            arena.close();
            throw new NvmlException("native access is not enabled for ProtoLens (--enable-native-access=ALL-UNNAMED)", e);
        }
        try {
            MethodHandle init = function(lib, "nvmlInit_v2", FunctionDescriptor.of(INT));
            NvmlLibrary nvml = new NvmlLibrary(arena, lib);
            int rc = (int) init.invokeExact();
            if (rc != SUCCESS) {
                String why = nvml.error(rc); // before the library is unloaded
                arena.close();
                throw new NvmlException("the NVIDIA driver did not start NVML: " + why);
            }
            return nvml;
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable e) {
            arena.close();
            throw new NvmlException(name + " is not a usable NVML library (" + e.getMessage() + ")", e);
        }
    }

    private static MethodHandle function(SymbolLookup lib, String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new NvmlException("NVML lacks " + name
                + " (a very old driver)")), d);
    }

    @Override
    public String driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(96);
            check("nvmlSystemGetDriverVersion", (int) driverVersion.invokeExact(buf, 96));
            return buf.getString(0, StandardCharsets.US_ASCII);
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable e) {
            throw new NvmlException("nvmlSystemGetDriverVersion failed", e);
        }
    }

    @Override
    public int cudaDriverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(INT);
            check("nvmlSystemGetCudaDriverVersion", (int) cudaDriverVersion.invokeExact(v));
            return v.get(INT, 0);
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable e) {
            throw new NvmlException("nvmlSystemGetCudaDriverVersion failed", e);
        }
    }

    @Override
    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(INT);
            check("nvmlDeviceGetCount", (int) deviceCount.invokeExact(n));
            return n.get(INT, 0);
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable e) {
            throw new NvmlException("nvmlDeviceGetCount failed", e);
        }
    }

    @Override
    public GpuDevice device(int index) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dev = handle(a, index);
            MemorySegment name = a.allocate(96);
            check("nvmlDeviceGetName", (int) deviceName.invokeExact(dev, name, 96));
            // nvmlMemory_t: unsigned long long total, free, used
            MemorySegment mem = a.allocate(24, 8);
            check("nvmlDeviceGetMemoryInfo", (int) memoryInfo.invokeExact(dev, mem));
            int major = -1;
            int minor = -1;
            if (computeCapability != null) {
                MemorySegment ma = a.allocate(INT);
                MemorySegment mi = a.allocate(INT);
                if ((int) computeCapability.invokeExact(dev, ma, mi) == SUCCESS) {
                    major = ma.get(INT, 0);
                    minor = mi.get(INT, 0);
                }
            }
            return new GpuDevice(index, name.getString(0, StandardCharsets.UTF_8), mem.get(LONG, 0), major, minor);
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable e) {
            throw new NvmlException("reading GPU " + index + " failed", e);
        }
    }

    @Override
    public long memoryUsed(int index) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mem = a.allocate(24, 8);
            check("nvmlDeviceGetMemoryInfo", (int) memoryInfo.invokeExact(handle(a, index), mem));
            return mem.get(LONG, 16);
        } catch (NvmlException e) {
            throw e;
        } catch (Throwable e) {
            throw new NvmlException("reading GPU " + index + "'s memory failed", e);
        }
    }

    private MemorySegment handle(Arena a, int index) throws Throwable {
        MemorySegment h = a.allocate(ADDRESS);
        check("nvmlDeviceGetHandleByIndex", (int) handleByIndex.invokeExact(index, h));
        return h.get(ADDRESS, 0);
    }

    private void check(String call, int rc) {
        if (rc != SUCCESS) {
            throw new NvmlException(call + ": " + error(rc));
        }
    }

    private String error(int rc) {
        try {
            MemorySegment s = (MemorySegment) errorString.invokeExact(rc);
            return s.reinterpret(256).getString(0, StandardCharsets.US_ASCII) + " (NVML error " + rc + ")";
        } catch (Throwable e) {
            return "NVML error " + rc;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) shutdown.invokeExact();
        } catch (Throwable ignored) {
            // shutting down a driver connection that is going away anyway
        }
        arena.close();
    }
}
