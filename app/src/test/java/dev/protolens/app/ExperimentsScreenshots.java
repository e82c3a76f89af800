package dev.protolens.app;

import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.experiments.ExperimentsView;
import dev.protolens.app.experiments.ExperimentsViewModel;
import dev.protolens.engine.experiment.Experiment;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Rectangle2D;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.robot.Robot;
import javafx.stage.Window;
import javax.imageio.ImageIO;

/**
 * Screenshots of the Experiments screen for the README, from the real app on a virtual display: "one vector or
 * two" in quick mode on stories260K, once while it runs and once finished. One theme and size per run:
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1600x1000x24" java -cp ... dev.protolens.app.ExperimentsScreenshots OUT MODEL light 1440 900
 * </pre>
 */
public final class ExperimentsScreenshots {
    private ExperimentsScreenshots() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        Path model = Path.of(args[1]).toAbsolutePath();
        String theme = args[2];
        int w = Integer.parseInt(args[3]);
        int h = Integer.parseInt(args[4]);
        Files.createDirectories(out);
        Path home = Files.createTempDirectory("protolens-experiment-shots");
        System.setProperty("protolens.home", home.toString());
        new AppSettings(theme, new AppSettings.Window(0, 0, w, h, false), model.toString(),
                "Lily and Ben went to the park to play with a red ball.", null).save();
        Thread fx = new Thread(() -> Application.launch(ProtoLensApp.class), "fx-launch");
        fx.setDaemon(true);
        fx.start();
        ScreenshotTour.waitFor("the window", () -> ScreenshotTour.window() != null, 60);
        ScreenshotTour.waitFor("the model", () -> ((Label) ScreenshotTour.lookup("#status-model")).getText()
                .contains("llama"), 120);
        ScreenshotTour.fx(() -> {
            ((ToggleButton) ScreenshotTour.lookup("#nav-experiments")).fire();
            return null;
        });
        ScreenshotTour.waitFor("the screen", () -> ScreenshotTour.window().getScene().lookup("#experiments-view") != null,
                30);
        ExperimentsViewModel vm = ScreenshotTour.fx(() ->
                ((ExperimentsView) ScreenshotTour.lookup("#experiments-view")).model());
        ScreenshotTour.fx(() -> {
            vm.experimentProperty().set(Experiment.named("one-vector"));
            vm.quickProperty().set(true);
            vm.stepsProperty().set(300);
            return null;
        });
        ScreenshotTour.waitFor("the estimate", () -> vm.planSummaryProperty().get().contains("on this machine"), 60);
        ScreenshotTour.fx(() -> {
            vm.run();
            return null;
        });
        ScreenshotTour.waitFor("a few items", () -> vm.progressProperty().get() >= 0.3, 300);
        Thread.sleep(1500);
        capture(out.resolve("experiments-running-" + theme + ".png"));
        ScreenshotTour.waitFor("the report", () -> vm.stateProperty().get() == ExperimentsViewModel.State.DONE, 600);
        Thread.sleep(1500);
        capture(out.resolve("experiments-finished-" + theme + ".png"));
        Platform.exit();
        Thread.sleep(500);
        System.exit(0);
    }

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
}
