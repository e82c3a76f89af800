package dev.protolens.engine.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How a cluster node starts the same ProtoLens that submitted the plan. The nodes share the login node's file
 * system, so the installed launcher (or this JVM with this class path) is at the same path there.
 */
public final class ShardLauncher {
    private ShardLauncher() {}

    /**
     * The installed app's launcher when running from one (jpackage sets {@code jpackage.app-path}); else this JVM's
     * {@code java} with this class path and {@code mainClass}, which is what {@code java -jar protolens.jar} and a
     * development checkout both amount to.
     */
    public static List<String> current(String mainClass) {
        String app = System.getProperty("jpackage.app-path");
        if (app != null && Files.isExecutable(Path.of(app))) {
            return List.of(app);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), mainClass);
    }

    /** A launcher the user typed ({@code --launcher "protolens"}), split into words at spaces. */
    public static List<String> parse(String words) {
        return List.of(words.strip().split("\\s+"));
    }
}
