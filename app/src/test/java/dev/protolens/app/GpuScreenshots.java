package dev.protolens.app;

import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.gpu.GpuViewModel;
import dev.protolens.engine.gpu.GpuDetection;
import dev.protolens.engine.gpu.GpuDevice;
import dev.protolens.engine.gpu.GpuRuntime;
import dev.protolens.engine.gpu.GpuSetup;
import dev.protolens.engine.gpu.RuntimeProbe;
import dev.protolens.engine.testing.FakeNvml;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.robot.Robot;
import javafx.stage.Window;
import javax.imageio.ImageIO;

/**
 * Screenshots of the first-run GPU offer and the GPU place for the README, from the real app on a virtual display,
 * with the driver's answers simulated (this project's machines have no GPU): the GPU is named
 * "NVIDIA GeForce RTX 4090 (simulated)" so the pictures say so themselves. One theme and size per run:
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1600x1000x24" java -cp ... dev.protolens.app.GpuScreenshots OUT MODEL light 1024 700
 * </pre>
 */
public final class GpuScreenshots {
    private GpuScreenshots() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        Path model = Path.of(args[1]).toAbsolutePath();
        String theme = args[2];
        int w = Integer.parseInt(args[3]);
        int h = Integer.parseInt(args[4]);
        Files.createDirectories(out);
        Path home = Files.createTempDirectory("protolens-gpu-shots");
        System.setProperty("protolens.home", home.toString());
        GpuDevice gpu = new GpuDevice(0, "NVIDIA GeForce RTX 4090 (simulated)", 25_757_220_864L, 8, 9);
        // the folder DJL's cache would use on a real machine, so the text shows where the runtime goes
        GpuRuntime runtime = new GpuRuntime(GpuRuntime.defaultDir("linux-x86_64"), "linux-x86_64");
        GpuSetup setup = new GpuSetup(new GpuDetection(FakeNvml.driver570(gpu), "nvidia-smi", c -> Optional.empty()),
                runtime, Map.of(), new RuntimeProbe(List.of("false"), Duration.ofSeconds(5)), home);
        GpuViewModel.setupSource = () -> setup;
        new AppSettings(theme, new AppSettings.Window(0, 0, w, h, false), model.toString(),
                "Lily and Ben went to the park to play with a red ball.", null).save();
        Thread fx = new Thread(() -> Application.launch(ProtoLensApp.class), "fx-launch");
        fx.setDaemon(true);
        fx.start();

        ScreenshotTour.waitFor("the window", () -> ScreenshotTour.window() != null, 60);
        ScreenshotTour.waitFor("the model", () -> ((Label) lookup("#status-model")).getText().contains("llama"), 120);
        ScreenshotTour.waitFor("the offer", () -> dialog("#gpu-offer") != null, 60);
        Thread.sleep(800);
        capture(out.resolve("gpu-offer-" + theme + "-" + w + ".png"));
        ScreenshotTour.fx(() -> {
            ((Button) dialog("#gpu-offer").lookupAll(".button").stream()
                    .filter(n -> ((Button) n).getText().equals("Not now")).findFirst().orElseThrow()).fire();
            return null;
        });
        ScreenshotTour.waitFor("the offer to close", () -> dialog("#gpu-offer") == null, 30);
        ScreenshotTour.fx(() -> {
            ((Button) lookup("#nav-gpu")).fire();
            return null;
        });
        ScreenshotTour.waitFor("the GPU place", () -> dialog("#gpu-dialog") != null
                && ((Label) dialog("#gpu-dialog").lookup("#gpu-detected")).getText().startsWith("NVIDIA"), 60);
        Thread.sleep(800);
        capture(out.resolve("gpu-settings-" + theme + "-" + w + ".png"));
        Platform.exit();
        Thread.sleep(500);
        System.exit(0);
    }

    /** The main window's area of the screen, with the dialog over it where JavaFX placed it. */
    private static void capture(Path file) throws Exception {
        BufferedImage img = ScreenshotTour.fx(() -> {
            Window win = ScreenshotTour.window();
            Rectangle2D r = new Rectangle2D(win.getX(), win.getY(), win.getWidth(), win.getHeight());
            return SwingFXUtils.fromFXImage(new Robot().getScreenCapture(null, r), null);
        });
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(img, 0, 0, null);
        ImageIO.write(rgb, "png", file.toFile());
        System.out.println("wrote " + file + " (" + Files.size(file) / 1024 + " KB)");
    }

    private static Node lookup(String q) {
        Node n = ScreenshotTour.window().getScene().lookup(q);
        if (n == null) {
            throw new IllegalStateException("no " + q);
        }
        return n;
    }

    private static Node dialog(String q) {
        for (Window w : Window.getWindows()) {
            if (w.isShowing() && w.getScene() != null && w.getScene().lookup(q) != null) {
                return w.getScene().lookup(q);
            }
        }
        return null;
    }
}
