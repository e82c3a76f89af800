package dev.protolens.app;

import dev.protolens.app.ui.ProtoLensApp;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;
import javafx.stage.Window;
import javax.imageio.ImageIO;

/**
 * Takes the README's screenshots from the real app on a real (virtual) display: the Fit view mid-fit and
 * finished, and the Library, in the light and the dark theme. Run under Xvfb:
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1600x1000x24" java -cp ... dev.protolens.app.ScreenshotTour OUT_DIR MODEL [TEXT]
 * </pre>
 *
 * It uses a fresh settings folder (a temp PROTOLENS_HOME) so nothing of the user's is shown or changed.
 */
public final class ScreenshotTour {
    private static final double WIDTH = 1440;
    private static final double HEIGHT = 900;

    private ScreenshotTour() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        Path model = Path.of(args[1]).toAbsolutePath();
        String text = args.length > 2 ? args[2] : "Lily and Ben went to the park to play with a red ball.";
        Files.createDirectories(out);
        Path home = Files.createTempDirectory("protolens-tour");
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(40, 40, WIDTH, HEIGHT, false), model.toString(), text, null)
                .save();
        Thread fx = new Thread(() -> Application.launch(ProtoLensApp.class), "fx-launch");
        fx.setDaemon(true);
        fx.start();

        waitFor("the window", () -> window() != null, 60);
        waitFor("the model", () -> label("#status-model").getText().contains("llama"), 120);

        for (String theme : List.of("light", "dark")) {
            fx(() -> {
                @SuppressWarnings("unchecked")
                ChoiceBox<dev.protolens.app.ui.Theme> c = (ChoiceBox<dev.protolens.app.ui.Theme>) lookup("#theme-choice");
                c.setValue(dev.protolens.app.ui.Theme.parse(theme));
                ((ToggleButton) lookup("#nav-fit")).fire();
                ((TextArea) lookup("#fit-text")).setText(text);
                return null;
            });
            Thread.sleep(600);
            fx(() -> {
                Button again = (Button) lookupOrNull("#fit-again");
                if (again != null && again.isVisible() && again.getScene() != null) {
                    again.fire();
                } else {
                    ((Button) lookup("#fit-button")).fire();
                }
                return null;
            });
            waitFor("mid-fit", () -> stepOf(label("#fit-step").getText()) >= 180, 180);
            Thread.sleep(300);
            snapshot(out.resolve("fit-running-" + theme + ".png"));
            waitFor("the result", () -> lookupOrNull("#result-status") != null
                    && lookupOrNull("#result-status").getScene() != null, 600);
            Thread.sleep(1200);
            snapshot(out.resolve("fit-finished-" + theme + ".png"));
            fx(() -> {
                ((Button) lookup("#save-run")).fire();
                return null;
            });
            Thread.sleep(1500);
            fx(() -> {
                ((ToggleButton) lookup("#nav-library")).fire();
                return null;
            });
            Thread.sleep(2000);
            snapshot(out.resolve("library-" + theme + ".png"));
        }
        Platform.exit();
        System.exit(0);
    }

    private static int stepOf(String s) {
        try {
            return Integer.parseInt(s.split(" ")[0]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static Window window() {
        return Window.getWindows().stream().filter(w -> w instanceof Stage s && "ProtoLens".equals(s.getTitle()))
                .findFirst().orElse(null);
    }

    private static Node lookupOrNull(String q) {
        Window w = window();
        return w == null ? null : w.getScene().lookup(q);
    }

    private static Node lookup(String q) {
        Node n = lookupOrNull(q);
        if (n == null) {
            throw new IllegalStateException("no " + q);
        }
        return n;
    }

    private static Label label(String q) {
        return (Label) lookup(q);
    }

    private static void snapshot(Path file) throws Exception {
        BufferedImage img = fx(() -> {
            Scene s = window().getScene();
            return SwingFXUtils.fromFXImage(s.snapshot(null), null);
        });
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(img, 0, 0, null);
        ImageIO.write(rgb, "png", file.toFile());
        System.out.println("wrote " + file + " (" + Files.size(file) / 1024 + " KB)");
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    private static void waitFor(String what, Callable<Boolean> ok, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            try {
                if (fx(ok)) {
                    return;
                }
            } catch (Exception e) {
                // not there yet
            }
            Thread.sleep(100);
        }
        throw new IOException("timed out waiting for " + what);
    }
}
