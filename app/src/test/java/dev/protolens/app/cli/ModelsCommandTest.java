package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.models.ModelCandidates;
import dev.protolens.engine.hub.RecentModels;
import dev.protolens.engine.testing.FakeHub;
import dev.protolens.engine.testing.Shared;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code protolens models list|pull|rm} against a fake hub, with HF_HOME and the settings folder ({@code protolens.home},
 * which AppDirs reads) in a temporary folder.
 */
class ModelsCommandTest {
    static final String REPO = "protolens-test/tinyllama-v0";

    @TempDir
    Path tmp;
    FakeHub hub;
    Path tiny;
    final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() {
        tiny = Shared.model("tinyllama-v0");
        hub = new FakeHub();
        hub.serve(REPO, tiny).extra("pytorch_model.bin", new byte[] {1, 2, 3});
        env.put("HF_HOME", tmp.resolve("hf").toString());
        env.put("HF_ENDPOINT", hub.endpoint());
        System.setProperty("protolens.home", tmp.resolve("settings").toString());
        ModelCandidates.environment = () -> Map.copyOf(env);
    }

    @AfterEach
    void stop() {
        ModelCandidates.environment = System::getenv;
        System.clearProperty("protolens.home");
        hub.close();
    }

    @Test
    void pullListAndRemoveThroughTheCommandLine() throws Exception {
        Cli.Result pull = Cli.run("models", "pull", REPO, "--json");
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out()).as(pull.err()).startsWith("{");
        JsonNode p = Json.MAPPER.readTree(pull.out());
        Path snapshot = Path.of(p.get("path").asString());
        assertThat(snapshot).startsWith(tmp.resolve("hf/hub/models--protolens-test--tinyllama-v0/snapshots"));
        assertThat(p.get("files")).hasSize(6);
        assertThat(p.get("bytes_downloaded").asLong()).isEqualTo(p.get("bytes_total").asLong()).isEqualTo(20_480_413L);
        // stderr is not a terminal here: plain lines, no carriage returns
        assertThat(pull.err()).contains("pulling " + REPO + ": 6 files, 20.5 MB", "  done    model.safetensors (18.5 MB)",
                "pulled " + REPO).doesNotContain("\r");
        System.out.print(pull.err());

        new RecentModels(tmp.resolve("settings")).remember(tiny);
        Cli.Result list = Cli.run("models", "list", "--json");
        assertThat(list.exit()).isZero();
        JsonNode l = Json.MAPPER.readTree(list.out());
        assertThat(l.get("cache_dir").asString()).isEqualTo(tmp.resolve("hf/hub").toString());
        assertThat(l.get("cached")).hasSize(1);
        JsonNode c = l.get("cached").get(0);
        assertThat(c.get("repo_id").asString()).isEqualTo(REPO);
        assertThat(c.get("refs").get(0).asString()).isEqualTo("main");
        assertThat(c.get("loadable").asBoolean()).isTrue();
        assertThat(c.get("family").asString()).isEqualTo("llama");
        assertThat(c.get("size_bytes").asLong()).isEqualTo(20_480_413L);
        assertThat(l.get("recent").get(0).get("path").asString()).isEqualTo(tiny.toString());

        Cli.Result text = Cli.run("models", "list");
        assertThat(text.out()).contains(REPO, "main (", "20.5 MB", "llama", "ready", "tinyllama-v0");

        Cli.Result again = Cli.run("models", "pull", REPO);
        assertThat(again.exit()).isZero();
        assertThat(again.out().strip()).isEqualTo(snapshot.toString());
        assertThat(again.err()).contains("  cached  model.safetensors");

        Cli.Result rm = Cli.run("models", "rm", REPO);
        assertThat(rm.exit()).as(rm.err()).isZero();
        assertThat(rm.out()).contains("removed " + REPO + " (1 snapshot, 6 files, 20.5 MB freed)");
        assertThat(tmp.resolve("hf/hub/models--protolens-test--tinyllama-v0")).doesNotExist();
        assertThat(tiny.resolve("model.safetensors")).exists();
        Cli.Result rmAgain = Cli.run("models", "rm", REPO);
        assertThat(rmAgain.exit()).isEqualTo(2);
        assertThat(rmAgain.err()).contains("error: " + REPO + " is not in the Hugging Face cache");
    }

    @Test
    void userErrorsExitWithTwoAndOneLineThatSaysWhatToDo() {
        hub.serve("protolens-test/gated", tiny).gated();
        Cli.Result gated = Cli.run("models", "pull", "protolens-test/gated");
        assertThat(gated.exit()).isEqualTo(2);
        assertThat(gated.err()).contains("error: protolens-test/gated is gated",
                "accept the licence at " + hub.endpoint() + "/protolens-test/gated", "HF_TOKEN")
                .doesNotContain("Exception");

        env.put("HF_TOKEN", FakeHub.TOKEN);
        Cli.Result ok = Cli.run("models", "pull", "protolens-test/gated", "--json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        Cli.Result list = Cli.run("models", "list", "--json");
        assertThat(list.out()).contains("\"token_source\" : \"HF_TOKEN\"");
        for (Cli.Result r : new Cli.Result[] {gated, ok, list}) {
            assertThat(r.out() + r.err()).doesNotContain(FakeHub.TOKEN);
        }

        env.put("HF_HUB_OFFLINE", "1");
        hub.clearRequests();
        Cli.Result offline = Cli.run("models", "pull", "protolens-test/other");
        assertThat(offline.exit()).isEqualTo(2);
        assertThat(offline.err()).contains("HF_HUB_OFFLINE is set");
        assertThat(hub.requests()).isEmpty();
        Cli.Result cached = Cli.run("models", "pull", "protolens-test/gated");
        assertThat(cached.exit()).isZero();
        assertThat(Files.isDirectory(Path.of(cached.out().strip()))).isTrue();

        Cli.Result bad = Cli.run("models", "pull", "no such/repo");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("is not a Hugging Face repo id");
    }

    @Test
    void onATerminalTheProgressIsOneLineRedrawnInPlace() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PullProgressBar bar = new PullProgressBar(new PrintStream(b, true, StandardCharsets.UTF_8), true, 80);
        long total = 20_000_000;
        bar.onProgress(new dev.protolens.engine.hub.DownloadProgress(REPO,
                dev.protolens.engine.hub.DownloadProgress.Stage.PLANNED, null, 0, 0, 0, 0, total, 0, 2, 0));
        bar.onProgress(new dev.protolens.engine.hub.DownloadProgress(REPO,
                dev.protolens.engine.hub.DownloadProgress.Stage.DONE, "model.safetensors", 10_000_000, 10_000_000, 0,
                10_000_000, total, 1, 2, 2_500_000));
        bar.onProgress(new dev.protolens.engine.hub.DownloadProgress(REPO,
                dev.protolens.engine.hub.DownloadProgress.Stage.COMPLETE, null, 0, 0, 0, total, total, 2, 2, 2_500_000));
        String s = b.toString(StandardCharsets.UTF_8);
        assertThat(s.chars().filter(ch -> ch == '\n').count()).isEqualTo(1);
        assertThat(s.split("\r")).hasSize(4);
        for (String frame : s.split("\r")) {
            assertThat(frame.strip().length()).isLessThan(80);
        }
        String half = s.split("\r")[2];
        assertThat(half).contains("]  50% 10.0 MB/20.0 MB 2.50 MB/s 1/2 model.safetensors");
        long filled = half.chars().filter(ch -> ch == '#').count();
        long empty = half.substring(0, half.indexOf(']')).chars().filter(ch -> ch == '-').count();
        assertThat(Math.abs(filled - empty)).isLessThanOrEqualTo(1);
        assertThat(s).contains("100% 20.0 MB/20.0 MB");
    }
}
