package dev.protolens.engine.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.testing.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache as huggingface_hub leaves it (built here by hand, the way a Python download lays it out): listing
 * snapshots with refs, sizes, loadability and family, and removing one snapshot without touching what another uses.
 */
class HfCacheTest {
    static final String OLD = "1111111111111111111111111111111111111111";
    static final String NEW = "2222222222222222222222222222222222222222";

    @TempDir
    Path root;
    HfCache cache;
    Path tiny;

    @BeforeEach
    void layout() throws IOException {
        tiny = Shared.model("tinyllama-v0");
        cache = new HfCache(root);
        Path repo = root.resolve("models--org--tiny");
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        // shared: weights and tokenizer; per snapshot: its own config
        blob(blobs, "weights", tiny.resolve("model.safetensors"));
        blob(blobs, "tok", tiny.resolve("tokenizer.json"));
        blob(blobs, "cfg-old", tiny.resolve("config.json"));
        Files.writeString(blobs.resolve("cfg-new"), Files.readString(tiny.resolve("config.json")).replace("\"llama\"",
                "\"mistral\""));
        Files.write(blobs.resolve("unfinished.incomplete"), new byte[1234]);
        snapshot(repo, OLD, "cfg-old");
        snapshot(repo, NEW, "cfg-new");
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), NEW);
        Files.createDirectories(repo.resolve("refs/pr"));
        Files.writeString(repo.resolve("refs/pr/1"), OLD);
        Files.setLastModifiedTime(repo.resolve("snapshots").resolve(OLD), java.nio.file.attribute.FileTime.fromMillis(1000));
        // a second repo with a snapshot that lacks its tokenizer
        Path other = root.resolve("models--solo");
        Files.createDirectories(other.resolve("blobs"));
        Files.copy(tiny.resolve("config.json"), other.resolve("blobs/c"));
        Files.createDirectories(other.resolve("snapshots").resolve(OLD));
        Files.createSymbolicLink(other.resolve("snapshots").resolve(OLD).resolve("config.json"), Path.of("../../blobs/c"));
        // not a model repo: ignored
        Files.createDirectories(root.resolve("datasets--org--data/snapshots").resolve(OLD));
    }

    private static void blob(Path blobs, String name, Path from) throws IOException {
        Files.copy(from, blobs.resolve(name));
    }

    private static void snapshot(Path repo, String commit, String config) throws IOException {
        Path s = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
        Files.createSymbolicLink(s.resolve("model.safetensors"), Path.of("../../blobs/weights"));
        Files.createSymbolicLink(s.resolve("tokenizer.json"), Path.of("../../blobs/tok"));
        Files.createSymbolicLink(s.resolve("config.json"), Path.of("../../blobs/" + config));
    }

    @Test
    void listsEverySnapshotWithRefsSizeFamilyAndWhatIsMissing() throws IOException {
        List<CachedModel> all = cache.list();
        assertThat(all).extracting(CachedModel::repoId).containsExactly("org/tiny", "org/tiny", "solo");
        CachedModel newest = all.get(0);
        assertThat(newest.commit()).isEqualTo(NEW);
        assertThat(newest.refs()).containsExactly("main");
        assertThat(newest.family()).isEqualTo("mistral");
        assertThat(newest.loadable()).isTrue();
        long expected = Files.size(tiny.resolve("model.safetensors")) + Files.size(tiny.resolve("tokenizer.json"))
                + Files.size(root.resolve("models--org--tiny/blobs/cfg-new"));
        assertThat(newest.sizeBytes()).isEqualTo(expected);
        assertThat(newest.partialBytes()).isEqualTo(1234);
        CachedModel old = all.get(1);
        assertThat(old.commit()).isEqualTo(OLD);
        assertThat(old.refs()).containsExactly("pr/1");
        assertThat(old.family()).isEqualTo("llama");
        CachedModel solo = all.get(2);
        assertThat(solo.loadable()).isFalse();
        assertThat(solo.missing()).containsExactly("*.safetensors", "tokenizer.json");
        assertThat(cache.snapshot("org/tiny", "main")).contains(root.resolve("models--org--tiny/snapshots").resolve(NEW));
        assertThat(cache.snapshot("org/tiny", "pr/1")).contains(root.resolve("models--org--tiny/snapshots").resolve(OLD));
        assertThat(cache.snapshot("org/tiny", OLD)).isPresent();
        assertThat(cache.snapshot("org/tiny", "v2")).isEmpty();
        assertThat(new HfCache(root.resolve("nowhere")).list()).isEmpty();
    }

    @Test
    void removingOneRevisionKeepsTheBlobsAnotherSnapshotUses() throws IOException {
        HfCache.Removal r = cache.remove("org/tiny", "pr/1");
        Path repo = root.resolve("models--org--tiny");
        assertThat(r.commits()).containsExactly(OLD);
        assertThat(r.blobs()).isEqualTo(1);
        assertThat(r.freedBytes()).isEqualTo(Files.size(tiny.resolve("config.json")));
        assertThat(repo.resolve("blobs/cfg-old")).doesNotExist();
        assertThat(repo.resolve("blobs/weights")).exists();
        assertThat(repo.resolve("refs/pr/1")).doesNotExist();
        assertThat(repo.resolve("refs/main")).exists();
        assertThat(cache.snapshot("org/tiny", "main")).isPresent();
        assertThat(LocalModel.inspect(repo.resolve("snapshots").resolve(NEW)).loadable()).isTrue();

        HfCache.Removal last = cache.remove("org/tiny", "main");
        assertThat(last.commits()).containsExactly(NEW);
        assertThat(repo).doesNotExist();
        assertThat(cache.list()).extracting(CachedModel::repoId).containsExactly("solo");
    }

    @Test
    void removingARepoTakesEverythingAndUnknownOnesAreNamed() {
        HfCache.Removal r = cache.remove("org/tiny", null);
        assertThat(r.commits()).containsExactly(OLD, NEW);
        assertThat(r.blobs()).isEqualTo(5);
        assertThat(root.resolve("models--org--tiny")).doesNotExist();
        assertThat(root.resolve("models--solo")).exists();
        assertThat(tiny.resolve("model.safetensors")).exists();
        assertThatThrownBy(() -> cache.remove("org/tiny", null)).isInstanceOf(HubError.class)
                .hasMessageContaining("org/tiny is not in the Hugging Face cache");
        assertThatThrownBy(() -> cache.remove("solo", "v3")).isInstanceOf(HubError.class)
                .hasMessageContaining("revision 'v3' of solo");
        assertThatThrownBy(() -> cache.remove("../etc", null)).isInstanceOf(HubError.class)
                .hasMessageContaining("is not a Hugging Face repo id");
    }

    @Test
    void repoIdsAreCheckedLikeTheHubChecksThem() {
        for (String ok : List.of("gpt2", "HuggingFaceTB/SmolLM2-135M", "EleutherAI/pythia-160m", "Qwen/Qwen2.5-0.5B",
                "meta-llama/Llama-3.2-1B", "a_b.c/d-e_f.g")) {
            assertThat(HfCache.checkRepoId(ok)).isEqualTo(ok);
        }
        for (String bad : List.of("", "a/b/c", "../x", "org/..", "a--b/c", "org/name.", "-org/x", "org name/x",
                "org/" + "x".repeat(97))) {
            assertThatThrownBy(() -> HfCache.checkRepoId(bad)).as(bad).isInstanceOf(HubError.class);
        }
    }
}
