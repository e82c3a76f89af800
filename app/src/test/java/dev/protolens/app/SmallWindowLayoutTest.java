package dev.protolens.app;

import dev.protolens.app.ui.AppSettings;
import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.atlas.AtlasFixture;
import dev.protolens.app.fit.FitView;
import dev.protolens.app.ui.Screen;
import dev.protolens.app.ui.Theme;
import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window at 1024×700 (the smallest size): on every screen, light and dark, with a run open in the Fit
 * view (its result buttons shown) and a library of 7 runs, no label or button shows its text cut and no control lies
 * outside the window or in a view that cannot scroll to it.
 */
class SmallWindowLayoutTest {
    static final String TEXT = "Lily and Ben went to the park to play with a red ball. They saw a big dog and ran"
            + " home to tell their mom about it.";

    @TempDir
    Path home;

    private ProtoLensApp app;

    @AfterEach
    void stop() throws Exception {
        GuiTesting.stop(app);
    }

    @Test
    void everyScreenShowsEveryControlWholeAt1024x700() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        AtlasFixture.copyInto(home);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1024, 700, false), model.toString(), TEXT, null).save();
        app = GuiTesting.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        // a run opened into the Fit view: its result panel and buttons are on screen
        var run = new RunLibrary(home.resolve("library")).list().runs().getFirst();
        onFx(() -> {
            ((FitView) find("#fit-view")).model().openRun(new RunLibrary(home.resolve("library")).load(run.id()));
            return null;
        });
        waitUntil("the run's result", 60, () -> find("#result-status") != null
                && ((Label) find("#result-status")).getScene() != null);
        onFx(() -> {
            ((FitView) find("#fit-view")).model().text().textProperty().set(TEXT);
            return null;
        });
        waitUntil("the token preview", 30, () -> ((Label) find("#token-count")).getText().startsWith("N = "));

        // the longest status line a fit writes (K restarts): it wraps, it is not cut
        onFx(() -> {
            ((Label) find("#result-status")).setText("Reached 100 % after 1070 steps · best of 3 restarts: seed 2");
            return null;
        });
        // background work and a long message: the status bar keeps its Stop button whole, the message in its slot
        onFx(() -> {
            var t = new dev.protolens.app.ui.RunningTask("Fitting 8 seeds of \"" + TEXT + "\"", () -> { });
            t.update(0.4, "seed 3 of 8 · step 1200 / 3000 · checkpoint saved at step 1200");
            app.workbench().beginTask(t);
            app.workbench().messages().post("saved to the library as 20261202-101010-lily-and-ben-went-to-the-park-"
                    + "to-play-with-a-red-ball-0123abcd, 20261202-101010-lily-and-ben-went-to-the-park-4567ef01");
            return null;
        });
        List<String> problems = new ArrayList<>();
        for (Theme theme : List.of(Theme.LIGHT, Theme.DARK)) {
            for (Screen s : Screen.values()) {
                onFx(() -> {
                    app.workbench().theme().themeProperty().set(theme);
                    app.workbench().screenProperty().set(s);
                    return null;
                });
                Thread.sleep(s == Screen.FIT ? 1500 : 3000);
                List<String> found = onFx(() -> {
                    var scene = GuiTesting.mainStage().getScene();
                    assertThat(scene.getWidth()).isEqualTo(1024);
                    assertThat(scene.getHeight()).isEqualTo(700);
                    return LayoutCheck.problems(scene);
                });
                found.forEach(p -> problems.add(theme + " " + s + ": " + p));
            }
        }
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
        assertThat(onFx(() -> ((javafx.scene.control.Button) find("#status-cancel")).isVisible())).isTrue();
        assertThat(onFx(() -> ((Label) find("#status-message")).getTooltip().getText())).contains("4567ef01");
    }
}
