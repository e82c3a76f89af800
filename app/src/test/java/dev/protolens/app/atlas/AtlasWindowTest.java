package dev.protolens.app.atlas;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.RealWindow;
import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.figures.ProjectionFigure;
import dev.protolens.app.interpolate.InterpolateView;
import dev.protolens.app.ProtoLensApp;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Point2D;
import javafx.scene.control.Label;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The Atlas on the real window (headless, Monocle), with the fixture's 7 runs of stories260K: PCA and t-SNE
 * show one marker per run; clicking two markers and "Interpolate" opens the Interpolation view with them as A
 * and B; with two selected the straight line between them is drawn through the map.
 */
class AtlasWindowTest {
    @TempDir
    Path home;

    @RegisterExtension
    final RealWindow window = new RealWindow();
    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();


    ProtoLensApp startWithFixture(Path home) throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        AtlasFixture.copyInto(home);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        ProtoLensApp app = window.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        return app;
    }

    @Test
    void pcaAndTsneShowEveryRunAndTwoSelectionsOpenInterpolation() throws Exception {
        app = startWithFixture(home);
        int runs = AtlasFixture.SEEDS + AtlasFixture.OTHERS.size();
        robot.clickOn("#nav-atlas");
        waitUntil("the atlas", 30, () -> find("#atlas-view") != null);
        AtlasView view = find("#atlas-view");
        AtlasViewModel vm = view.model();
        ProjectionFigure map = view.mapFigure();

        waitUntil("the PCA map", 60, () -> map.size() == runs && map.title().contains(runs + " runs"));
        assertThat(onFx(() -> vm.modelProperty().get().name())).isEqualTo("stories260k-hf");
        assertThat(onFx(() -> map.points().stream().map(ProjectionFigure.Point::id).toList()))
                .containsAll(AtlasFixture.catIds());
        assertThat(onFx(() -> map.traces())).isEmpty();
        // the histogram panel has the 4·3/2 same-text pairs and the rest
        assertThat(onFx(() -> vm.map().localityProperty().get().sameText().length)).isEqualTo(6);
        assertThat(onFx(() -> vm.map().localityProperty().get().differentTexts().length)).isEqualTo(runs * (runs - 1) / 2 - 6);
        assertThat(onFx(() -> vm.map().localityProperty().get().meanSameText()))
                .isLessThan(onFx(() -> vm.map().localityProperty().get().meanDifferentTexts()));

        // the search box: the cat's runs stay, the others dim; Esc clears
        robot.clickOn("#atlas-search").write("cat sat");
        waitUntil("the count", 10, () -> "4 of 7 runs match".equals(((Label) find("#atlas-search-count")).getText()));
        assertThat(onFx(() -> java.util.stream.IntStream.range(0, map.size()).filter(map::dimmed).count())).isEqualTo(3);
        robot.type(javafx.scene.input.KeyCode.ESCAPE);
        waitUntil("the search cleared", 10, () -> ((Label) find("#atlas-search-count")).getText().isEmpty());
        assertThat(onFx(() -> java.util.stream.IntStream.range(0, map.size()).filter(map::dimmed).count())).isZero();

        robot.clickOn("#atlas-tsne");
        waitUntil("the t-SNE map to finish", 120, () -> !vm.map().tsneRunningProperty().get()
                && map.title().contains(runs + " runs") && map.note().contains("iteration 1000 of 1000"));
        assertThat(onFx(map::size)).isEqualTo(runs);
        System.out.println("t-SNE: " + mapNote(map));

        // click two markers (A then B) on the canvas
        String a = AtlasFixture.catIds().get(0);
        String b = AtlasFixture.catIds().get(1);
        clickMarker(view, a);
        waitUntil("A selected", 10, () -> vm.selection().size() == 1);
        clickMarker(view, b);
        waitUntil("B selected", 10, () -> vm.selection().size() == 2);
        // under t-SNE the straight line is no line (t-SNE is not linear): no path until the user ticks it
        javafx.scene.control.CheckBox paths = find("#atlas-paths");
        assertThat(onFx(paths::isSelected)).as("paths off by default under t-SNE").isFalse();
        assertThat(onFx(() -> paths.getTooltip().getText())).contains("t-SNE is not a linear map");
        assertThat(onFx(map::traces)).isEmpty();
        robot.clickOn("#atlas-paths");
        // t-SNE has no projection for new points, so the path's 21 samples join the map and it runs again
        waitUntil("the path through the t-SNE map", 120, () -> !vm.map().tsneRunningProperty().get()
                && map.traces().size() == 1 && map.size() == runs && map.note().contains("iteration 1000 of 1000"));
        assertThat(onFx(() -> map.traces().getFirst().xy().length)).isEqualTo(dev.protolens.engine.work.LibraryProjection.PATH_POINTS);

        robot.clickOn("#atlas-pca");
        waitUntil("the path through the PCA map", 30, () -> map.note().startsWith("PCA") && map.traces().size() == 1);
        // PCA places the straight line's ends exactly on A and B
        double[][] line = onFx(() -> map.traces().getFirst().xy());
        ProjectionFigure.Point pa = onFx(() -> map.points().stream().filter(p -> p.id().equals(a)).findFirst().orElseThrow());
        assertThat(line[0][0]).isCloseTo(pa.x(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(line[0][1]).isCloseTo(pa.y(), org.assertj.core.data.Offset.offset(1e-6));

        robot.clickOn("#atlas-interpolate");
        waitUntil("the Interpolation view", 30, () -> find("#interpolate-view") != null);
        InterpolateView iv = find("#interpolate-view");
        List<String> ends = onFx(() -> List.of(iv.model().aProperty().get().id(), iv.model().bProperty().get().id()));
        assertThat(ends).containsExactly(a, b);
        waitUntil("the text at τ = 0", 60, () -> AtlasFixture.CAT.equals(iv.textCanvas().getUserData()));
    }

    static String mapNote(ProjectionFigure f) {
        return onFx(f::note);
    }

    private void clickMarker(AtlasView view, String id) {
        Point2D screen = onFx(() -> {
            Point2D p = view.markerOf(id);
            return view.mapCanvas().canvas().localToScreen(p);
        });
        robot.moveTo(screen);
        robot.clickOn(screen);
    }
}
