package dev.protolens.engine.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import dev.protolens.engine.UserError;
import dev.protolens.engine.gpu.GpuSetup;
import dev.protolens.engine.gpu.NativesChoice;
import dev.protolens.engine.gpu.ProbeResult;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine once per process, the way ProtoLens needs it: offline (libtorch comes from the
 * CPU native jar on the class path, or from the checked GPU runtime; no network call), DJL's usage tracking off, a
 * chosen number of intra-op threads, CUDA when the engine sees a GPU. Which libtorch loads is decided first, by
 * {@link GpuSetup} from what the NVIDIA driver says ({@link NativesChoice}).
 *
 * <p>Everything here must happen before the first {@code Engine.getInstance()}: DJL reads these properties
 * once, when the engine class initialises.
 */
public final class EngineRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(EngineRuntime.class);
    /** "fixed": the libtorch to load was set by the caller (the GPU probe's child); no choice is made here. */
    public static final String NATIVES_PROPERTY = "protolens.natives";
    private static volatile EngineRuntime instance;

    private final Engine engine;
    private final Device device;
    private final int threads;
    private final String pytorchVersion;
    private final String fallback;
    private final String dtype;
    private final DataType half;
    private final NativesChoice natives;

    private EngineRuntime(Engine engine, Device device, int threads, String fallback, String dtype, DataType half,
                          NativesChoice natives) {
        this.engine = engine;
        this.device = device;
        this.threads = threads;
        this.pytorchVersion = engine.getVersion();
        this.fallback = fallback;
        this.dtype = dtype;
        this.half = half;
        this.natives = natives;
    }

    /** The device the engine picked, and why it is the CPU when a GPU was configured or asked for (else null). */
    record DeviceChoice(Device device, String fallback) {}

    /** The engine with default settings ({@link RuntimeOptions#fromEnvironment()}). */
    public static EngineRuntime get() {
        return start(RuntimeOptions.fromEnvironment());
    }

    /**
     * Starts the engine with these options; later calls return the running engine (thread count can still
     * change, the device cannot).
     */
    public static synchronized EngineRuntime start(RuntimeOptions options) {
        if (options.threads() > 0) {
            chosenThreads = true;
        }
        if (instance != null) {
            int t = options.threads() > 0 ? options.threads() : instance.threads;
            if (t != instance.threads || !options.dtype().equals(instance.dtype)) {
                if (t != instance.threads) {
                    JniUtils.setNumThreads(t);
                }
                instance = new EngineRuntime(instance.engine, instance.device, t, instance.fallback, options.dtype(),
                        instance.half, instance.natives);
            }
            return instance;
        }
        prepareProperties(options);
        NativeAllocator.tune().ifPresent(LOG::debug);
        NativesChoice natives = chooseNatives(options);
        Engine engine;
        try {
            engine = Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            String cuda;
            if (natives != null && natives.natives() == NativesChoice.Natives.GPU_RUNTIME) {
                recordFailedStart(e);
                cuda = " The GPU runtime passed its check but did not load here; the next start runs on the CPU."
                        + " Start again, and run protolens gpu probe to see why.";
            } else if (System.getenv("PYTORCH_LIBRARY_PATH") != null || cudaDownloadRequested()) {
                cuda = " A CUDA libtorch was requested (PYTORCH_LIBRARY_PATH / PYTORCH_FLAVOR): check that it is"
                        + " libtorch 2.7.1 for this CUDA driver, or unset those variables to run on the CPU with the"
                        + " bundled libtorch.";
            } else {
                cuda = " Delete ~/.djl.ai/pytorch (a damaged extraction) and start again.";
            }
            throw new RuntimeStartException("The PyTorch engine could not start: " + e.getMessage() + "." + cuda, e);
        }
        int threads = options.threads() > 0 ? options.threads() : RuntimeOptions.defaultThreads();
        JniUtils.setNumThreads(threads);
        DeviceChoice choice = chooseDevice(engine, options.device());
        String fallback = choice.fallback();
        if (!choice.device().isGpu() && natives != null && !"cpu".equals(options.device())) {
            if (natives.gpuUnused()) {
                fallback = natives.reason(); // says what to do about it, where DJL's view only says "no GPU"
            } else if (natives.natives() == NativesChoice.Natives.GPU_RUNTIME) {
                fallback = "the GPU runtime loaded but PyTorch sees no GPU now (a driver that is loading or was"
                        + " updated?); running on the CPU. Restart the computer, or run protolens gpu probe";
            }
        }
        DataType half = natives != null && "float16".equals(natives.halfType()) ? DataType.FLOAT16 : DataType.BFLOAT16;
        instance = new EngineRuntime(engine, choice.device(), threads, fallback, options.dtype(), half, natives);
        if (choice.fallback() != null) {
            LOG.warn(choice.fallback());
        }
        LOG.info(instance.describe());
        return instance;
    }

    /**
     * Decides which libtorch loads (the GPU runtime when the driver fits and it passed its check, else the bundled
     * CPU one) and sets DJL's properties for it. A detection that fails for an unexpected reason never stops the
     * start: the CPU runs.
     */
    private static NativesChoice chooseNatives(RuntimeOptions options) {
        if ("fixed".equals(System.getProperty(NATIVES_PROPERTY))) {
            return null;
        }
        try {
            NativesChoice c = GpuSetup.system().chooseForStart(options.device());
            GpuSetup.apply(c);
            LOG.info("libtorch: {}", c.reason());
            return c;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("the GPU check failed ({}); the bundled CPU libtorch runs", e.toString());
            return null;
        }
    }

    /** The checked runtime did not load in this process: the next start must not try it again unchecked. */
    private static void recordFailedStart(Throwable e) {
        try {
            GpuSetup setup = GpuSetup.system();
            setup.runtime().ifPresent(rt -> rt.saveProbe(new ProbeResult(false, Instant.now(),
                    setup.report().fingerprint(), "cuda:0", null, "it passed its check but did not load when"
                    + " ProtoLens started (" + e.getMessage() + "). Check again (protolens gpu probe).",
                    e.toString(), Double.NaN, Double.NaN, 0)));
        } catch (RuntimeException | LinkageError ignored) {
            // the start fails with its own message anyway
        }
    }

    /**
     * The user named a CUDA flavor (PYTORCH_FLAVOR=cu…) and allowed ProtoLens to fetch what it needs
     * (PROTOLENS_ENGINE_DOWNLOAD=1, e.g. DJL's JNI library for a libtorch in PYTORCH_LIBRARY_PATH). Only then does
     * the engine leave offline mode. The flavor alone never switches to CUDA: DJL accepts the bundled CPU
     * libtorch on any machine (its platform match treats a CPU build as matching every system).
     */
    static boolean cudaDownloadRequested() {
        String flavor = System.getenv("PYTORCH_FLAVOR");
        return flavor != null && flavor.startsWith("cu") && "1".equals(System.getenv("PROTOLENS_ENGINE_DOWNLOAD"));
    }

    private static void prepareProperties(RuntimeOptions options) {
        // ProtoLens makes no network call unless the user asks for a download: libtorch comes from the CPU
        // native jar, or from PYTORCH_LIBRARY_PATH, or (explicitly allowed) DJL's CUDA download
        System.setProperty("ai.djl.offline", cudaDownloadRequested() ? "false" : "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        // grad mode is per native thread: we switch it on explicitly where gradients are needed
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        if (options.threads() > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(options.threads()));
        } else if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(RuntimeOptions.defaultThreads()));
        }
        // inter-op parallelism only helps graphs with independent branches; ours are chains
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /**
     * CUDA when PyTorch sees a GPU (or the one asked for), else the CPU; when a GPU was configured or asked for and
     * the CPU is what runs, the choice says why in words the status bar and {@code inspect} show.
     */
    static DeviceChoice chooseDevice(Engine engine, String requested) {
        int gpus;
        String cudaError = null;
        try {
            gpus = engine.getGpuCount();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            cudaError = e.getMessage();
            gpus = 0;
        }
        boolean configured = System.getenv("PYTORCH_LIBRARY_PATH") != null || cudaDownloadRequested();
        boolean asked = requested != null && (requested.startsWith("cuda") || requested.startsWith("gpu"));
        String fallback = null;
        if (gpus == 0 && cudaError != null) {
            fallback = "CUDA could not start (" + cudaError + "); running on the CPU";
        } else if (gpus == 0 && System.getenv("PYTORCH_LIBRARY_PATH") == null && configured) {
            fallback = "PYTORCH_FLAVOR alone does not switch to CUDA: the bundled CPU libtorch runs. Point"
                    + " PYTORCH_LIBRARY_PATH at a CUDA libtorch 2.7.1 (see the README's GPU section); running on the CPU";
        } else if (gpus == 0 && configured) {
            fallback = "a CUDA libtorch was configured (PYTORCH_LIBRARY_PATH / PYTORCH_FLAVOR) but PyTorch sees no"
                    + " usable GPU (driver missing or too old); running on the CPU";
        } else if (gpus == 0 && asked) {
            fallback = "CUDA was asked for (" + requested + ") but PyTorch sees no GPU (this libtorch is the CPU"
                    + " build, or there is no driver); running on the CPU";
        }
        if (requested == null || requested.isBlank() || requested.equals("auto")) {
            return new DeviceChoice(gpus > 0 ? Device.gpu() : Device.cpu(), fallback);
        }
        if (requested.equals("cpu")) {
            return new DeviceChoice(Device.cpu(), null);
        }
        if (asked) {
            if (gpus == 0) {
                return new DeviceChoice(Device.cpu(), fallback);
            }
            int idx = requested.contains(":") ? Integer.parseInt(requested.substring(requested.indexOf(':') + 1)) : 0;
            return new DeviceChoice(Device.gpu(idx), null);
        }
        throw new IllegalArgumentException("unknown device '" + requested + "' (use auto, cpu or cuda[:N])");
    }

    public Engine engine() {
        return engine;
    }

    public Device device() {
        return device;
    }

    public boolean isGpu() {
        return device.isGpu();
    }

    public int threads() {
        return threads;
    }

    /** The weights' type for this start's dtype setting ({@link RuntimeOptions#dtype()}). */
    public DataType weightType(DataType stored) {
        return weightType(stored, dtype);
    }

    /**
     * The type model weights are computed in. On the CPU fp32, always: BF16 kernels on the CPU abort the JVM in this
     * libtorch build (not an exception: the process dies), so bf16 and fp16 are refused there with a message. On a
     * CUDA GPU, "auto" is bf16, or fp16 on GPUs without bf16 (compute capability below 8.0); e, m, the loss and the
     * AdamW state stay fp32 whatever this is, and norms and softmax compute in fp32 (as in HF).
     *
     * @param requested "auto", "fp32", "bf16" or "fp16"
     */
    public DataType weightType(DataType stored, String requested) {
        String r = RuntimeOptions.normaliseDtype(requested);
        if (!device.isGpu()) {
            if (r.equals("bf16") || r.equals("fp16")) {
                throw new UserError(r + " needs a CUDA GPU. On the CPU ProtoLens computes in fp32: libtorch's " + r
                        + " CPU kernels abort the whole process in this build" + (fallback != null
                        ? " (and the GPU is not used: " + fallback + ")" : "") + ". Leave --dtype at auto or set fp32.");
            }
            return DataType.FLOAT32;
        }
        return switch (r) {
            case "fp32" -> DataType.FLOAT32;
            case "fp16" -> DataType.FLOAT16;
            case "bf16" -> {
                if (half != DataType.BFLOAT16) {
                    throw new UserError("This GPU has no bf16 kernels (compute capability below 8.0). Use --dtype fp16"
                            + " or fp32.");
                }
                yield DataType.BFLOAT16;
            }
            default -> half;
        };
    }

    /** The half type this GPU computes in (bf16, or fp16 where bf16 is not supported). */
    public DataType halfType() {
        return half;
    }

    /** Which libtorch was chosen and why; empty where the caller fixed it (the GPU probe's child). */
    public java.util.Optional<NativesChoice> natives() {
        return java.util.Optional.ofNullable(natives);
    }

    public NDManager newManager() {
        return NDManager.newBaseManager(device, engine.getEngineName());
    }

    /**
     * Grad mode is per native thread in libtorch: every worker sets it for itself. Every path into the model
     * calls this first, so it also gives the calling thread the engine's intra-op thread count.
     */
    public static void setGradMode(boolean on) {
        if (instance == null) {
            get(); // the native library is loaded by the engine's start
        }
        useEngineThreads();
        JniUtils.setGradMode(on);
    }

    /** The intra-op thread count this native thread last set, 0 before it set one. */
    private static final ThreadLocal<int[]> THREADS_SET = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * The intra-op thread count is per native thread too (libtorch sets it with omp_set_num_threads and
     * mkl_set_num_threads_local): a thread that never set it runs MKL's matrix products on every core, and
     * OpenMP's workers then spin between calls. On a 2-core machine that made a model worker thread take both
     * cores from the window (measured: a TinyLlama head product at 1.99 CPUs per wall second instead of 1.02).
     */
    private static void useEngineThreads() {
        int[] set = THREADS_SET.get();
        int want = instance.threads;
        if (set[0] != want) {
            JniUtils.setNumThreads(want);
            set[0] = want;
        }
    }

    /**
     * Once a model is loaded: when nobody chose the thread count (no --threads, no PROTOLENS_THREADS), the default
     * for this model's size ({@link RuntimeOptions#defaultThreads(int, long)}); a chosen count stays.
     */
    public void threadsForModel(long parameters) {
        if (RuntimeOptions.fromEnvironment().threads() > 0 || chosenThreads) {
            return;
        }
        int t = RuntimeOptions.defaultThreads(Runtime.getRuntime().availableProcessors(), parameters);
        if (t != threads) {
            start(RuntimeOptions.fromEnvironment().withThreads(t).withDtype(dtype));
            chosenThreads = false;
        }
    }

    /** Whether the thread count was given by whoever started the engine (then model size does not change it). */
    private static volatile boolean chosenThreads;

    /** The one line shown in the status bar and by {@code inspect}: device, threads, dtype, and any GPU fallback. */
    public String describe() {
        String dev = device.isGpu() ? "CUDA GPU " + device.getDeviceId() : "CPU";
        String weights;
        try {
            weights = device.isGpu() ? weightType(DataType.FLOAT32).toString().toLowerCase(java.util.Locale.ROOT)
                    + " weights, fp32 e, m, loss and AdamW" : "fp32";
        } catch (UserError e) {
            weights = dtype + " asked for, which this GPU cannot compute";
        }
        return "PyTorch " + pytorchVersion + " on " + dev + ", " + threads + " thread" + (threads == 1 ? "" : "s")
                + ", compute " + weights + (fallback == null ? "" : " (" + fallback + ")");
    }

    /** Why the CPU runs although a GPU was configured or asked for; empty when nothing fell back. */
    public java.util.Optional<String> fallback() {
        return java.util.Optional.ofNullable(fallback);
    }

    public String deviceName() {
        return device.isGpu() ? "cuda:" + device.getDeviceId() : "cpu";
    }
}
