package dev.protolens.app.interpolate;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.RealWindow;
import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.atlas.AtlasFixture;
import dev.protolens.app.figures.TauCurvesFigure;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.engine.analysis.PathCurve;
import dev.protolens.engine.analysis.PathPoint;
import dev.protolens.engine.store.PathLibrary;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Path;
import java.util.Locale;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The Interpolation view on the real window (headless): between two seeds of one text the slider changes the
 * text written in one pass (the straight line breaks it somewhere inside), "Learn Bézier path" completes, its
 * curve appears beside the straight one and the path is saved with the runs, and choosing the same pair again
 * loads it.
 */
class InterpolationWindowTest {
    @TempDir
    Path home;

    @RegisterExtension
    final RealWindow window = new RealWindow();
    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();


    @Test
    void theSliderChangesTheTextAndALearnedBezierPathAppearsAndIsKept() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        AtlasFixture.copyInto(home);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        app = window.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        RunLibrary lib = new RunLibrary(home.resolve("library"));
        Run a = lib.load(AtlasFixture.catIds().get(0));
        Run b = lib.load(AtlasFixture.catIds().get(1));

        robot.clickOn("#nav-interpolate");
        waitUntil("the view", 30, () -> find("#interpolate-view") != null);
        InterpolateView view = find("#interpolate-view");
        InterpolateViewModel vm = view.model();
        waitUntil("the choosers to list the runs", 30, () -> vm.candidates().size() == 7);
        // choose A and B in the two choosers, as a person would
        onFx(() -> {
            vm.choiceAProperty().set(vm.candidates().stream().filter(r -> r.id().equals(a.id())).findFirst().orElseThrow());
            vm.choiceBProperty().set(vm.candidates().stream().filter(r -> r.id().equals(b.id())).findFirst().orElseThrow());
            return null;
        });
        waitUntil("the straight line's curve", 60, () -> vm.curvesProperty().get() != null && vm.curvesProperty().get().complete());
        assertThat(onFx(() -> vm.bProperty().get().id())).isEqualTo(b.id());
        waitUntil("the text at τ = 0", 30, () -> AtlasFixture.CAT.equals(view.textCanvas().getUserData()));
        PathCurve straight = onFx(() -> vm.curvesProperty().get().straight());
        PathPoint worst = straight.worst();
        System.out.printf(Locale.ROOT, "straight line: worst accuracy %.2f at τ = %.3f: %s%n", worst.accuracy(),
                worst.tau(), worst.text());
        assertThat(worst.accuracy()).isLessThan(1.0);
        assertThat(onFx(() -> view.curvesFigure().curves().size())).isEqualTo(1);
        // both figures name the runs they walk between, as exported
        String seedA = "(seed " + a.record().settings().seed() + ")";
        String seedB = "(seed " + b.record().settings().seed() + ")";
        assertThat(onFx(() -> dev.protolens.app.figures.FigureExport.svg(view.curvesFigure(), 760, 360,
                dev.protolens.app.figures.FigureStyle.LIGHT))).contains("A = “" + AtlasFixture.CAT + "” " + seedA)
                .contains("B = “" + AtlasFixture.CAT + "” " + seedB);
        assertThat(onFx(() -> dev.protolens.app.figures.FigureExport.svg(view.textFigure(), 760, 200,
                dev.protolens.app.figures.FigureStyle.LIGHT))).contains(seedA).contains(seedB);

        Slider slider = find("#interp-tau");
        onFx(() -> {
            slider.setValue(worst.tau());
            return null;
        });
        waitUntil("the text at the worst τ", 30, () -> worst.text().equals(view.textCanvas().getUserData()));
        assertThat(onFx(() -> (String) view.textCanvas().getUserData())).isNotEqualTo(AtlasFixture.CAT);
        assertThat(onFx(() -> view.textFigure().caption())).contains(String.format(Locale.ROOT, "τ = %.3f", worst.tau()))
                .contains("straight line");
        // the caption counts the tokens right at that τ (the slider decodes the text only, no probabilities)
        assertThat(onFx(() -> view.textFigure().caption())).contains(Math.round(worst.accuracy() * worst.decoded().length())
                + "/" + worst.decoded().length() + " tokens right");
        // the τ marker is a line over the chart at τ's place on the x axis, moved without repainting the chart
        // where the marker belongs is read again at each poll: the chart fills in as the grid decodes, and the
        // line follows each redraw
        waitUntil("the marker at the worst τ", 30, () -> Math.abs(view.tauMarkerLine().getStartX()
                - view.curvesFigure().screenMarker(dev.protolens.app.figures.FigureStyle.LIGHT).x()) <= 1);
        javafx.geometry.Rectangle2D plot = onFx(() -> {
            var m = view.curvesFigure().screenMarker(dev.protolens.app.figures.FigureStyle.LIGHT);
            return new javafx.geometry.Rectangle2D(m.x(), m.top(), 1, m.bottom() - m.top());
        });
        onFx(() -> {
            slider.setValue(Math.min(1, worst.tau() + 0.25));
            return null;
        });
        waitUntil("the marker to move right", 10, () -> view.tauMarkerLine().getStartX() > plot.getMinX() + 20);
        assertThat(onFx(() -> view.tauMarkerLine().isVisible() && view.tauMarkerLine().getEndY() > view.tauMarkerLine()
                .getStartY())).isTrue();

        robot.clickOn("#interp-learn");
        // a short learning run can start and end between two polls: either state shows the click took effect
        waitUntil("learning to start", 30, () -> vm.learningProperty().get() || vm.bezierProperty().get() != null);
        waitUntil("learning to finish", 300, () -> !vm.learningProperty().get() && vm.bezierProperty().get() != null);
        waitUntil("the Bézier curve", 60, () -> view.curvesFigure().curves().size() == 2);
        TauCurvesFigure.Curve bez = onFx(() -> view.curvesFigure().curves().get(1));
        assertThat(bez.name()).isEqualTo("learned Bézier");
        assertThat(bez.style()).isEqualTo(TauCurvesFigure.Style.BEZIER);
        double minBez = java.util.Arrays.stream(bez.value()).min().orElseThrow();
        String status = onFx(() -> ((Label) find("#interp-learn-status")).getText());
        String stats = onFx(() -> ((Label) find("#interp-path-stats")).getText());
        System.out.printf(Locale.ROOT, "learned Bézier: %s; %s; worst accuracy over %d τ %.2f (straight %.2f)%n", status,
                stats, bez.tau().length, minBez, straight.minAccuracy());
        assertThat(minBez).isGreaterThan(straight.minAccuracy());
        assertThat(onFx(() -> vm.pathProperty().get())).isEqualTo(InterpolateViewModel.PathKind.BEZIER);
        // the slider now walks the learned path
        waitUntil("the text on the learned path", 30, () -> view.textFigure().caption().contains("learned Bézier"));
        assertThat(new PathLibrary(lib).between(a.id(), b.id())).hasSize(1);

        // choosing the pair again (here: swapped) loads the saved path instead of learning it
        onFx(() -> {
            vm.swap();
            return null;
        });
        waitUntil("the saved path to load", 30, () -> vm.bezierProperty().get() != null
                && vm.curvesProperty().get() != null && vm.curvesProperty().get().bezier() != null && vm.curvesProperty().get().complete());
        assertThat(onFx(() -> vm.aProperty().get().id())).isEqualTo(b.id());
        assertThat(onFx(() -> vm.pathStatsProperty().get())).startsWith("Saved path");
    }
}
