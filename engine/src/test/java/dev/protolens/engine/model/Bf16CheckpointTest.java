package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.decode.Generation;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.SafetensorsWriter;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TinyLLama-v0 stored in F32 and in BF16 (../shared/models): the same model up to BF16 rounding of its
 * weights, so the logits agree to that rounding and greedy decoding writes the same text.
 */
class Bf16CheckpointTest {
    private static final List<String> PROMPTS = List.of("Once upon a time", "Lily and Ben went to the park",
            "The little dog was sad because");

    /**
     * The premise of the bound below: the BF16 file is every F32 tensor rounded to nearest even, so the two
     * models differ only by a relative weight error of at most 2^-9 (BF16 keeps 8 significant bits).
     */
    @Test
    void bf16FileIsTheF32WeightsRounded() {
        try (SafetensorsFile f32 = SafetensorsFile.open(Shared.model("tinyllama-v0").resolve("model.safetensors"));
             SafetensorsFile bf16 = SafetensorsFile.open(Shared.model("tinyllama-v0-bf16").resolve("model.safetensors"))) {
            assertThat(bf16.tensors()).hasSameSizeAs(f32.tensors());
            for (TensorInfo t : f32.tensors()) {
                assertThat(bf16.info(t.name()).type()).isEqualTo(TensorType.BF16);
                float[] full = f32.floats(t.name());
                float[] half = bf16.floats(t.name());
                for (int i = 0; i < full.length; i++) {
                    float rounded = Float.intBitsToFloat(SafetensorsWriter.toBf16(full[i]) << 16);
                    if (rounded != half[i]) {
                        throw new AssertionError(t.name() + "[" + i + "]: " + half[i] + " is not bf16(" + full[i] + ")");
                    }
                }
            }
        }
    }

    /**
     * The bound: the PyTorch reference measured about 0.04 between the two folders (models/README.md); 0.1
     * leaves room for other inputs while staying far below what a decoding fault gives (a mis-read BF16 tensor
     * moves logits by whole units: their range here is about ±15). The relative form (1% of the largest logit)
     * is what 2^-9 weight error through 8 layers allows for: a few times 2^-9 ≈ 0.2%.
     */
    @Test
    void logitsAgreeToBf16RoundingAndGreedyTextIsTheSame() {
        try (LoadedModel full = ModelLoader.load(Shared.model("tinyllama-v0"));
             LoadedModel half = ModelLoader.load(Shared.model("tinyllama-v0-bf16"))) {
            assertThat(half.config().storedDtype()).isEqualTo("bfloat16");
            for (String prompt : PROMPTS) {
                long[] ids = full.tokenizer().encode(prompt + " and then they played with a big red ball", true).ids();
                float[] a;
                float[] b;
                try (NDManager step = EngineRuntime.get().newManager()) {
                    a = full.model().logitsForTokens(step.create(ids, new Shape(1, ids.length))).toFloatArray();
                    b = half.model().logitsForTokens(step.create(ids, new Shape(1, ids.length))).toFloatArray();
                }
                double maxDiff = 0;
                double maxAbs = 0;
                for (int i = 0; i < a.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                    maxAbs = Math.max(maxAbs, Math.abs(a[i]));
                }
                System.out.printf("'%s' (%d tokens): F32 vs BF16 max |logit diff| %.4f, max |logit| %.2f%n", prompt,
                        ids.length, maxDiff, maxAbs);
                assertThat(maxDiff).as(prompt).isLessThanOrEqualTo(0.1).isLessThanOrEqualTo(0.01 * maxAbs);

                Generation.Result g32 = Generation.greedy(full, prompt, 40);
                Generation.Result g16 = Generation.greedy(half, prompt, 40);
                System.out.printf("greedy '%s' -> '%s'%n", prompt, g32.continuation());
                assertThat(g32.generatedIds()).hasSizeGreaterThan(10);
                assertThat(g16.text()).as(prompt).isEqualTo(g32.text());
            }
        }
    }
}
