package dev.protolens.app.fit;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.RealWindow;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TreeTableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.text.TextFlow;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The end-to-end check, on the real window (headless, Monocle): open the stories260K model through
 * the picker, paste the Lily text, fit with Ctrl+Enter until 100 %, check the one-pass text, save with Ctrl+S,
 * find the run in the Library and open it again into the Fit view.
 */
class FitWindowTest {
    static final String LILY = "Lily and Ben went to the park to play with a red ball.";

    @TempDir
    Path home;

    @RegisterExtension
    final RealWindow window = new RealWindow();
    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void start() throws Exception {
        app = window.start(home);
    }


    @Test
    void fitsTheLilyTextSavesItAndReopensItFromTheLibrary() {
        Path model = GuiTesting.sharedModel("stories260k-hf");

        // first run: no model configured, so the picker offers what it finds
        waitUntil("the model picker", 30, () -> find("#model-picker") != null);
        onFx(() -> {
            TextField path = find("#model-path");
            path.setText(model.toString());
            return null;
        });
        robot.clickOn("#open-model");
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        assertThat(onFx(() -> ((Label) find("#status-model")).getText())).startsWith("stories260k-hf");

        onFx(() -> {
            ((TextArea) find("#fit-text")).setText(LILY);
            return null;
        });
        waitUntil("the token preview", 30, () -> ((Label) find("#token-count")).getText().equals("N = 20"));
        robot.clickOn("#fit-text");
        robot.press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);
        waitUntil("the fit to start", 30, () -> !((Button) find("#stop-button")).isDisabled());

        waitUntil("the fit to reach 100 %", 600, () -> find("#result-status") != null
                && ((Label) find("#result-status")).getScene() != null);
        assertThat(onFx(() -> ((Label) find("#result-status")).getText())).startsWith("Reached 100 %");
        assertThat(onFx(() -> (String) ((TextFlow) find("#decoded-text")).getUserData())).isEqualTo(LILY);
        // the numbers row follows on the next frame after the result panel
        waitUntil("the final numbers", 10, () -> ((Label) find("#fit-accuracy")).getText().equals("20 / 20"));

        // unsaved, the result is already kept as a checkpoint
        RunLibrary lib = new RunLibrary(home.resolve("library"));
        waitUntil("the draft in the library", 30, () -> lib.list().runs().size() == 1);
        assertThat(lib.list().runs().getFirst().status()).isEqualTo("checkpoint");

        robot.press(KeyCode.CONTROL, KeyCode.S).release(KeyCode.S, KeyCode.CONTROL);
        waitUntil("the save", 30, () -> ((Button) find("#save-run")).getText().startsWith("Saved"));
        List<RunRecord> runs = lib.list().runs();
        assertThat(runs).hasSize(1);
        RunRecord saved = runs.getFirst();
        assertThat(saved.status()).isEqualTo("complete");
        assertThat(saved.text()).isEqualTo(LILY);
        assertThat(saved.metrics().decodedText()).isEqualTo(LILY);
        assertThat(saved.metrics().correctTokens()).isEqualTo(20);
        Run stored = lib.load(saved.id());
        assertThat(stored.resumeState()).as("a saved run carries no optimiser state").isNull();

        robot.clickOn("#nav-library");
        waitUntil("the run in the library table", 30, () -> {
            TreeTableView<dev.protolens.app.library.LibraryRows.Row> t = find("#library-table");
            return t != null && t.getExpandedItemCount() == 1
                    && t.getTreeItem(0).getValue().runs().getFirst().id().equals(saved.id());
        });
        onFx(() -> {
            TreeTableView<dev.protolens.app.library.LibraryRows.Row> t = find("#library-table");
            t.getSelectionModel().select(0);
            return null;
        });
        robot.clickOn("#library-open");
        waitUntil("the run in the Fit view", 60, () -> find("#fit-view") != null
                && ((Label) find("#status-message")).getText().equals("opened run " + saved.id()));
        assertThat(onFx(() -> (String) ((TextFlow) find("#decoded-text")).getUserData())).isEqualTo(LILY);
        assertThat(onFx(() -> ((Label) find("#result-status")).getText())).startsWith("Complete");
        FitView view = find("#fit-view");
        int historyLength = saved.history().loss().length;
        assertThat(onFx(() -> view.model().frames().curves().lines().getFirst().count())).isEqualTo(historyLength);
        assertThat(onFx(() -> ((TextArea) find("#fit-text")).getText())).isEqualTo(LILY);
        System.out.printf("fit reached 100 %% after %d updates; reopened run %s with %d history points%n",
                saved.metrics().updates(), saved.id(), historyLength);
    }
}
