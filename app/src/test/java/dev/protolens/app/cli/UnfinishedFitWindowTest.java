package dev.protolens.app.cli;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.GuiTesting;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.app.ui.AppSettings;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit killed mid-way (here: a CLI fit, SIGKILL after its first checkpoint) is mentioned when the window next
 * starts, once, with "Resume", which opens it in Fit where its own Resume continues it.
 */
class UnfinishedFitWindowTest {
    @TempDir
    Path home;

    private ProtoLensApp app;

    @AfterEach
    void stop() throws Exception {
        GuiTesting.stop(app);
    }

    @Test
    void theWindowSaysAnUnfinishedFitIsKeptAndOpensItForResume() throws Exception {
        Path model = Shared.model("stories260k-hf");
        Path lib = home.resolve("library");
        try (ChildCli child = ChildCli.start(home.resolve("fit.txt"), "fit", "--model", model.toString(), "--text",
                "Lily and Ben went to the park to play. They ran and laughed in the warm sun.", "--steps", "100000",
                "--library", lib.toString(), "--quiet")) {
            child.await("the first checkpoint", 120, () -> new RunLibrary(lib).list().runs().size() == 1);
            child.signal("KILL"); // no shutdown hook runs: the checkpoint is all that is left
            child.waitFor(30);
        }
        List<RunRecord> runs = new RunLibrary(lib).list().runs();
        assertThat(runs).hasSize(1);
        assertThat(runs.getFirst().isCheckpoint()).isTrue();

        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        app = GuiTesting.start(home);
        waitUntil("the message about the unfinished fit", 60, () -> ((Label) find("#status-message")).getText()
                .contains("unfinished fit is kept as a checkpoint: " + runs.getFirst().id()));
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        onFx(() -> {
            ((javafx.scene.control.ButtonBase) find("#status-message-action")).fire();
            return null;
        });
        waitUntil("the checkpoint opened in Fit with Resume", 60, () -> {
            Button resume = find("#resume-fit");
            return resume != null && resume.isVisible() && !resume.isDisabled();
        });
    }
}
