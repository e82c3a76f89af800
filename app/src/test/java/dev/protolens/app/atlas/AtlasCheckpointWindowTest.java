package dev.protolens.app.atlas;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.GuiTesting;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.app.figures.ProjectionFigure;
import dev.protolens.app.ui.AppSettings;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Path;
import javafx.geometry.Point2D;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * An unfinished fit on the Atlas: a hollow point beside the library's run, named unfinished in the map's title; a
 * click picks it, and "Resume in Fit" opens it in the Fit view as the checkpoint it is.
 */
class AtlasCheckpointWindowTest {
    @TempDir
    Path home;

    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();

    @AfterEach
    void stop() throws Exception {
        GuiTesting.stop(app);
    }

    @Test
    void aCheckpointIsAHollowPointThatOpensInFit() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        String id = AtlasFixture.catIds().getFirst();
        AtlasFixture.copyTree(AtlasFixture.library().resolve(id), home.resolve("library").resolve(id));
        RunLibrary lib = new RunLibrary(home.resolve("library"));
        Run done = lib.load(id);
        float[] e = done.vectors().e().clone();
        for (int i = 0; i < e.length; i++) {
            e[i] *= 0.5f; // on the way from a small start to the solution
        }
        String cp = lib.save(done.record().withId(id + "-unfinished").withStatus("checkpoint"),
                new ProtoTokens(e, done.vectors().m()), null).id();
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        app = GuiTesting.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        robot.clickOn("#nav-atlas");
        waitUntil("the atlas", 30, () -> find("#atlas-view") != null);
        AtlasView view = find("#atlas-view");
        ProjectionFigure map = view.mapFigure();
        waitUntil("the run and the checkpoint", 60, () -> map.size() == 2);
        assertThat(onFx(map::title)).startsWith("Map of 1 run + 1 unfinished of stories260k-hf");
        assertThat(onFx(() -> map.points().stream().filter(ProjectionFigure.Point::unfinished)
                .map(ProjectionFigure.Point::id).toList())).containsExactly(cp);

        Point2D at = onFx(() -> view.mapCanvas().canvas().localToScreen(view.markerOf(cp)));
        robot.moveTo(at);
        waitUntil("the tooltip says unfinished", 10, () -> view.hoverText().startsWith("Unfinished fit"));
        robot.clickOn(at);
        waitUntil("the checkpoint picked", 10, () -> view.model().checkpoints().pickedProperty().get() != null);
        assertThat(onFx(() -> view.model().selection().size())).as("not A or B").isZero();
        robot.clickOn("#atlas-resume");
        waitUntil("the checkpoint in Fit", 60, () -> find("#result-status") != null
                && ((Label) find("#result-status")).getScene() != null
                && ((Label) find("#result-status")).getText().toLowerCase(java.util.Locale.ROOT)
                        .contains("checkpoint (unsaved)"));
    }
}
