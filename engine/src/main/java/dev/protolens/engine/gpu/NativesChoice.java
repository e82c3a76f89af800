package dev.protolens.engine.gpu;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which libtorch the engine loads, decided before it starts (a process cannot swap it later), and why, in words the
 * status bar, {@code inspect} and {@code gpu status} show.
 *
 * @param properties   system properties to set before DJL's engine loads (empty unless the GPU runtime runs)
 * @param reason       one or two sentences: what runs, and what to do when the GPU is not used
 * @param gpuUnused    an NVIDIA GPU is there but will not be used (the status bar warns)
 * @param probeNeeded  the GPU runtime is installed and the driver fits, but it was never checked under this driver
 * @param halfType     the half type for weights on this GPU, "bfloat16" or "float16" (null without a GPU)
 */
public record NativesChoice(Natives natives, Map<String, String> properties, String reason, boolean gpuUnused,
                            boolean probeNeeded, String halfType) {

    public enum Natives {
        /** The user set PYTORCH_LIBRARY_PATH / PYTORCH_FLAVOR / PYTORCH_VERSION: ProtoLens does not interfere. */
        USER_SETTINGS,
        /** The installed, checked CUDA libtorch. */
        GPU_RUNTIME,
        /** The CPU libtorch that comes with ProtoLens. */
        BUNDLED_CPU
    }

    /** The variables DJL reads to find libtorch; any of them set by the user means hands off. */
    public static final String[] USER_VARIABLES = {"PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION"};
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /**
     * @param user       the user's own PYTORCH_* settings (environment or -D), empty when none
     * @param device     PROTOLENS_DEVICE / --device: "auto", "cpu", "cuda[:N]"
     * @param classifier {@link GpuRuntime#classifier()}, null on systems DJL publishes no CUDA build for
     * @param runtime    the GPU runtime's folder (null with a null classifier)
     */
    public static NativesChoice choose(Map<String, String> user, String device, String classifier, GpuReport report,
                                       GpuRuntime runtime) {
        String half = report.hasGpu() ? (report.bf16() ? "bfloat16" : "float16") : null;
        if (!user.isEmpty()) {
            StringBuilder set = new StringBuilder();
            user.forEach((k, v) -> set.append(set.isEmpty() ? "" : ", ").append(k).append('=').append(v));
            return cpuOrUser(Natives.USER_SETTINGS, "You set " + set + ": ProtoLens loads the libtorch these name and"
                    + " does not choose one itself.", false, half);
        }
        if (device != null && device.strip().equalsIgnoreCase("cpu")) {
            return cpuOrUser(Natives.BUNDLED_CPU, "PROTOLENS_DEVICE=cpu: the bundled CPU libtorch runs.", false, half);
        }
        if (!report.hasGpu()) {
            return cpuOrUser(Natives.BUNDLED_CPU, "No NVIDIA GPU was found (" + report.note() + "); the bundled CPU"
                    + " libtorch runs.", false, null);
        }
        String gpu = report.devices().getFirst().name();
        if (classifier == null || runtime == null) {
            return cpuOrUser(Natives.BUNDLED_CPU, "DJL publishes no CUDA libtorch " + GpuRuntime.VERSION + " for "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch") + ", so the " + gpu
                    + " is not used; the CPU runs.", true, half);
        }
        if (!report.driverSupportsRuntime()) {
            return cpuOrUser(Natives.BUNDLED_CPU, "The NVIDIA driver " + report.driverVersion() + " supports CUDA "
                    + GpuReport.cudaText(report.cudaVersion()) + ", but the GPU runtime (CUDA libtorch "
                    + GpuRuntime.VERSION + ") needs CUDA " + GpuReport.cudaText(GpuReport.CUDA_NEEDED)
                    + ": update the NVIDIA driver (version 570 or newer) to use the " + gpu + ". Until then the CPU"
                    + " runs.", true, half);
        }
        if (!runtime.present()) {
            return cpuOrUser(Natives.BUNDLED_CPU, "The GPU runtime is not installed: install it (GPU in the"
                    + " window's left bar, or protolens gpu install; about 2–3 GB into " + runtime.dir()
                    + ") to run on the " + gpu + ". Until then the CPU runs.", true, half);
        }
        String damage = runtime.damage();
        if (damage != null) {
            return cpuOrUser(Natives.BUNDLED_CPU, "The GPU runtime in " + runtime.dir() + " is damaged (" + damage
                    + "): remove it (protolens gpu remove) and install it again. Until then the CPU runs.", true, half);
        }
        Optional<ProbeResult> probe = runtime.probe();
        if (probe.isEmpty() || !probe.get().fingerprint().equals(report.fingerprint())) {
            return new NativesChoice(Natives.BUNDLED_CPU, Map.of(), (probe.isEmpty()
                    ? "The GPU runtime has not been checked on this machine yet"
                    : "The NVIDIA driver or the GPUs changed since the GPU runtime was checked")
                    + " (protolens gpu probe checks it); until it passes the CPU runs.", true, true, half);
        }
        ProbeResult p = probe.get();
        if (!p.ok()) {
            return cpuOrUser(Natives.BUNDLED_CPU, "The GPU runtime failed its check on " + DAY.format(p.at()) + ": "
                    + p.reason() + " The CPU runs until a check passes (protolens gpu probe, or Check again under"
                    + " GPU in the window).", true, half);
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("PYTORCH_LIBRARY_PATH", runtime.dir().toString());
        props.put("PYTORCH_FLAVOR", GpuRuntime.FLAVOR);
        props.put("PYTORCH_VERSION", GpuRuntime.VERSION);
        return new NativesChoice(Natives.GPU_RUNTIME, Map.copyOf(props), "The GPU runtime (CUDA libtorch "
                + GpuRuntime.VERSION + " in " + runtime.dir() + ", checked on " + DAY.format(p.at()) + ") runs on the "
                + gpu + ".", false, false, p.dtype() != null ? p.dtype() : half);
    }

    private static NativesChoice cpuOrUser(Natives n, String reason, boolean gpuUnused, String half) {
        return new NativesChoice(n, Map.of(), reason, gpuUnused, false, half);
    }

    /**
     * The user's own PYTORCH_* settings among the environment and the system properties; {@code applied} are the
     * properties this process set itself (they are not the user's).
     */
    public static Map<String, String> userSettings(Map<String, String> env, Map<String, String> applied) {
        Map<String, String> set = new LinkedHashMap<>();
        for (String k : USER_VARIABLES) {
            String v = env.get(k);
            if (v == null || v.isBlank()) {
                v = System.getProperty(k);
                if (v != null && v.equals(applied.get(k))) {
                    v = null;
                }
            }
            if (v != null && !v.isBlank()) {
                set.put(k, v);
            }
        }
        return set;
    }
}
