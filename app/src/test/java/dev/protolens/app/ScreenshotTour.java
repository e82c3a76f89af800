package dev.protolens.app;

import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.fit.FitView;
import dev.protolens.app.fit.FitViewModel;
import dev.protolens.app.ProtoLensApp;
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
 * finished, and the Library, in the light and the dark theme, then the Atlas and the Interpolation view (with
 * two SVG exports). {@code -Dtour.only=fit} or {@code -Dtour.only=atlas} takes one part. Run under Xvfb:
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1600x1000x24" java -cp ... dev.protolens.app.ScreenshotTour OUT_DIR MODEL [TEXT]
 * </pre>
 *
 * It uses a fresh settings folder (a temp PROTOLENS_HOME) so nothing of the user's is shown or changed.
 */
public final class ScreenshotTour {
    // -Dtour.size=1024x700 takes the same pictures in the smallest window the layout test checks, named *-1024.png
    private static final String SIZE = System.getProperty("tour.size", "1440x900");
    private static final double WIDTH = Double.parseDouble(SIZE.split("x")[0]);
    private static final double HEIGHT = Double.parseDouble(SIZE.split("x")[1]);
    private static final String SUFFIX = WIDTH == 1440 ? "" : "-" + (int) WIDTH;

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

        boolean fitTour = !"atlas".equals(System.getProperty("tour.only"));
        for (String theme : fitTour ? List.of("light", "dark") : List.<String>of()) {
            // the dark pass fits three restarts at once: one thin curve each, the strip shows the best
            int restarts = theme.equals("dark") ? 3 : 1;
            fx(() -> {
                @SuppressWarnings("unchecked")
                ChoiceBox<dev.protolens.app.ui.Theme> c = (ChoiceBox<dev.protolens.app.ui.Theme>) lookup("#theme-choice");
                c.setValue(dev.protolens.app.ui.Theme.parse(theme));
                ((ToggleButton) lookup("#nav-fit")).fire();
                FitViewModel vm = ((FitView) lookup("#fit-view")).model();
                vm.text().textProperty().set(text);
                vm.settings().restartsProperty().set(restarts);
                vm.settings().seedProperty().set(theme.equals("dark") ? 1 : 0);
                return null;
            });
            Thread.sleep(800);
            fire("#fit-button");
            waitFor("mid-fit", () -> stepOf(label("#fit-step").getText()) >= 180, 180);
            Thread.sleep(400);
            snapshot(out.resolve("fit-running-" + theme + SUFFIX + ".png"));
            waitFor("the result", ScreenshotTour::resultShown, 600);
            Thread.sleep(1500);
            snapshot(out.resolve("fit-finished-" + theme + SUFFIX + ".png"));
            fire("#save-run");
            Thread.sleep(1500);
            if (theme.equals("light")) {
                // a fit stopped early stays in the library as a checkpoint until it is saved
                fx(() -> {
                    FitViewModel vm = ((FitView) lookup("#fit-view")).model();
                    vm.text().textProperty().set("Tom had a small dog named Max. Max liked to run in the sun.");
                    return null;
                });
                Thread.sleep(800);
                fire("#fit-button");
                waitFor("a few steps", () -> stepOf(label("#fit-step").getText()) >= 60, 180);
                fire("#stop-button");
                waitFor("the stop", ScreenshotTour::resultShown, 120);
                Thread.sleep(1500);
                snapshot(out.resolve("fit-stopped-" + theme + SUFFIX + ".png"));
            }
            fire("#nav-library");
            Thread.sleep(2000);
            fx(() -> {
                ((javafx.scene.control.TreeTableView<?>) lookup("#library-table")).getSelectionModel().select(0);
                return null;
            });
            Thread.sleep(500);
            snapshot(out.resolve("library-" + theme + SUFFIX + ".png"));
        }
        if (Boolean.getBoolean("tour.screens")) {
            screensTour(out);
        }
        if (!"fit".equals(System.getProperty("tour.only"))) {
            atlasTour(out);
        }
        Platform.exit();
        Thread.sleep(1000);
        System.exit(0);
    }

    static final String CAT = "The cat sat on the mat.";

    /** The other screens as they are after the fit tour (its runs), light and dark: how they hold at this size. */
    private static void screensTour(Path out) throws Exception {
        for (String theme : List.of("light", "dark")) {
            fx(() -> {
                @SuppressWarnings("unchecked")
                ChoiceBox<dev.protolens.app.ui.Theme> c = (ChoiceBox<dev.protolens.app.ui.Theme>) lookup("#theme-choice");
                c.setValue(dev.protolens.app.ui.Theme.parse(theme));
                return null;
            });
            for (String screen : List.of("atlas", "interpolate", "inside")) {
                fire("#nav-" + screen);
                Thread.sleep(4000);
                if (screen.equals("atlas")) {
                    // the map is computed in the background: a picture before it is done shows an empty map
                    dev.protolens.app.atlas.AtlasView atlas = (dev.protolens.app.atlas.AtlasView) fx(() -> lookup("#atlas-view"));
                    waitFor("the atlas map", () -> atlas.mapFigure().size() > 0, 120);
                    Thread.sleep(1500);
                }
                snapshot(out.resolve(screen + "-screen-" + theme + SUFFIX + ".png"));
            }
        }
    }

    /**
     * The Atlas and the Interpolation view: a few texts fitted in the Fit view, 8 seeds of one of them added
     * with the Atlas's "Fit seeds…" (one shared m), the map with the paths between two seeds, a learned Bézier
     * path, the slider where the straight line breaks the text; and SVG exports of two figures for the README.
     */
    private static void atlasTour(Path out) throws Exception {
        fx(() -> {
            @SuppressWarnings("unchecked")
            ChoiceBox<dev.protolens.app.ui.Theme> c = (ChoiceBox<dev.protolens.app.ui.Theme>) lookup("#theme-choice");
            c.setValue(dev.protolens.app.ui.Theme.LIGHT);
            return null;
        });
        for (String t : List.of(CAT, "Tom had a big blue boat.", "A bird sang in the park.", "Mia found a small red box.")) {
            fx(() -> {
                ((ToggleButton) lookup("#nav-fit")).fire();
                FitViewModel vm = ((FitView) lookup("#fit-view")).model();
                vm.text().textProperty().set(t);
                vm.settings().restartsProperty().set(t.equals(CAT) ? 1 : 3);
                vm.settings().seedProperty().set(0);
                return null;
            });
            Thread.sleep(800);
            fire("#fit-button");
            Thread.sleep(500);
            waitFor("the result of " + t, () -> {
                FitViewModel vm = ((FitView) lookup("#fit-view")).model();
                return vm.phase() == FitViewModel.Phase.FINISHED && vm.outcomeProperty().get() != null
                        && vm.outcomeProperty().get().target().text().equals(t);
            }, 600);
            Thread.sleep(500);
            fire("#save-run");
            Thread.sleep(1200);
        }
        fire("#nav-atlas");
        dev.protolens.app.atlas.AtlasView atlas = (dev.protolens.app.atlas.AtlasView) fx(() -> lookup("#atlas-view"));
        dev.protolens.app.atlas.AtlasViewModel avm = atlas.model();
        waitFor("the map", () -> atlas.mapFigure().size() == 10, 60);
        fx(() -> {
            avm.toggle(avm.shownRunsProperty().get().stream().filter(r -> r.record().text().equals(CAT)).findFirst()
                    .orElseThrow());
            avm.seeds().fit(8, true, 3000);
            return null;
        });
        waitFor("the seeds", () -> atlas.mapFigure().size() == 18 && !avm.seeds().fittingProperty().get(), 600);
        // two of the new seeds (they share m, so the path moves e as in the paper). The straight line of every
        // pair among the first six is decoded first; paths are then learned from the pair whose straight line
        // breaks the text most, until one keeps it (a single control point does not find a path for every pair
        // on this 64-wide model, README, "How the map and the paths are computed")
        List<dev.protolens.engine.store.Run> seeds = fx(() -> avm.shownRunsProperty().get().stream()
                .filter(r -> r.record().text().equals(CAT) && r.record().settings().sharedM()).toList());
        fire("#nav-interpolate");
        dev.protolens.app.interpolate.InterpolateView survey =
                (dev.protolens.app.interpolate.InterpolateView) fx(() -> lookup("#interpolate-view"));
        var svm = survey.model();
        waitFor("the run choosers", () -> svm.candidates().size() >= seeds.size(), 60);
        List<double[]> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(6, seeds.size()); i++) {
            for (int j = i + 1; j < Math.min(6, seeds.size()); j++) {
                String ia = seeds.get(i).id();
                String ib = seeds.get(j).id();
                fx(() -> {
                    svm.choiceAProperty().set(svm.candidates().stream().filter(r -> r.id().equals(ia)).findFirst().orElseThrow());
                    svm.choiceBProperty().set(svm.candidates().stream().filter(r -> r.id().equals(ib)).findFirst().orElseThrow());
                    return null;
                });
                waitFor("the straight line " + i + "-" + j, () -> svm.curvesProperty().get() != null && svm.curvesProperty().get().complete()
                        && svm.aProperty().get().id().equals(ia) && svm.bProperty().get().id().equals(ib), 60);
                double min = fx(() -> svm.curvesProperty().get().straight().minAccuracy());
                pairs.add(new double[] {i, j, min});
            }
        }
        pairs.sort(java.util.Comparator.comparingDouble(p -> p[2]));
        dev.protolens.app.interpolate.InterpolateView iv = null;
        for (double[] pair : pairs) {
            fx(() -> {
                ((ToggleButton) lookup("#nav-atlas")).fire();
                avm.clearSelection();
                avm.toggle(seeds.get((int) pair[0]));
                avm.toggle(seeds.get((int) pair[1]));
                return null;
            });
            Thread.sleep(1000);
            fire("#atlas-interpolate");
            iv = (dev.protolens.app.interpolate.InterpolateView) fx(() -> lookup("#interpolate-view"));
            var m = iv.model();
            waitFor("the curves", () -> m.curvesProperty().get() != null && m.curvesProperty().get().complete() && m.bezierProperty().get() == null, 60);
            fire("#interp-learn");
            Thread.sleep(500);
            waitFor("the learned path", () -> !m.learningProperty().get() && m.bezierProperty().get() != null, 600);
            System.out.printf(java.util.Locale.ROOT, "seeds %d-%d: straight line min %.2f; learned path: %s%n",
                    (int) pair[0], (int) pair[1], pair[2], fx(() -> m.learnStatusProperty().get()));
            if (fx(() -> m.learnStatusProperty().get().startsWith("keeps the text"))) {
                break;
            }
        }
        dev.protolens.app.interpolate.InterpolateView view = iv;
        var ivm = view.model();
        waitFor("both curves", () -> view.curvesFigure().curves().size() == 2, 60);
        double worst = fx(() -> ivm.curvesProperty().get().straight().worst().tau());
        fx(() -> {
            ivm.pathProperty().set(dev.protolens.app.interpolate.InterpolateViewModel.PathKind.STRAIGHT);
            ivm.tauProperty().set(worst);
            return null;
        });
        Thread.sleep(1500);
        snapshot(out.resolve("interpolate-light" + SUFFIX + ".png"));
        svg(view.curvesFigure(), 760, 340, out.resolve("tau-curves.svg"));
        fire("#nav-atlas");
        Thread.sleep(2500);
        snapshot(out.resolve("atlas-light" + SUFFIX + ".png"));
        svg(atlas.mapFigure(), 820, 520, out.resolve("atlas-map.svg"));
        fx(() -> {
            @SuppressWarnings("unchecked")
            ChoiceBox<dev.protolens.app.ui.Theme> c = (ChoiceBox<dev.protolens.app.ui.Theme>) lookup("#theme-choice");
            c.setValue(dev.protolens.app.ui.Theme.DARK);
            ((ToggleButton) lookup("#atlas-tsne")).fire();
            // t-SNE places a path's samples as points of their own, so a path zigzags there: shown on the PCA map
            avm.showPathsProperty().set(false);
            return null;
        });
        waitFor("the t-SNE map", () -> !avm.map().tsneRunningProperty().get()
                && atlas.mapFigure().note().contains("iteration 1000 of 1000"), 120);
        Thread.sleep(1500);
        snapshot(out.resolve("atlas-tsne-dark" + SUFFIX + ".png"));
        fire("#nav-interpolate");
        fx(() -> {
            ivm.pathProperty().set(dev.protolens.app.interpolate.InterpolateViewModel.PathKind.BEZIER);
            return null;
        });
        Thread.sleep(1500);
        snapshot(out.resolve("interpolate-dark" + SUFFIX + ".png"));
    }

    /** Exports a figure as the README shows it: SVG, light, at a fixed size. */
    private static void svg(dev.protolens.app.figures.Figure f, double w, double h, Path file) throws Exception {
        fx(() -> {
            dev.protolens.app.figures.FigureExport.write(f, w, h, dev.protolens.app.figures.FigureExport.Format.SVG,
                    dev.protolens.app.figures.FigureStyle.LIGHT, file);
            return null;
        });
    }

    /** Presses a button (or navigation toggle) as a click would. */
    static void fire(String query) throws Exception {
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

    static Window window() {
        return Window.getWindows().stream().filter(w -> w instanceof Stage s && "ProtoLens".equals(s.getTitle()))
                .findFirst().orElse(null);
    }

    private static Node lookupOrNull(String q) {
        Window w = window();
        return w == null ? null : w.getScene().lookup(q);
    }

    static Node lookup(String q) {
        Node n = lookupOrNull(q);
        if (n == null) {
            throw new IllegalStateException("no " + q);
        }
        return n;
    }

    private static Label label(String q) {
        return (Label) lookup(q);
    }

    public static void snapshot(Path file) throws Exception {
        BufferedImage img = fx(() -> {
            Scene s = window().getScene();
            return SwingFXUtils.fromFXImage(s.snapshot(null), null);
        });
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(img, 0, 0, null);
        ImageIO.write(rgb, "png", file.toFile());
        System.out.println("wrote " + file + " (" + Files.size(file) / 1024 + " KB)");
    }

    public static <T> T fx(Callable<T> c) throws Exception {
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

    public static void waitFor(String what, Callable<Boolean> ok, int seconds) throws Exception {
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
