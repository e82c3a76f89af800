package dev.protolens.engine.hub;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The folder where ProtoLens keeps its settings (recent models, a saved Hugging Face token): {@code PROTOLENS_HOME}
 * when set (tests point it at a temporary folder), else the platform's place for per-user configuration.
 */
public final class ProtoLensHome {
    private ProtoLensHome() {}

    public static Path resolve(Map<String, String> env) {
        String home = env.get("PROTOLENS_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath();
        }
        Path user = Path.of(System.getProperty("user.home"));
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            return (appData != null ? Path.of(appData) : user.resolve("AppData").resolve("Roaming")).resolve("ProtoLens");
        }
        if (os.startsWith("mac")) {
            return user.resolve("Library").resolve("Application Support").resolve("ProtoLens");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : user.resolve(".config")).resolve("protolens");
    }
}
