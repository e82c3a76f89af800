package dev.protolens.engine;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where ProtoLens keeps what the user makes. {@code PROTOLENS_HOME} (or the system property
 * {@code protolens.home}) puts everything under one folder (tests, portable installs); otherwise the
 * platform's usual places: settings in the config folder, runs in the data folder.
 */
public final class AppDirs {
    private AppDirs() {}

    public static Path home() {
        String h = setting("protolens.home", "PROTOLENS_HOME");
        return h != null ? Path.of(h).toAbsolutePath() : null;
    }

    /** Settings, recent models, window state. */
    public static Path config() {
        Path h = home();
        if (h != null) {
            return h;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path user = Path.of(System.getProperty("user.home"));
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            return (appData != null ? Path.of(appData) : user.resolve("AppData/Roaming")).resolve("ProtoLens");
        }
        if (os.contains("mac")) {
            return user.resolve("Library/Application Support/ProtoLens");
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : user.resolve(".config")).resolve("protolens");
    }

    /** The default run library ({@code PROTOLENS_LIBRARY} overrides). */
    public static Path library() {
        String lib = setting("protolens.library", "PROTOLENS_LIBRARY");
        if (lib != null) {
            return Path.of(lib).toAbsolutePath();
        }
        Path h = home();
        if (h != null) {
            return h.resolve("library");
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path user = Path.of(System.getProperty("user.home"));
        if (os.contains("win") || os.contains("mac")) {
            return config().resolve("library");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : user.resolve(".local/share")).resolve("protolens/library");
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }
}
