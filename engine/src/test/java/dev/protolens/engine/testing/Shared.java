package dev.protolens.engine.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The models and oracle fixtures that live beside the project in {@code ../shared}. Tests that need them
 * skip with a message when the folder is absent (a clone without it); CI always has it.
 */
public final class Shared {
    private Shared() {}

    public static Path root() {
        String prop = System.getProperty("protolens.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(p)) {
            p = Path.of("..", "shared");
        }
        return p.toAbsolutePath().normalize();
    }

    /** A path under ../shared; the calling test is skipped (not failed) when it is missing. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), "skipped: " + p + " is missing (../shared holds the test models and oracle"
                + " fixtures; CI always has it)");
        return p;
    }

    public static Path model(String name) {
        return require("models/" + name);
    }

    public static Path oracle(String name) {
        return require("oracle/" + name);
    }
}
