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
import java.util.LinkedHashMap;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * A model that does not load keeps the picker open with the reason in words beside the path (no stack trace, no
 * dialog over it), for each way a load fails; the window stays usable; files dropped on the window go where they
 * belong.
 */
class BadModelWindowTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final RealWindow window = new RealWindow();
    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();


    @Test
    void aModelThatDoesNotLoadKeepsThePickerOpenWithTheReasonBesideThePath() throws Exception {
        Path good = GuiTesting.sharedModel("stories260k-hf");
        Path ggufGood = GuiTesting.sharedModel("stories260k").resolve("stories260k-f32.gguf");
        // one broken model per way a load can fail, each with the words the picker must show
        Map<Path, String> broken = new LinkedHashMap<>();
        broken.put(tmp.resolve("not-there"), "does not exist");
        Path noConfig = Files.createDirectories(tmp.resolve("no-config"));
        Files.copy(good.resolve("tokenizer.json"), noConfig.resolve("tokenizer.json"));
        broken.put(noConfig, "has no config.json");
        Path badJson = Files.createDirectories(tmp.resolve("broken-config"));
        Files.writeString(badJson.resolve("config.json"), "{ \"model_type\": \"llama\", \"hidden_size\": ");
        Files.writeString(badJson.resolve("tokenizer.json"), "{}");
        broken.put(badJson, "config.json is not valid JSON");
        Path unknown = Files.createDirectories(tmp.resolve("unknown-architecture"));
        Files.copy(good.resolve("tokenizer.json"), unknown.resolve("tokenizer.json"));
        Files.copy(good.resolve("model.safetensors"), unknown.resolve("model.safetensors"));
        Files.writeString(unknown.resolve("config.json"), Files.readString(good.resolve("config.json"))
                .replaceAll("\"model_type\"\\s*:\\s*\"llama\"", "\"model_type\": \"mamba\""));
        broken.put(unknown, "model_type 'mamba' is not supported");
        Path badWeights = Files.createDirectories(tmp.resolve("truncated-weights"));
        Files.copy(good.resolve("tokenizer.json"), badWeights.resolve("tokenizer.json"));
        Files.copy(good.resolve("config.json"), badWeights.resolve("config.json"));
        Files.write(badWeights.resolve("model.safetensors"),
                java.util.Arrays.copyOf(Files.readAllBytes(good.resolve("model.safetensors")), 300_000));
        broken.put(badWeights, "truncated");
        Path garbageGguf = tmp.resolve("garbage.gguf");
        Files.write(garbageGguf, new byte[4096]);
        broken.put(garbageGguf, "not a GGUF file");
        Path truncatedGguf = tmp.resolve("truncated.gguf");
        Files.write(truncatedGguf, java.util.Arrays.copyOf(Files.readAllBytes(ggufGood), 100_000));
        broken.put(truncatedGguf, "truncated");
        app = window.start(tmp.resolve("home"));

        waitUntil("the model picker", 30, () -> find("#model-picker") != null);
        for (var b : broken.entrySet()) {
            typePathAndOpen(b.getKey());
            waitUntil("the reason for " + b.getKey().getFileName(), 120,
                    () -> find("#model-open-error") != null && find("#model-open-error").isVisible());
            String message = onFx(() -> ((Label) find("#model-open-error")).getText());
            System.out.println(b.getKey().getFileName() + ": " + message);
            assertThat(message).contains(b.getValue());
            assertThat(message).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(".java:");
            // the picker stays, with the path kept for correcting, and no dialog on top of it
            assertThat((Node) find("#model-picker")).isNotNull();
            assertThat(onFx(() -> ((TextField) find("#model-path")).getText())).isEqualTo(b.getKey().toString());
            assertThat((Node) find(".error-dialog")).isNull();
            assertThat(onFx(() -> find("#open-model").isDisabled())).isFalse();
            if (b.getKey().equals(noConfig)) {
                // a picture of the picker with its reason, to look at (target/model-picker-error.png)
                onFx(() -> {
                    var img = find("#model-picker").getScene().snapshot(null);
                    javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img, null), "png",
                            Path.of("target", "model-picker-error.png").toFile());
                    return null;
                });
            }
        }
        // editing the path clears the old reason; a good model closes the picker
        onFx(() -> {
            ((TextField) find("#model-path")).setText(good.toString());
            return null;
        });
        assertThat(onFx(() -> find("#model-open-error").isVisible())).isFalse();
        robot.clickOn("#open-model");
        waitUntil("the picker to close on success", 120, () -> find("#model-picker") == null);
        waitUntil("the good model", 30, () -> ((Label) find("#status-model")).getText().contains("llama"));
        assertThat((Node) find(".error-dialog")).isNull();

        // the rest of the window's errors stay where they happen too: a text over the context offers its first part
        waitUntil("the token preview", 30, () -> ((Label) find("#token-count")).getText().startsWith("N = "));
        onFx(() -> {
            ((javafx.scene.control.TextArea) find("#fit-text")).setText("Lily and Ben play in the park. ".repeat(120));
            return null;
        });
        waitUntil("the offer to fit the first tokens", 30, () -> find("#fit-first-tokens").isVisible());
        assertThat(onFx(() -> ((Button) find("#fit-first-tokens")).getText())).isEqualTo("Fit the first 512 tokens");
        assertThat(onFx(() -> ((Label) find("#token-warning")).getText())).contains("512");
        robot.clickOn("#fit-first-tokens");
        waitUntil("the text cut to the context", 30, () -> !find("#fit-first-tokens").isVisible());
        int n = Integer.parseInt(onFx(() -> ((Label) find("#token-count")).getText()).substring(4).trim());
        assertThat(n).isBetween(500, 512);
        assertThat(onFx(() -> find("#fit-button").isDisabled())).isFalse();
    }

    @Test
    void cancellingThePickerWhileALoadFailsStillSaysWhy() throws Exception {
        Path bad = Files.createDirectories(tmp.resolve("broken-model"));
        Files.writeString(bad.resolve("config.json"), "{ \"model_type\": \"llama\", \"hidden_size\": ");
        Files.writeString(bad.resolve("tokenizer.json"), "{}");
        app = window.start(tmp.resolve("home"));
        waitUntil("the model picker", 30, () -> find("#model-picker") != null);
        // Open and Cancel in one go on the FX thread: the load's answer can only arrive after the picker is gone
        Button cancel = robot.lookup("#model-picker .button").match(n -> ((Button) n).isCancelButton()).queryButton();
        onFx(() -> {
            ((TextField) find("#model-path")).setText(bad.toString());
            ((Button) find("#open-model")).fire();
            cancel.fire();
            return null;
        });
        waitUntil("the error dialog", 120, () -> find(".error-dialog") != null);
        DialogPane error = find(".error-dialog");
        assertThat(onFx(error::getContentText)).contains("config.json");
        assertThat(onFx(error::getHeaderText)).isEqualTo("Could not open the model");
        robot.clickOn(robot.lookup(".error-dialog .button").queryButton());
        waitUntil("the dialog to close", 30, () -> find(".error-dialog") == null);

        // still usable: no model, navigation works, Ctrl+O opens the picker again
        assertThat(onFx(() -> ((Label) find("#status-model")).getText())).startsWith("No model");
        robot.clickOn("#nav-library");
        waitUntil("the library", 30, () -> find("#library-view") != null && find("#library-view").getScene() != null);
        robot.press(KeyCode.CONTROL, KeyCode.O).release(KeyCode.O, KeyCode.CONTROL);
        waitUntil("the model picker again", 30, () -> find("#model-picker") != null);
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

    private void typePathAndOpen(Path model) {
        onFx(() -> {
            TextField path = find("#model-path");
            path.setText(model.toString());
            return null;
        });
        robot.clickOn("#open-model");
    }
}
