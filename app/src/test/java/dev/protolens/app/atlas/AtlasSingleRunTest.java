package dev.protolens.app.atlas;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.app.figures.ProjectionFigure;
import java.nio.file.Path;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/** A library with one run is no dead end: the Atlas shows its point, which can be selected for "Fit seeds…". */
class AtlasSingleRunTest {
    @TempDir
    Path home;

    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();

    @AfterEach
    void stop() throws Exception {
        GuiTesting.stop(app);
    }

    @Test
    void oneRunIsAPointThatCanBeSelected() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        String id = AtlasFixture.catIds().getFirst();
        AtlasFixture.copyTree(AtlasFixture.library().resolve(id), home.resolve("library").resolve(id));
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        app = GuiTesting.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        robot.clickOn("#nav-atlas");
        waitUntil("the atlas", 30, () -> find("#atlas-view") != null);
        AtlasView view = find("#atlas-view");
        ProjectionFigure map = view.mapFigure();
        waitUntil("the one point", 60, () -> map.size() == 1);
        assertThat(onFx(map::note)).contains("Fit seeds");
        onFx(() -> {
            view.model().toggle(view.model().shownRunsProperty().get().getFirst());
            return null;
        });
        waitUntil("the point selected", 10, () -> view.model().selection().size() == 1);
        waitUntil("Fit seeds… offered", 10, () -> !find("#atlas-fit-seeds").isDisabled());
    }
}
