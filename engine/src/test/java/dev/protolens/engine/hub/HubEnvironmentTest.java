package dev.protolens.engine.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same variables as huggingface_hub, read the same way. */
class HubEnvironmentTest {
    @TempDir
    Path tmp;

    @Test
    void cacheFolderFollowsHfHubCacheThenHfHomeThenXdg() {
        String home = tmp.resolve("hf").toString();
        Path p = tmp.resolve("p");
        assertThat(HubEnvironment.from(Map.of("HF_HOME", home), p).cacheDir())
                .isEqualTo(tmp.resolve("hf/hub"));
        assertThat(HubEnvironment.from(Map.of("HF_HOME", home, "HF_HUB_CACHE", tmp.resolve("c").toString()), p).cacheDir()).isEqualTo(tmp.resolve("c"));
        assertThat(HubEnvironment.from(Map.of("XDG_CACHE_HOME", tmp.resolve("x").toString()), p)
                .cacheDir()).isEqualTo(tmp.resolve("x/huggingface/hub"));
        assertThat(HubEnvironment.from(Map.of(), p).cacheDir())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
    }

    @Test
    void endpointAndOfflineFlag() {
        Map<String, String> base = Map.of("HF_HOME", tmp.toString());
        HubEnvironment d = HubEnvironment.from(base, tmp);
        assertThat(d.endpoint()).isEqualTo("https://huggingface.co");
        assertThat(d.offline()).isFalse();
        assertThat(d.repoPage("meta-llama/Llama-3.2-1B")).isEqualTo("https://huggingface.co/meta-llama/Llama-3.2-1B");
        for (String on : new String[] {"1", "true", "YES", "on"}) {
            assertThat(with(base, "HF_HUB_OFFLINE", on).offline()).as(on).isTrue();
        }
        for (String off : new String[] {"0", "false", "", "no"}) {
            assertThat(with(base, "HF_HUB_OFFLINE", off).offline()).as(off).isFalse();
        }
        assertThat(with(base, "HF_ENDPOINT", "https://hf-mirror.com/").endpoint()).isEqualTo("https://hf-mirror.com");
    }

    @Test
    void tokenComesFromHfTokenThenSettingsThenTheCliTokenFile() throws Exception {
        Path settings = tmp.resolve("settings");
        Map<String, String> base = Map.of("HF_HOME", tmp.resolve("hf").toString());
        assertThat(HubEnvironment.from(base, settings).token()).isEmpty();
        Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(tmp.resolve("hf/token"), "hf_cli\n");
        assertThat(HubEnvironment.from(base, settings).token().orElseThrow().source()).endsWith("token");
        HubToken.save(settings, "hf_saved");
        assertThat(HubEnvironment.from(base, settings).token().orElseThrow().source()).isEqualTo("ProtoLens settings");
        HubToken t = with(base, "HF_TOKEN", "hf_env").token().orElseThrow();
        assertThat(t.source()).isEqualTo("HF_TOKEN");
        assertThat(t.bearer()).isEqualTo("Bearer hf_env");
        assertThat(t.toString()).doesNotContain("hf_env");
        assertThat(with(base, "HF_TOKEN", "hf_env").toString()).doesNotContain("hf_env");
        assertThat(HubToken.forget(settings)).isTrue();
        assertThat(HubEnvironment.from(base, settings).token().orElseThrow().source()).endsWith("token");
    }

    private HubEnvironment with(Map<String, String> base, String k, String v) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(k, v);
        return HubEnvironment.from(m, tmp.resolve("settings"));
    }
}
