package dev.protolens.app;

import dev.protolens.app.fit.FitView;
import dev.protolens.app.fit.FitViewModel;
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
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
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
            // the dark pass fits three restarts at once: one thin curve each, the strip shows the best
            int restarts = theme.equals("dark") ? 3 : 1;
            fx(() -> {
                @SuppressWarnings("unchecked")
                ChoiceBox<dev.protolens.app.ui.Theme> c = (ChoiceBox<dev.protolens.app.ui.Theme>) lookup("#theme-choice");
                c.setValue(dev.protolens.app.ui.Theme.parse(theme));
                ((ToggleButton) lookup("#nav-fit")).fire();
                FitViewModel vm = ((FitView) lookup("#fit-view")).model();
                vm.textProperty().set(text);
                vm.restartsProperty().set(restarts);
                vm.seedProperty().set(theme.equals("dark") ? 1 : 0);
                return null;
            });
            Thread.sleep(800);
            fire("#fit-button");
            waitFor("mid-fit", () -> stepOf(label("#fit-step").getText()) >= 180, 180);
            Thread.sleep(400);
            snapshot(out.resolve("fit-running-" + theme + ".png"));
            waitFor("the result", ScreenshotTour::resultShown, 600);
            Thread.sleep(1500);
            snapshot(out.resolve("fit-finished-" + theme + ".png"));
            fire("#save-run");
            Thread.sleep(1500);
            if (theme.equals("light")) {
                // a fit stopped early stays in the library as a checkpoint until it is saved
                fx(() -> {
                    FitViewModel vm = ((FitView) lookup("#fit-view")).model();
                    vm.textProperty().set("Tom had a small dog named Max. Max liked to run in the sun.");
                    return null;
                });
                Thread.sleep(800);
                fire("#fit-button");
                waitFor("a few steps", () -> stepOf(label("#fit-step").getText()) >= 60, 180);
                fire("#stop-button");
                waitFor("the stop", ScreenshotTour::resultShown, 120);
                Thread.sleep(1500);
                snapshot(out.resolve("fit-stopped-" + theme + ".png"));
            }
            fire("#nav-library");
            Thread.sleep(2000);
            fx(() -> {
                ((javafx.scene.control.TableView<?>) lookup("#library-table")).getSelectionModel().select(0);
                return null;
            });
            Thread.sleep(500);
            snapshot(out.resolve("library-" + theme + ".png"));
        }
        Platform.exit();
        Thread.sleep(1000);
        System.exit(0);
    }

    /** Presses a button (or navigation toggle) as a click would. */
    private static void fire(String query) throws Exception {
        fx(() -> {
            ((javafx.scene.control.ButtonBase) lookup(query)).fire();
            return null;
        });
    }

    private static int stepOf(String s) {
        try {
            return Integer.parseInt(s.split(" ")[0]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static boolean resultShown() {
        Node n = lookupOrNull("#result-status");
        return n != null && n.getScene() != null;
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
