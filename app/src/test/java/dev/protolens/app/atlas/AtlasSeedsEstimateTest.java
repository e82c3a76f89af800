package dev.protolens.app.atlas;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.GuiTesting;
import dev.protolens.app.RealWindow;
import dev.protolens.app.ui.AppSettings;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/** "Fit seeds…" says how long the batch would take before the user starts it, and follows the seeds and steps asked. */
class AtlasSeedsEstimateTest {
    private static final Pattern ESTIMATE = Pattern.compile(
            "At most about \\d+ (s|min|h \\d\\d min) on this machine: (\\d+) seeds × (\\d+) updates, from 5 updates of"
                    + " (\\d+) seeds timed now \\(([\\d.]+) ms each\\)");

    @TempDir
    Path home;

    @RegisterExtension
    final RealWindow window = new RealWindow();
    private final FxRobot robot = new FxRobot();

    @Test
    void theSeedsDialogShowsATimeEstimateBeforeTheFitStarts() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        AtlasFixture.copyInto(home);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        window.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        robot.clickOn("#nav-atlas");
        waitUntil("the atlas", 30, () -> find("#atlas-view") != null);
        AtlasView view = find("#atlas-view");
        AtlasViewModel vm = view.model();
        int runs = AtlasFixture.SEEDS + AtlasFixture.OTHERS.size();
        waitUntil("the map", 60, () -> view.mapFigure().size() == runs);
        String cat = AtlasFixture.catIds().getFirst();
        onFx(() -> {
            vm.toggle(vm.shownRunsProperty().get().stream().filter(r -> r.id().equals(cat)).findFirst().orElseThrow());
            return null;
        });
        waitUntil("a run selected", 10, () -> vm.selection().size() == 1);
        robot.clickOn("#atlas-fit-seeds");
        waitUntil("the seeds dialog", 30, () -> find("#seeds-dialog") != null);
        waitUntil("the estimate", 120, () -> ESTIMATE.matcher(((Label) find("#seeds-estimate")).getText()).find());
        String first = onFx(() -> ((Label) find("#seeds-estimate")).getText());
        System.out.println("estimate: " + first);
        Matcher m = ESTIMATE.matcher(first);
        assertThat(m.find()).isTrue();
        assertThat(m.group(2)).isEqualTo("8");
        assertThat(m.group(3)).isEqualTo(String.valueOf(dev.protolens.engine.fit.FitSpec.MAX_STEPS));
        assertThat(m.group(4)).isEqualTo("8");
        assertThat(Double.parseDouble(m.group(5))).isPositive();

        // twice the seeds: the estimate follows at once (scaled from the same timing, no new measurement)
        onFx(() -> {
            ((Spinner<?>) find("#seeds-k")).getValueFactory().increment(8);
            return null;
        });
        waitUntil("the estimate for 16 seeds", 10, () -> ((Label) find("#seeds-estimate")).getText().contains(
                ": 16 seeds × "));
        assertThat(onFx(() -> ((Label) find("#seeds-estimate")).getText())).contains("(" + m.group(5) + " ms each)");

        // nothing was fitted: Cancel leaves the library as it was
        robot.clickOn(robot.lookup("#seeds-dialog .button").match(n -> ((Button) n).isCancelButton()).queryButton());
        waitUntil("the dialog to close", 10, () -> find("#seeds-dialog") == null);
        assertThat(onFx(() -> vm.seeds().fittingProperty().get())).isFalse();
        assertThat(onFx(() -> vm.shownRunsProperty().get().size())).isEqualTo(runs);
    }
}
