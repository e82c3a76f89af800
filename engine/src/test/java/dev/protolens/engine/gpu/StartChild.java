package dev.protolens.engine.gpu;

import dev.protolens.engine.runtime.EngineRuntime;

/** A process that starts the engine the normal way and prints what it runs on (for {@link RuntimeProbeTest}). */
public final class StartChild {
    private StartChild() {}

    public static void main(String[] args) {
        EngineRuntime rt = EngineRuntime.get();
        System.out.println("RUNTIME " + rt.describe());
        System.out.println("DEVICE " + rt.deviceName());
        System.out.println("NATIVES " + rt.natives().map(n -> n.natives() + " " + n.reason()).orElse("none"));
        System.out.println("LIBRARY_PATH " + System.getProperty("PYTORCH_LIBRARY_PATH"));
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
