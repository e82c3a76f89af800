package dev.protolens.app.ui;

import dev.protolens.engine.AppDirs;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the window remembers between starts, in {@code <config>/settings.json}: its bounds, the theme, the
 * last model and text, and the fit settings. A broken file never stops the app: it is moved aside and the
 * defaults are used.
 *
 * @param theme   "system", "light" or "dark"
 * @param window  null until the window was closed once
 * @param fit     the Fit view's settings (null: the paper's defaults)
 */
public record AppSettings(String theme, Window window, String lastModel, String lastText, Fit fit) {
    public static final String FILE = "settings.json";
    private static final Logger LOG = LoggerFactory.getLogger(AppSettings.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public record Window(double x, double y, double width, double height, boolean maximized) {}

    /** The Fit view's settings; {@code lr} etc. as in {@code FitSpec}. */
    public record Fit(long seed, int maxSteps, double lr, String init, String arrangement, int restarts) {}

    public static AppSettings defaults() {
        return new AppSettings("system", null, null, null, null);
    }

    public static Path file() {
        return AppDirs.config().resolve(FILE);
    }

    /** Reads the settings; a missing file gives the defaults, a broken one is kept aside as settings.json.broken. */
    public static AppSettings load() {
        Path f = file();
        if (!Files.isRegularFile(f)) {
            return defaults();
        }
        try {
            AppSettings s = JSON.readValue(Files.readString(f), AppSettings.class);
            return s == null ? defaults() : s;
        } catch (IOException | JacksonException e) {
            LOG.warn("{} is unreadable ({}); starting from the defaults and keeping it as {}.broken", f,
                    e.getMessage(), FILE);
            try {
                Files.move(f, f.resolveSibling(FILE + ".broken"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // the next save replaces it
            }
            return defaults();
        }
    }

    /** Writes atomically; a failure is logged, not thrown (losing window bounds must not lose a fit). */
    public void save() {
        Path f = file();
        try {
            Files.createDirectories(f.getParent());
            AtomicFiles.write(f, JSON.writeValueAsBytes(this));
        } catch (IOException | JacksonException e) {
            LOG.warn("could not save {}: {}", f, e.getMessage());
        }
    }

    public AppSettings withTheme(String t) {
        return new AppSettings(t, window, lastModel, lastText, fit);
    }

    public AppSettings withWindow(Window w) {
        return new AppSettings(theme, w, lastModel, lastText, fit);
    }

    public AppSettings withLastModel(String m) {
        return new AppSettings(theme, window, m, lastText, fit);
    }

    public AppSettings withLastText(String t) {
        return new AppSettings(theme, window, lastModel, t, fit);
    }

    public AppSettings withFit(Fit f) {
        return new AppSettings(theme, window, lastModel, lastText, f);
    }
}
