package dev.protolens.app.gpu;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.RealWindow;
import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.engine.gpu.GpuDetection;
import dev.protolens.engine.gpu.GpuDevice;
import dev.protolens.engine.gpu.GpuRuntime;
import dev.protolens.engine.gpu.GpuSetup;
import dev.protolens.engine.gpu.RuntimeProbe;
import dev.protolens.engine.testing.FakeDjlSite;
import dev.protolens.engine.testing.FakeNvml;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The window's GPU place and first-run offer with the driver's answers simulated (an RTX 4090 on driver 570) and DJL's
 * site played on a loopback server: install with progress in the dialog and the status bar, the check in a child
 * process failing on libraries that are not real, its reason shown, remove; and the offer after the first model opens.
 */
class GpuWindowTest {
    static final GpuDevice RTX_4090 = new GpuDevice(0, "NVIDIA GeForce RTX 4090", 25_757_220_864L, 8, 9);
    @TempDir
    Path tmp;
    FakeDjlSite site;
    GpuRuntime runtime;
    GpuSetup setup;
    @RegisterExtension
    final RealWindow window = new RealWindow();
    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void simulate() {
        site = new FakeDjlSite();
        FakeDjlSite.cudaLibraries().forEach((name, bytes) -> site.publish("cu128", "linux-x86_64", name, bytes));
        runtime = new GpuRuntime(tmp.resolve("djl/pytorch/2.7.1-cu128-linux-x86_64"), "linux-x86_64");
        List<String> child = new ArrayList<>(List.of("env", "DJL_CACHE_DIR=" + tmp.resolve("djl")));
        child.addAll(RuntimeProbe.childCommand());
        setup = new GpuSetup(new GpuDetection(FakeNvml.driver570(RTX_4090), "nvidia-smi", cmd -> Optional.empty()), runtime, Map.of(),
                new RuntimeProbe(child, Duration.ofMinutes(2)), tmp.resolve("home")).withDownloadBase(site.base());
        GpuViewModel.setupSource = () -> setup;
    }

    @AfterEach
    void stop() throws Exception {
        GpuViewModel.setupSource = GpuSetup::system;
        site.close();
    }

    private static String text(String id) {
        return onFx(() -> ((Label) find(id)).getText());
    }

    private static boolean shown(String id) {
        return onFx(() -> {
            Node n = find(id);
            return n != null && n.isVisible() && n.isManaged();
        });
    }

    @Test
    void theGpuPlaceInstallsWithProgressChecksAndSaysWhyTheCheckFailed() throws Exception {
        site.bytesPerSecond = 2_500_000;
        app = window.start(tmp.resolve("home"));
        waitUntil("the model picker", 30, () -> find("#model-picker") != null);
        robot.clickOn(robot.lookup("#model-picker .button").match(n -> ((Button) n).isCancelButton()).queryButton());
        waitUntil("the picker to close", 30, () -> find("#model-picker") == null);

        robot.clickOn("#nav-gpu");
        waitUntil("the GPU place", 30, () -> find("#gpu-dialog") != null);
        waitUntil("the driver's answer", 30, () -> text("#gpu-detected").startsWith("NVIDIA driver"));
        assertThat(text("#gpu-detected")).isEqualTo("NVIDIA driver 570.124.04 · supports CUDA 12.8 (read through NVML)");
        assertThat(text("#gpu-devices")).isEqualTo("GPU 0: NVIDIA GeForce RTX 4090, 25.8 GB, compute 8.9 · bf16");
        assertThat(text("#gpu-runtime")).isEqualTo("Not installed. The CUDA build of PyTorch (libtorch 2.7.1, cu128):"
                + " a download of about 2–3 GB from 127.0.0.1 into " + runtime.dir() + ".");
        assertThat(text("#gpu-next")).startsWith("The CPU, float32. The GPU runtime is not installed");
        assertThat(onFx(() -> find("#gpu-install").isDisabled())).isFalse();
        assertThat(onFx(() -> find("#gpu-check-again").isDisabled())).isTrue();

        robot.clickOn("#gpu-install");
        waitUntil("the download's progress", 30, () -> shown("#gpu-progress") && text("#gpu-summary").matches("[1-9]\\d? % · .*"));
        System.out.println("progress: " + text("#gpu-summary"));
        assertThat(shown("#gpu-cancel")).isTrue();
        assertThat(text("#status-task")).startsWith("Installing the GPU runtime — ");
        waitUntil("the check's outcome", 180, () -> !text("#gpu-message").isEmpty());
        String message = text("#gpu-message");
        System.out.println("message: " + message);
        assertThat(message).isEqualTo("The GPU runtime failed its check: the GPU runtime's files are damaged or"
                + " incomplete. Remove it (protolens gpu remove) and install it again. ProtoLens keeps running on the"
                + " CPU.");
        assertThat(onFx(() -> find("#gpu-message").getStyleClass())).contains("warn-text");
        waitUntil("the status after the install", 30, () -> text("#gpu-runtime").startsWith("CUDA libtorch"));
        assertThat(text("#gpu-runtime")).contains(" in " + runtime.dir() + ", ").contains(", installed ")
                .endsWith(" from " + site.base());
        assertThat(text("#gpu-check")).startsWith("Failed ").contains(": the GPU runtime's files are damaged");
        assertThat(text("#gpu-next")).contains("The CPU runs until a check passes");
        assertThat(runtime.present()).isTrue();
        assertThat(onFx(() -> find("#status-task").getParent().isVisible())).as("the status bar's task ended").isFalse();

        robot.clickOn("#gpu-remove");
        waitUntil("the removal", 30, () -> text("#gpu-message").startsWith("Removed the GPU runtime ("));
        waitUntil("the status after removing", 30, () -> text("#gpu-runtime").startsWith("Not installed."));
        assertThat(runtime.dir()).doesNotExist();
    }

    @Test
    void theFirstRunOfferComesAfterTheFirstModelAndSaysTheSizeAndWhereItGoes() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        System.setProperty("protolens.home", tmp.resolve("home").toString());
        new AppSettings("light", null, model.toString(), null, null).save();
        assertThat(setup.shouldOffer()).isTrue();
        app = window.start(tmp.resolve("home"));
        waitUntil("the offer", 120, () -> find("#gpu-offer") != null);
        DialogPane offer = find("#gpu-offer");
        String content = onFx(() -> ((javafx.scene.layout.VBox) offer.getContent()).getChildren().stream()
                .map(n -> ((Label) n).getText()).reduce("", (a, b) -> a + b + "\n"));
        System.out.println(content);
        assertThat(onFx(offer::getHeaderText)).isEqualTo("Use your NVIDIA GPU?");
        assertThat(content).contains("ProtoLens found an NVIDIA GeForce RTX 4090, 25.8 GB, compute 8.9.")
                .contains("a download of about 2–3 GB from 127.0.0.1 into " + runtime.dir() + ".")
                .contains("under GPU in the left bar");
        robot.clickOn(robot.lookup("#gpu-offer .button").match(n -> ((Button) n).getText().equals("Not now"))
                .queryButton());
        waitUntil("the offer to close", 30, () -> find("#gpu-offer") == null);
        waitUntil("the answer kept", 30, () -> setup.offerAnswer().isPresent());
        assertThat(setup.offerAnswer()).contains("later");
        assertThat(setup.shouldOffer()).as("asked once").isFalse();
        assertThat(text("#fit-device")).isEqualTo("CPU · float32");
    }
}
