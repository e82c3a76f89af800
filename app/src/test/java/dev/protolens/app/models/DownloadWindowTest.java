package dev.protolens.app.models;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.RealWindow;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.engine.hub.HubToken;
import dev.protolens.engine.hub.RecentModels;
import dev.protolens.engine.testing.FakeHub;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Window;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * Download by id in the real window (headless) against a fake hub on 127.0.0.1 that serves
 * {@code ../shared/models/tinyllama-v0}: progress in the picker and the status bar, a gated repo's message and a
 * saved token, cancel and resume, and the downloaded model opening. HF_HOME, the settings folder and the
 * folders searched for models are temporary, so nothing of the machine's own is found or touched.
 */
class DownloadWindowTest {
    static final String REPO = "protolens-test/tinyllama-v0";

    @TempDir
    Path tmp;

    private FakeHub hub;
    private Path tiny;
    @RegisterExtension
    final RealWindow window = new RealWindow();
    private ProtoLensApp app;
    private final Map<String, String> env = new HashMap<>();
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void fakeHub() {
        tiny = Shared.model("tinyllama-v0");
        hub = new FakeHub();
        env.put("HF_HOME", tmp.resolve("hf").toString());
        env.put("HF_ENDPOINT", hub.endpoint());
        ModelCandidates.environment = () -> Map.copyOf(env);
        ModelCandidates.searchRoots = () -> List.of(tmp.resolve("no-models-here"));
    }

    @AfterEach
    void stop() throws Exception {
        ModelCandidates.environment = System::getenv;
        ModelCandidates.searchRoots = () -> List.of(Path.of("").toAbsolutePath());
        hub.close();
    }

    @Test
    void downloadByIdShowsProgressInThePickerAndTheStatusBarThenOpensTheModel() {
        // slow enough to watch: 18.5 MB of weights at 4 MB/s
        hub.serve(REPO, tiny).throttle(4_000_000);
        app = start();
        assertThat(text("#picker-heading")).isEqualTo("Welcome to ProtoLens");

        downloadById(REPO);
        waitUntil("the weights half-way", 60, () -> {
            ModelDownloads.FileProgress f = fileRow("model.safetensors");
            return f != null && f.done() > 4_000_000 && f.done() < f.size();
        });
        double overall = onFx(() -> ((ProgressBar) find("#download-progress")).getProgress());
        String summary = text("#download-summary");
        List<String> rows = onFx(() -> rows());
        waitUntil("the download in the status bar", 10, () -> text("#status-task").startsWith("Downloading " + REPO));
        String status = text("#status-task");
        double statusProgress = onFx(() -> ((ProgressBar) find("#status-progress")).getProgress());
        System.out.printf("mid-download: overall %.2f, summary '%s'%n  files %s%n  status bar '%s' (%.2f)%n", overall,
                summary, rows, status, statusProgress);
        assertThat(overall).isBetween(0.05, 0.99);
        assertThat(summary).matches("\\d+ % · .* of 20\\.5 MB.*· \\d of 6 files");
        assertThat(rows).anyMatch(r -> r.startsWith("model.safetensors ") && r.contains(" of 18.5 MB"));
        assertThat(status).contains(" of 20.5 MB");
        assertThat(statusProgress).isBetween(0.0, 1.0);

        waitUntil("the downloaded model to open", 120, () -> text("#status-model").contains("llama"));
        assertThat(text("#status-model")).startsWith(REPO);
        waitUntil("the picker to close", 10, () -> find("#model-picker") == null);
        assertThat((Node) find(".error-dialog")).isNull();
        Path snapshots = tmp.resolve("hf/hub/models--protolens-test--tinyllama-v0/snapshots");
        List<RecentModels.RecentModel> recent = new RecentModels(tmp.resolve("home")).list();
        assertThat(recent).isNotEmpty();
        assertThat(recent.getFirst().path()).startsWith(snapshots);
        assertThat(recent.getFirst().repoId()).isEqualTo(REPO);
        assertThat(onFx(() -> find("#status-task").getParent().isVisible())).as("the task left the status bar").isFalse();
    }

    @Test
    void aGatedRepoSaysHowToGetAccessAndASavedTokenOpensIt() throws Exception {
        hub.serve("protolens-test/gated", tiny).gated();
        app = start();
        assertThat(text("#token-status")).startsWith("No token");

        downloadById("protolens-test/gated");
        waitUntil("the error in the picker", 60, () -> find("#download-error") != null
                && find("#download-error").isVisible());
        String message = text("#download-error");
        System.out.println("gated: " + message);
        assertThat(message).contains("protolens-test/gated is gated or private",
                "accept the licence at " + hub.endpoint() + "/protolens-test/gated", "HF_TOKEN",
                "save the token in ProtoLens settings").doesNotContain("Exception");
        assertThat((Node) find(".error-dialog")).as("shown in the picker, not in a second dialog").isNull();
        assertThat(onFx(() -> ((PasswordField) find("#hf-token")).isFocused())).isTrue();

        onFx(() -> {
            ((PasswordField) find("#hf-token")).setText(FakeHub.TOKEN);
            return null;
        });
        robot.clickOn("#save-token");
        waitUntil("the token saved", 10, () -> text("#token-status").contains("saved in ProtoLens settings"));
        assertThat(onFx(() -> ((PasswordField) find("#hf-token")).getText())).isEmpty();
        Path saved = tmp.resolve("home").resolve(HubToken.SETTINGS_FILE);
        assertThat(Files.readString(saved)).isEqualTo(FakeHub.TOKEN);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved))).isEqualTo("rw-------");

        robot.clickOn("#download-button");
        waitUntil("the gated model to open", 120, () -> text("#status-model").contains("llama"));
        assertThat(text("#status-model")).startsWith("protolens-test/gated");
        // the token went to the hub in the Authorization header and nowhere into what ProtoLens shows or writes
        assertThat(hub.requests("/resolve/")).anyMatch(r -> ("Bearer " + FakeHub.TOKEN).equals(r.authorization()));
        assertThat(onFx(DownloadWindowTest::allLabelText)).doesNotContain(FakeHub.TOKEN);
        try (var files = Files.walk(tmp.resolve("home"))) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(saved)).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(FakeHub.TOKEN);
            }
        }
    }

    @Test
    void aCancelledDownloadKeepsItsBytesAndTheResumeButtonContinuesIt() {
        FakeHub.Repo repo = hub.serve(REPO, tiny).throttle(2_000_000);
        app = start();
        downloadById(REPO);
        waitUntil("some weights", 60, () -> {
            ModelDownloads.FileProgress f = fileRow("model.safetensors");
            return f != null && f.done() > 3_000_000;
        });
        robot.clickOn("#download-cancel");
        waitUntil("the download to stop", 30, () -> text("#download-summary").startsWith("Cancelled."));
        System.out.println("cancelled: " + text("#download-summary"));
        assertThat(text("#download-summary")).contains("are kept in the cache", "again resumes where it stopped");
        assertThat(text("#status-model")).startsWith("No model");

        // the picker offers the unfinished download next time
        robot.clickOn(robot.lookup("#model-picker .button").match(n -> ((javafx.scene.control.Button) n).isCancelButton())
                .queryButton());
        waitUntil("the picker to close", 10, () -> find("#model-picker") == null);
        repo.throttle(0);
        hub.clearRequests();
        robot.press(KeyCode.CONTROL, KeyCode.O).release(KeyCode.O, KeyCode.CONTROL);
        waitUntil("the resume button", 30, () -> find("#resume-protolens-test-tinyllama-v0") != null
                && find("#resume-protolens-test-tinyllama-v0").isVisible());
        String resume = onFx(() -> ((javafx.scene.control.Button) find("#resume-protolens-test-tinyllama-v0")).getText());
        System.out.println("offered: " + resume);
        assertThat(resume).matches("Resume " + REPO + " \\(.+ kept\\)");
        robot.clickOn("#resume-protolens-test-tinyllama-v0");
        waitUntil("the resumed model to open", 120, () -> text("#status-model").contains("llama"));
        // model.safetensors is the repo's one LFS file, so the only one the CDN serves
        List<FakeHub.Request> weights = hub.requests().stream().filter(r -> r.server().equals("cdn")).toList();
        System.out.println("resumed with " + weights.stream().map(FakeHub.Request::range).toList());
        assertThat(weights).isNotEmpty();
        assertThat(weights.getFirst().range()).matches("bytes=\\d+-");
        assertThat(Long.parseLong(weights.getFirst().range().replaceAll("\\D", ""))).isGreaterThan(3_000_000);
    }

    @Test
    void firstRunWithNothingFoundOffersSmallModelsAndLocalFiles() {
        app = start();
        assertThat(text("#picker-heading")).isEqualTo("Welcome to ProtoLens");
        waitUntil("the search to finish", 30, () -> find("#no-models-found") != null);
        assertThat(text("#no-models-found")).startsWith("No models found on this computer yet");
        assertThat(onFx(() -> ((ListView<?>) find("#model-candidates")).getItems())).isEmpty();
        assertThat(buttonText("#suggest-smollm2-135m")).isEqualTo("Download SmolLM2-135M (270 MB)");
        assertThat(buttonText("#suggest-pythia-160m")).isEqualTo("Download Pythia-160M (330 MB)");
        assertThat(buttonText("#suggest-qwen2-5-0-5b")).isEqualTo("Download Qwen2.5-0.5B (990 MB)");
        assertThat(buttonText("#suggest-tinyllama-1-1b")).startsWith("Download TinyLlama-1.1B (2.");
        assertThat(onFx(() -> ((javafx.scene.control.MenuButton) find("#browse")).getText()))
                .isEqualTo("Open a folder or .gguf…");
        assertThat(text("#picker-intro")).contains("download a small one", "open a model folder");
        // the fake hub answers, so nothing says offline
        robot.sleep(1000);
        assertThat(onFx(() -> find("#download-offline").isVisible())).isFalse();
    }

    @Test
    void offlineTheFirstRunSaysSoInOneSentenceAndStillOffersLocalFiles() throws Exception {
        env.put("HF_HUB_OFFLINE", "1");
        app = start();
        waitUntil("the offline sentence", 10, () -> find("#download-offline").isVisible());
        String offline = text("#download-offline");
        System.out.println("offline: " + offline);
        assertThat(offline).startsWith("HF_HUB_OFFLINE is set").endsWith(".");
        assertThat(offline.split("\\. ")).hasSize(1);
        assertThat(onFx(() -> find("#browse").isVisible() && find("#model-path").isVisible())).isTrue();
        window.close();

        // no network: the endpoint refuses connections
        env.remove("HF_HUB_OFFLINE");
        env.put("HF_ENDPOINT", "http://127.0.0.1:9");
        app = start();
        robot.clickOn("#download-repo"); // the check waits for the user to turn to the download section
        waitUntil("the no-network sentence", 15, () -> find("#download-offline").isVisible());
        System.out.println("no network: " + text("#download-offline"));
        assertThat(text("#download-offline")).startsWith("127.0.0.1 cannot be reached");
        downloadById(REPO);
        waitUntil("the error", 60, () -> find("#download-error").isVisible());
        assertThat(text("#download-error")).contains("Cannot reach http://127.0.0.1:9", "open a local model folder");
    }

    /**
     * Issue 18: the picker connected to the hub whenever it opened. Now nothing connects until the user turns
     * to the download section, and with HF_HUB_OFFLINE not even then.
     */
    @Test
    void thePickerConnectsToTheHubOnlyWhenTheDownloadSectionIsUsed() throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try (java.net.Socket s = listener.accept()) {
                        connections.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            env.put("HF_ENDPOINT", "http://127.0.0.1:" + listener.getLocalPort());
            env.put("HF_HUB_OFFLINE", "1");
            app = start();
            waitUntil("the offline sentence", 10, () -> find("#download-offline").isVisible());
            robot.clickOn("#download-repo");
            robot.sleep(1500);
            assertThat(connections.get()).as("HF_HUB_OFFLINE: no connection, even when used").isZero();
            GuiTesting.stop(app);

            env.remove("HF_HUB_OFFLINE");
            app = start();
            waitUntil("the search to finish", 30, () -> find("#no-models-found") != null);
            robot.sleep(1500);
            assertThat(connections.get()).as("picker open, download section untouched").isZero();
            robot.clickOn("#download-repo");
            waitUntil("the reachability check", 10, () -> connections.get() > 0);
            assertThat(onFx(() -> find("#download-offline").isVisible())).as("the endpoint answered").isFalse();
        }
    }

    @Test
    void firstRunListsTheModelsAlreadyInTheHuggingFaceCache() throws Exception {
        hub.serve(REPO, tiny);
        try (var h = new dev.protolens.engine.hub.HuggingFaceHub(ModelCandidates.hubEnvironment())) {
            h.pull(REPO, null, null).await();
        }
        app = start();
        waitUntil("the cached model", 30, () -> !onFx(() -> ((ListView<?>) find("#model-candidates")).getItems()).isEmpty());
        ModelCandidates.Candidate c = onFx(() -> (ModelCandidates.Candidate)
                ((ListView<?>) find("#model-candidates")).getSelectionModel().getSelectedItem());
        assertThat(c.name()).isEqualTo(REPO);
        assertThat(c.source()).isEqualTo(ModelCandidates.Source.HF_CACHE);
        assertThat(onFx(() -> ((TextField) find("#model-path")).getText())).isEqualTo(c.path().toString());
        robot.clickOn("#open-model");
        waitUntil("the cached model to open", 120, () -> text("#status-model").contains("llama"));
    }

    private ProtoLensApp start() {
        try {
            ProtoLensApp a = window.start(tmp.resolve("home"));
            waitUntil("the model picker", 30, () -> find("#model-picker") != null);
            return a;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    private void downloadById(String id) {
        onFx(() -> {
            ((TextField) find("#download-repo")).setText(id);
            return null;
        });
        robot.clickOn("#download-button");
    }

    private static String text(String query) {
        return onFx(() -> {
            Node n = find(query);
            return n instanceof Label l ? l.getText() : null;
        });
    }

    private static String buttonText(String query) {
        return onFx(() -> ((javafx.scene.control.Button) find(query)).getText());
    }

    @SuppressWarnings("unchecked")
    private static ModelDownloads.FileProgress fileRow(String name) {
        return onFx(() -> {
            ListView<ModelDownloads.FileProgress> l = (ListView<ModelDownloads.FileProgress>) find("#download-files");
            return l == null ? null : l.getItems().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
        });
    }

    @SuppressWarnings("unchecked")
    private static List<String> rows() {
        ListView<ModelDownloads.FileProgress> l = (ListView<ModelDownloads.FileProgress>) find("#download-files");
        return l.getItems().stream().map(f -> f.name() + " " + f.describe()).toList();
    }

    private static String allLabelText() {
        List<String> out = new ArrayList<>();
        for (Window w : Window.getWindows()) {
            if (w.getScene() != null) {
                for (Node n : w.getScene().getRoot().lookupAll("*")) {
                    if (n instanceof javafx.scene.control.Labeled l) {
                        out.add(l.getText());
                    } else if (n instanceof javafx.scene.control.TextInputControl t) {
                        out.add(t.getText());
                    }
                }
            }
        }
        return String.join("\n", out);
    }
}
