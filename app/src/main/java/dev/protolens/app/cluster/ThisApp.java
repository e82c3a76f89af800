package dev.protolens.app.cluster;

import dev.protolens.engine.cluster.ShardLauncher;
import java.util.List;

/** How a shard on a compute node starts this installation of ProtoLens again. */
public final class ThisApp {
    /**
     * The app's entry point, by name: {@code Main} (the composition root) depends on the screens and the command
     * line, so they name it rather than depend on it (ThisAppTest checks that the name is Main's).
     */
    static final String MAIN_CLASS = "dev.protolens.app.Main";

    private ThisApp() {}

    /** The installed launcher, or this JVM with its class path and the app's main class. */
    public static List<String> launcher() {
        return ShardLauncher.current(MAIN_CLASS);
    }
}
