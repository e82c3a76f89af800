package dev.protolens.app.fit;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.RealWindow;
import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TreeTableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * Nothing fitted is lost: a running fit leaves checkpoints (what a crash would leave), Esc stops it and keeps
 * the partial result (savable), closing the window during a fit asks and then keeps a checkpoint, and that
 * checkpoint reopens from the Library in a new session and resumes.
 */
class StopAndCloseTest {
    /** Too long for the 260K-parameter model to reach 100 % quickly: the fit is still running when we act. */
    static final String LONG = "A frozen language model can write a whole text in one step if it is given the right"
            + " two vectors. ProtoLens searches for those vectors.";

    @TempDir
    Path home;

    @RegisterExtension
    final RealWindow window = new RealWindow();
    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();


    private void startWithModel() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", null, model.toString(), LONG, null).save();
        app = window.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        onFx(() -> {
            ((TextArea) find("#fit-text")).setText(LONG);
            return null;
        });
    }

    private FitViewModel vm() {
        return onFx(() -> ((FitView) find("#fit-view")).model());
    }

    @Test
    void escStopsTheFitAndThePartialRunIsKeptAndSavable() throws Exception {
        startWithModel();
        RunLibrary lib = new RunLibrary(home.resolve("library"));
        robot.clickOn("#fit-button");
        waitUntil("the fit to start", 30, () -> vm().phase() == FitViewModel.Phase.RUNNING);

        // while it runs, checkpoints land in the library: what a crash would leave behind
        waitUntil("a checkpoint", 60, () -> !lib.list().runs().isEmpty());
        RunRecord cp = lib.list().runs().getFirst();
        assertThat(cp.status()).isEqualTo("checkpoint");
        Run loaded = lib.load(cp.id());
        assertThat(loaded.resumeState()).as("a checkpoint can be resumed").isNotNull();
        assertThat(loaded.resumeState().step()).isPositive();
        assertThat(cp.history().loss()).hasSize(loaded.resumeState().step());

        long t0 = System.nanoTime();
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        waitUntil("the fit to stop", 60, () -> vm().phase() == FitViewModel.Phase.FINISHED);
        double stopMillis = (System.nanoTime() - t0) / 1e6;
        FitOutcome o = onFx(() -> vm().outcomeProperty().get());
        assertThat(o.status()).startsWith("stopped after");
        assertThat(o.updates()).isLessThan(5000);
        System.out.printf("Esc -> result shown in %.0f ms (%.1f ms per step, %d updates)%n", stopMillis,
                o.millis() / (double) Math.max(1, o.updates()), o.updates());
        assertThat(onFx(() -> find("#resume-fit").isVisible())).isTrue();

        robot.clickOn("#save-run");
        waitUntil("the save", 30, () -> ((Button) find("#save-run")).getText().startsWith("Saved"));
        RunRecord saved = lib.load(cp.id()).record();
        assertThat(saved.status()).isEqualTo("cancelled");
        assertThat(saved.metrics().updates()).isEqualTo(o.updates());
        assertThat(saved.metrics().decodedText()).isEqualTo(o.bestDecoded().text());
        // a stopped fit, saved, keeps its optimiser state: it resumes exactly where it stopped
        assertThat(lib.load(cp.id()).resumeState()).isNotNull();
        assertThat(lib.load(cp.id()).resumeState().step()).isEqualTo(o.updates());
    }

    @Test
    void closingDuringAFitAsksKeepsACheckpointAndItResumesInTheNextSession() throws Exception {
        startWithModel();
        RunLibrary lib = new RunLibrary(home.resolve("library"));
        robot.clickOn("#fit-button");
        waitUntil("some steps", 60, () -> vm().frames().shownProperty().get() != null
                && vm().frames().shownProperty().get().step() >= 20);

        Stage stage = onFx(GuiTesting::mainStage);
        Platform.runLater(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        waitUntil("the question", 30, () -> find(".dialog-pane") != null
                && robot.lookup("Stop and quit").tryQuery().isPresent());
        robot.clickOn("Stop and quit");
        waitUntil("the window to close", 60, () -> !stage.isShowing());

        List<RunRecord> runs = lib.list().runs();
        assertThat(runs).hasSize(1);
        assertThat(runs.getFirst().status()).isEqualTo("checkpoint");
        Run kept = lib.load(runs.getFirst().id());
        assertThat(kept.resumeState()).isNotNull();
        int stoppedAt = kept.resumeState().step();
        assertThat(stoppedAt).isGreaterThanOrEqualTo(20);

        // a new session: the Library shows the checkpoint, it opens, and Resume continues from its step
        app = window.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        robot.clickOn("#nav-library");
        waitUntil("the checkpoint in the table", 30, () -> {
            TreeTableView<dev.protolens.app.library.LibraryRows.Row> t = find("#library-table");
            return t != null && t.getExpandedItemCount() == 1;
        });
        onFx(() -> {
            TreeTableView<dev.protolens.app.library.LibraryRows.Row> t = find("#library-table");
            t.getSelectionModel().select(0);
            return null;
        });
        robot.clickOn("#library-open");
        waitUntil("the run in the Fit view", 60, () -> find("#resume-fit") != null && find("#resume-fit").isVisible()
                && find("#resume-fit").getScene() != null);
        assertThat(onFx(() -> ((Label) find("#result-status")).getText())).containsIgnoringCase("checkpoint");
        robot.clickOn("#resume-fit");
        waitUntil("the resumed fit to pass its old step", 60, () -> vm().frames().shownProperty().get() != null
                && vm().frames().shownProperty().get().step() > stoppedAt);
        assertThat(onFx(() -> vm().frames().curves().lines().getFirst().steps()[0])).as("the old history is kept").isZero();
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        waitUntil("the fit to stop", 60, () -> vm().phase() == FitViewModel.Phase.FINISHED);
        System.out.printf("closed at step %d, resumed and stopped at %d%n", stoppedAt,
                onFx(() -> vm().outcomeProperty().get().updates()));
    }
}
