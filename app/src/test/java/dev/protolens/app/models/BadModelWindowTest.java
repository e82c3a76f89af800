package dev.protolens.app.models;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.RealWindow;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.MainWindow;
import dev.protolens.app.ProtoLensApp;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * A broken model folder gives an error dialog in words (no stack trace) and the window stays usable; files
 * dropped on the window go where they belong.
 */
class BadModelWindowTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final RealWindow window = new RealWindow();
    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();


    @Test
    void aBrokenModelFolderShowsAnErrorDialogAndTheAppStaysUsable() throws Exception {
        Path good = GuiTesting.sharedModel("stories260k-hf");
        Path bad = Files.createDirectories(tmp.resolve("broken-model"));
        Files.writeString(bad.resolve("config.json"), "{ \"model_type\": \"llama\", \"hidden_size\": ");
        Files.writeString(bad.resolve("tokenizer.json"), "{}");
        app = window.start(tmp.resolve("home"));

        waitUntil("the model picker", 30, () -> find("#model-picker") != null);
        openThroughPicker(bad);
        waitUntil("the error dialog", 60, () -> find(".error-dialog") != null);
        DialogPane error = find(".error-dialog");
        String message = onFx(error::getContentText);
        System.out.println("error dialog: " + message);
        assertThat(message).contains("config.json");
        assertThat(message).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(".java:");
        assertThat(onFx(error::getHeaderText)).isEqualTo("Could not open the model");
        robot.clickOn(robot.lookup(".error-dialog .button").queryButton());
        waitUntil("the dialog to close", 30, () -> find(".error-dialog") == null);

        // still usable: no model, navigation works, Ctrl+O opens the picker, a good model loads
        assertThat(onFx(() -> ((Label) find("#status-model")).getText())).startsWith("No model");
        robot.clickOn("#nav-library");
        waitUntil("the library", 30, () -> find("#library-view") != null && find("#library-view").getScene() != null);
        robot.clickOn("#nav-fit");
        waitUntil("the fit view", 30, () -> find("#fit-view") != null && find("#fit-view").getScene() != null);
        robot.press(KeyCode.CONTROL, KeyCode.O).release(KeyCode.O, KeyCode.CONTROL);
        waitUntil("the model picker again", 30, () -> find("#model-picker") != null);
        openThroughPicker(good);
        waitUntil("the good model", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        waitUntil("the token preview", 30, () -> ((Label) find("#token-count")).getText().startsWith("N = "));
    }

    @Test
    void droppedFilesAreRoutedAModelFolderOpensATextFileBecomesTheText() throws Exception {
        Path good = GuiTesting.sharedModel("stories260k-hf");
        Path text = tmp.resolve("story.txt");
        Files.writeString(text, "The cat sat on the mat.\n");
        app = window.start(tmp.resolve("home"));
        waitUntil("the model picker", 30, () -> find("#model-picker") != null);
        robot.clickOn(robot.lookup("#model-picker .button").match(n -> ((javafx.scene.control.Button) n).isCancelButton())
                .queryButton());
        waitUntil("the picker to close", 30, () -> find("#model-picker") == null);

        MainWindow window = onFx(() -> (MainWindow) find("#main-window"));
        onFx(() -> {
            window.route(good);
            return null;
        });
        waitUntil("the dropped model", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        robot.clickOn("#nav-library");
        onFx(() -> {
            window.route(text);
            return null;
        });
        waitUntil("the dropped text in the Fit view", 30, () -> find("#fit-view") != null
                && find("#fit-view").getScene() != null
                && ((javafx.scene.control.TextArea) find("#fit-text")).getText().equals("The cat sat on the mat."));
        waitUntil("its tokens", 30, () -> ((Label) find("#token-count")).getText().startsWith("N = "));
    }

    private void openThroughPicker(Path model) {
        onFx(() -> {
            TextField path = find("#model-path");
            path.setText(model.toString());
            return null;
        });
        robot.clickOn("#open-model");
        waitUntil("the picker to close", 30, () -> find("#model-picker") == null);
    }
}
