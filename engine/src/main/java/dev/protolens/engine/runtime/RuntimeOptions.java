package dev.protolens.engine.runtime;

/**
 * How to start the engine. {@code threads <= 0} means the default; {@code device} is "auto", "cpu" or
 * "cuda[:N]". Read from {@code PROTOLENS_THREADS} / {@code PROTOLENS_DEVICE} (or the system properties
 * {@code protolens.threads} / {@code protolens.device}) when not given.
 */
public record RuntimeOptions(int threads, String device) {

    public static RuntimeOptions fromEnvironment() {
        return new RuntimeOptions(parseInt(setting("protolens.threads", "PROTOLENS_THREADS"), 0),
                orDefault(setting("protolens.device", "PROTOLENS_DEVICE"), "auto"));
    }

    public RuntimeOptions withThreads(int t) {
        return new RuntimeOptions(t, device);
    }

    public RuntimeOptions withDevice(String d) {
        return new RuntimeOptions(threads, d);
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
