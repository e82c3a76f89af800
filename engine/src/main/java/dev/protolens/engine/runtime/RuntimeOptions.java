package dev.protolens.engine.runtime;

import java.util.Locale;

/**
 * How to start the engine. {@code threads <= 0} means the default; {@code device} is "auto", "cpu" or
 * "cuda[:N]"; {@code dtype} is what model weights are computed in: "auto" (fp32 on the CPU, bf16 on a CUDA GPU, fp16
 * on GPUs without bf16), "fp32", "bf16" or "fp16". Read from {@code PROTOLENS_THREADS} / {@code PROTOLENS_DEVICE} /
 * {@code PROTOLENS_DTYPE} (or the system properties {@code protolens.threads} / {@code protolens.device} /
 * {@code protolens.dtype}) when not given.
 */
public record RuntimeOptions(int threads, String device, String dtype) {

    public RuntimeOptions {
        dtype = normaliseDtype(dtype);
    }

    public RuntimeOptions(int threads, String device) {
        this(threads, device, "auto");
    }

    public static RuntimeOptions fromEnvironment() {
        return new RuntimeOptions(parseInt(setting("protolens.threads", "PROTOLENS_THREADS"), 0),
                orDefault(setting("protolens.device", "PROTOLENS_DEVICE"), "auto"),
                orDefault(setting("protolens.dtype", "PROTOLENS_DTYPE"), "auto"));
    }

    /**
     * Threads the user asked for, bounded by the machine: more compute threads than cores only wait for one
     * another (1000 on a 2-core machine ran 15× slower), so such a count is refused with the bound named.
     */
    public RuntimeOptions withThreads(int t) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (t < 0 || t > cores) {
            throw new dev.protolens.engine.UserError("The number of compute threads must be between 1 and the "
                    + cores + " cores of this machine (0 or none: the default, " + defaultThreads() + "); got " + t
                    + ". More threads than cores only wait for one another.");
        }
        return new RuntimeOptions(t, device, dtype);
    }

    public RuntimeOptions withDevice(String d) {
        return new RuntimeOptions(threads, d, dtype);
    }

    public RuntimeOptions withDtype(String d) {
        return new RuntimeOptions(threads, device, d);
    }

    /** "auto", "fp32", "bf16" or "fp16" from the spellings people use (float32, bfloat16, half …). */
    public static String normaliseDtype(String d) {
        if (d == null || d.isBlank()) {
            return "auto";
        }
        return switch (d.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> "auto";
            case "fp32", "float32", "f32", "float" -> "fp32";
            case "bf16", "bfloat16" -> "bf16";
            case "fp16", "float16", "f16", "half" -> "fp16";
            default -> throw new IllegalArgumentException("unknown dtype '" + d + "' (use auto, fp32, bf16 or fp16)");
        };
    }

    /**
     * One intra-op thread on machines with at most two cores: measured on our 2-core VMs, two libtorch
     * threads stall 5-40x whenever anything else runs (STACK.md); elsewhere all cores but one, leaving one
     * for the UI.
     */
    public static int defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores <= 2 ? 1 : cores - 1;
    }

    /**
     * The default for a model of this many parameters on this many cores. Two cores or fewer: 1 (measured above).
     * Otherwise all cores but one (the window's), bounded: at most 4 for models under 50M parameters, whose
     * d ≤ 512 matrix products are too small to split further, and at most 16 for any model, because a fit's
     * products have only N (tens to hundreds of) rows and a machine with more cores is usually shared. Only the
     * 2-core rows are measured (README, "Big models use the whole machine"); the bounds are not yet.
     */
    public static int defaultThreads(int cores, long parameters) {
        if (cores <= 2) {
            return 1;
        }
        return Math.max(1, Math.min(cores - 1, parameters < 50_000_000L ? 4 : 16));
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }

    private static String orDefault(String v, String def) {
        return v == null || v.isBlank() ? def : v;
    }

    private static int parseInt(String v, int def) {
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PROTOLENS_THREADS must be a whole number, got '" + v + "'");
        }
    }
}
