package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.UserError;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored run is only used with the model it was fitted with; the refusal names both models. A run whose model
 * moved says where it was and what to do instead.
 */
class RequireModelTest {

    @Test
    void anotherModelsRunIsRefusedNamingBoth(@TempDir Path tmp) {
        try (LoadedModel llama = ModelLoader.load(TinyModels.write(tmp.resolve("llama-a"), "llama", 1));
             LoadedModel qwen = ModelLoader.load(TinyModels.write(tmp.resolve("qwen3-b"), "qwen3", 1));
             LoadedModel otherLlama = ModelLoader.load(TinyModels.builder("llama").set("rope_theta", 500000.0)
                     .write(tmp.resolve("llama-c")))) {
            RunLibrary lib = new RunLibrary(tmp.resolve("library"));
            RunRecord base = RandomRuns.record(new Random(4), "fitted-on-llama", llama.config().hiddenSize());
            RunRecord rec = new RunRecord(base.schemaVersion(), base.id(), base.createdAt(), base.appVersion(),
                    RunRecords.modelInfo(llama), base.text(), base.tokenIds(), base.tokenPieces(), base.settings(),
                    base.status(), base.metrics(), base.history(), base.timings(), base.environment(), base.batch(),
                    null, base.label());
            lib.save(rec, RandomRuns.vectors(new Random(5), llama.config().hiddenSize()), null);
            RunRecord stored = lib.load("fitted-on-llama").record();

            assertThatCode(() -> RunLibrary.requireModel(stored, llama)).doesNotThrowAnyException();
            assertThatThrownBy(() -> RunLibrary.requireModel(stored, qwen)).isInstanceOf(RunStoreException.class)
                    .hasMessageContaining("fitted-on-llama").hasMessageContaining("llama-a")
                    .hasMessageContaining(llama.identity()).hasMessageContaining("qwen3-b")
                    .hasMessageContaining(qwen.identity()).hasMessageContaining("Open that model");
            // same family and shapes, another config value: still another model
            assertThatThrownBy(() -> RunLibrary.requireModel(stored, otherLlama)).isInstanceOf(RunStoreException.class)
                    .hasMessageContaining("llama-a").hasMessageContaining("llama-c");
        }
    }

    @Test
    void aRunsModelPathIsCheckedWithWhatToDoInstead(@TempDir Path tmp) throws Exception {
        Path folder = TinyModels.write(tmp.resolve("llama-a"), "llama", 1);
        RunRecord base = RandomRuns.record(new Random(6), "moved-model", 8);
        RunRecord here = withModelPath(base, folder.toString());
        assertThat(RunRecords.modelPath(here, "give the model with --model")).isEqualTo(folder);

        RunRecord moved = withModelPath(base, tmp.resolve("gone").toString());
        assertThatThrownBy(() -> RunRecords.modelPath(moved, "give the model with --model"))
                .isInstanceOf(UserError.class).hasMessageContaining("moved-model")
                .hasMessageContaining(tmp.resolve("gone").toString()).hasMessageContaining("not there any more")
                .hasMessageEndingWith("give the model with --model.");
        assertThatThrownBy(() -> RunRecords.modelPath(withModelPath(base, null), "open it with Ctrl+O"))
                .isInstanceOf(UserError.class).hasMessageContaining("does not say where its model is")
                .hasMessageEndingWith("open it with Ctrl+O.");
    }

    private static RunRecord withModelPath(RunRecord b, String path) {
        RunRecord.ModelInfo m = b.model();
        return new RunRecord(b.schemaVersion(), b.id(), b.createdAt(), b.appVersion(),
                new RunRecord.ModelInfo(m.name(), path, m.format(), m.family(), m.hiddenSize(), m.layers(),
                        m.vocabSize(), m.parameters(), m.identity()), b.text(), b.tokenIds(), b.tokenPieces(),
                b.settings(), b.status(), b.metrics(), b.history(), b.timings(), b.environment(), b.batch(),
                b.vectorsSha256(), b.label());
    }
}
