package dev.protolens.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** The memory the system can still give, which loading a model and starting a fit are checked against. */
public final class SystemMemory {
    private SystemMemory() {}

    /** Linux's MemAvailable (free memory plus caches it can drop), or empty where it cannot be read. */
    public static OptionalLong available() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: nothing is checked, as before
        }
        return OptionalLong.empty();
    }
}
