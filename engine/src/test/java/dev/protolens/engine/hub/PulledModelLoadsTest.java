package dev.protolens.engine.hub;

import static dev.protolens.engine.hub.HubTesting.TINY;
import static dev.protolens.engine.hub.HubTesting.env;
import static dev.protolens.engine.hub.HubTesting.fast;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.FakeHub;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pulled snapshot (a folder of symlinks into blobs/) is an ordinary model folder for the loader. */
class PulledModelLoadsTest {
    @TempDir
    Path tmp;

    @Test
    void thePulledSnapshotLoadsAndGivesTheSameLogitsAsTheOriginal() throws Exception {
        Path tiny = Shared.model("tinyllama-v0");
        PulledModel pulled;
        try (FakeHub hub = new FakeHub()) {
            // drop once mid-file so the weights that load are a resumed download
            HubTesting.serveTiny(hub, tiny).dropAfter("model.safetensors", 6_000_000, 1);
            try (HuggingFaceHub h = new HuggingFaceHub(env(tmp, hub.endpoint()), fast())) {
                pulled = h.pull(TINY, null, null).await();
                CachedModel listed = h.cache().list().getFirst();
                assertThat(listed.loadable()).isTrue();
                assertThat(listed.family()).isEqualTo("llama");
                assertThat(listed.path()).isEqualTo(pulled.snapshot());
            }
        }
        assertThat(pulled.files().stream().mapToInt(PulledModel.FileResult::retries).sum()).isEqualTo(1);
        try (LoadedModel original = ModelLoader.load(tiny);
             LoadedModel downloaded = ModelLoader.load(pulled.snapshot());
             NDManager step = EngineRuntime.get().newManager()) {
            assertThat(downloaded.identity()).isEqualTo(original.identity());
            // the snapshot folder is a commit hash: the UI and run records name the repo instead
            assertThat(downloaded.name()).isEqualTo(pulled.repoId());
            assertThat(original.name()).isEqualTo("tinyllama-v0");
            long[] ids = original.tokenizer().encode("Once upon a time, Lily found a red ball.", true).ids();
            float[] a = original.model().logitsForTokens(step.create(ids, new Shape(1, ids.length))).toFloatArray();
            float[] b = downloaded.model().logitsForTokens(step.create(ids, new Shape(1, ids.length))).toFloatArray();
            assertThat(b).hasSize(a.length);
            double max = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
            }
            System.out.printf("%d tokens, %d logits compared, max abs diff %.3g; first logits %.5f %.5f %.5f vs %.5f %.5f %.5f%n",
                    ids.length, a.length, max, a[0], a[1], a[2], b[0], b[1], b[2]);
            assertThat(max).isEqualTo(0.0);
            assertThat(downloaded.tokenizer().encode("Once upon a time", true).ids())
                    .isEqualTo(original.tokenizer().encode("Once upon a time", true).ids());
        }
    }
}
