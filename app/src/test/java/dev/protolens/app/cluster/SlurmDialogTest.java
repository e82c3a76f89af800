package dev.protolens.app.cluster;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.proto.Arrangement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.control.Button;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/** The dialog before a submission: the settings drive the script shown, the run's table waits hidden. */
class SlurmDialogTest {

    @TempDir
    Path dir;

    @Test
    void theScriptFollowsTheSettings() throws Exception {
        Stage stage = FxToolkit.registerPrimaryStage();
        Plan.Settings s = Plan.Settings.paper().withSteps(10);
        Plan plan = new Plan(null, "capacity", "/models/none", s, Map.of(), List.of(
                Plan.Item.of("N=4", "t", "a text", 4, Plan.PROTO, Arrangement.E_M, 0, 1, false, s)));
        Path file = dir.resolve("plan.json");
        plan.write(file);
        SlurmViewModel vm = SlurmViewModel.of(new SlurmViewModelTest.TestHost(), file, null, List.of("/opt/protolens/bin/protolens"));
        Dialog<Void> d = onFx(() -> {
            javafx.scene.Scene scene = new javafx.scene.Scene(new javafx.scene.layout.StackPane(), 400, 300);
            new dev.protolens.app.ui.Theme.Choice(dev.protolens.app.ui.Theme.LIGHT).applyTo(scene);
            stage.setScene(scene);
            stage.show();
            return SlurmDialog.show(stage, vm);
        });
        try {
            TextArea script = find("#slurm-script");
            assertThat((String) onFx(() -> script.getText())).contains("#SBATCH --array=0-3").contains("exec /opt/protolens/bin/protolens"
                    + " plan run " + file);
            onFx(() -> {
                vm.gpusPerTaskProperty().set(2);
                vm.partitionProperty().set("gpu");
                return null;
            });
            assertThat((String) onFx(() -> script.getText())).contains("#SBATCH --gres=gpu:2").contains("#SBATCH --partition=gpu");
            javafx.scene.control.Spinner<?> gpus = find("#slurm-gpus");
            assertThat(onFx(() -> gpus.getValue())).isEqualTo(2);
            Button submit = find("#slurm-submit");
            assertThat(onFx(submit::isVisible)).isTrue();
            TableView<?> shards = find("#slurm-shards");
            assertThat(onFx(() -> shards.getParent().isVisible())).isFalse();
            assertThat(Files.exists(vm.runDir())).isFalse();
            DialogPane pane = find("#slurm-dialog");
            Path png = Path.of("target", "slurm-dialog.png");
            onFx(() -> ImageIO.write(SwingFXUtils.fromFXImage(pane.snapshot(null, null), null), "png", png.toFile()));
        } finally {
            onFx(() -> {
                d.close();
                return null;
            });
        }
    }
}
