package dev.protolens.engine.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.protolens.engine.UserError;
import dev.protolens.engine.model.HfConfigReader;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelConfig;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.runtime.RuntimeOptions;
import dev.protolens.engine.runtime.SystemMemory;
import dev.protolens.engine.testing.Shared;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The hand count of a fit's activations, the refusal it drives (also through the Fitter), and the thread default by model size. */
class FitMemoryCountTest {
    /** Llama-3.2-1B's shape (config.json values). */
    static ModelConfig llama1b() {
        String json = """
                {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 2048,
                 "num_hidden_layers": 16, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64,
                 "intermediate_size": 8192, "vocab_size": 128256, "max_position_embeddings": 131072,
                 "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "float32"}""";
        return HfConfigReader.parse(JsonMapper.builder().build().readTree(json), "test");
    }

    @Test
    void theCountFollowsTheFormulaInItsComment() {
        ModelConfig c = llama1b();
        // per layer 64·(12·2048 + 4·8192) + 3·32·64² = 3,670,016 + 393,216; head 4·64·128256; ×(16+1 layers), ×4 bytes
        long perLayer = 64L * (12 * 2048 + 4 * 8192) + 3L * 32 * 64 * 64;
        long expected = 4L * (17 * perLayer + 4L * 64 * 128256);
        assertThat(FitMemory.activationBytes(c, 1, 64)).isEqualTo(expected);
        assertThat(FitMemory.activationBytes(c, 8, 64)).isEqualTo(8 * expected);
        assertThat(FitMemory.activationBytes(c, 1, 256)).isGreaterThan(4 * expected);
    }

    @Test
    void aFitThatWouldNotFitIsRefusedWithTheNumberItNeeded() {
        ModelConfig c = llama1b();
        long need = FitMemory.neededBytes(c, 8, 256);
        // the fit asks for what fits were measured to add (1.4x the count) and its e, m, gradients and moments
        assertThat(need).isEqualTo((long) Math.ceil(1.4 * FitMemory.activationBytes(c, 8, 256)) + 4L * 4 * 2 * 8 * 2048);
        assertThatThrownBy(() -> FitMemory.check(c, 8, 256, OptionalLong.of(need - 1)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(String.format(java.util.Locale.ROOT, "about %.1f GB", need / 1e9))
                .hasMessageContaining("Fit fewer restarts");
        assertThatCode(() -> FitMemory.check(c, 8, 256, OptionalLong.of(need))).doesNotThrowAnyException();
        assertThatCode(() -> FitMemory.check(c, 8, 256, OptionalLong.empty())).doesNotThrowAnyException();
    }

    /**
     * End to end: a batch whose activations need twice the memory this machine has now is refused by the fit itself,
     * with the number it needed, before any step (the monitor never sees one).
     */
    @Test
    void theFitterRefusesABatchTooLargeForThisMachineBeforeTheFirstStep() {
        OptionalLong available = SystemMemory.available();
        assumeTrue(available.isPresent(), "skipped: needs Linux /proc/meminfo to know the memory available");
        try (LoadedModel m = ModelLoader.load(Shared.model("stories260k-hf"))) {
            FitTarget target = FitTarget.of(m, "Lily and Ben went to the park to play with a red ball.", Arrangement.E_M);
            long perItem = FitMemory.neededBytes(m.config(), 1, target.length());
            int items = Math.toIntExact(Math.min(Integer.MAX_VALUE / 4, 2 * available.getAsLong() / perItem + 1));
            long need = FitMemory.neededBytes(m.config(), items, target.length());
            int[] steps = {0};
            assertThatThrownBy(() -> new Fitter(m).fit(FitRequest.seeds(target, FitSpec.defaults(), items),
                    FitMonitor.none().betweenSteps(() -> steps[0]++)))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining(String.format(java.util.Locale.ROOT, "about %.1f GB", need / 1e9))
                    .hasMessageContaining(items + " items");
            assertThat(steps[0]).isZero();
        }
    }

    @Test
    void threadsGrowWithCoresAndModelSizeWithinBounds() {
        assertThat(RuntimeOptions.defaultThreads(2, 1_000_000_000L)).isEqualTo(1);
        assertThat(RuntimeOptions.defaultThreads(1, 1_000L)).isEqualTo(1);
        assertThat(RuntimeOptions.defaultThreads(8, 4_600_000L)).isEqualTo(4);
        assertThat(RuntimeOptions.defaultThreads(8, 135_000_000L)).isEqualTo(7);
        assertThat(RuntimeOptions.defaultThreads(16, 1_240_000_000L)).isEqualTo(15);
        assertThat(RuntimeOptions.defaultThreads(64, 1_240_000_000L)).isEqualTo(16);
        assertThat(RuntimeOptions.defaultThreads(4, 260_000L)).isEqualTo(3);
    }
}
