package dev.protolens.app;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.Node;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Shared pieces of the headless GUI tests: the real window on a temp PROTOLENS_HOME, waits, lookups. */
public final class GuiTesting {
    private GuiTesting() {}

    /** ../shared/models/NAME, or the test is skipped (CI always has ../shared). */
    public static Path sharedModel(String name) {
        String prop = System.getProperty("protolens.shared");
        Path root = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        Path p = root.resolve("models").resolve(name).toAbsolutePath().normalize();
        assumeTrue(Files.exists(p), "skipped: " + p + " is missing (../shared holds the test models; CI always has it)");
        return p;
    }

    /** Starts the real application with its settings and library under {@code home}. */
    public static dev.protolens.app.ProtoLensApp start(Path home) throws TimeoutException {
        System.setProperty("protolens.home", home.toString());
        // Monocle's headless screen is 1280x800 by default; a larger window overflows its pixel buffer
        System.setProperty("headless.geometry", System.getProperty("headless.geometry", "1600x1000-32"));
        FxToolkit.registerPrimaryStage();
        return (dev.protolens.app.ProtoLensApp) FxToolkit.setupApplication(dev.protolens.app.ProtoLensApp.class);
    }

    public static void stop(dev.protolens.app.ProtoLensApp app) throws TimeoutException {
        if (app != null) {
            FxToolkit.cleanupApplication(app);
        }
        FxToolkit.cleanupStages();
        System.clearProperty("protolens.home");
    }

    /** Waits until {@code condition} (evaluated on the FX thread) holds. */
    public static void waitUntil(String what, int seconds, Callable<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> {
                try {
                    return WaitForAsyncUtils.asyncFx(condition).get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    return false;
                }
            });
        } catch (TimeoutException e) {
            throw new AssertionError("timed out after " + seconds + " s waiting for " + what, e);
        }
    }

    /** The main window. */
    public static Stage mainStage() {
        return (Stage) Window.getWindows().stream()
                .filter(w -> w instanceof Stage s && "ProtoLens".equals(s.getTitle())).findFirst().orElseThrow();
    }

    /** A node of any open window, or null. */
    @SuppressWarnings("unchecked")
    public static <T extends Node> T find(String query) {
        for (Window w : Window.getWindows()) {
            if (w.isShowing() && w.getScene() != null) {
                Node n = w.getScene().lookup(query);
                if (n != null) {
                    return (T) n;
                }
            }
        }
        return null;
    }

    /** Runs on the FX thread and waits. */
    public static <T> T onFx(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
