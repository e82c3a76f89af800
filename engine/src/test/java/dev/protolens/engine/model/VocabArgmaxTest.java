package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.testing.TinyModels;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LanguageModel#argmaxTokens} (the head a slice of the vocabulary at a time, scanned in Java) gives the
 * same tokens as libtorch's argmax over the full logits, on every family and on the real models, with the
 * vocabulary split into several slices, one of them shorter.
 */
class VocabArgmaxTest {
    static final java.util.List<String> VARIANTS = TinyModels.VARIANTS;

    @ParameterizedTest
    @FieldSource("VARIANTS")
    void tinyFamiliesSplitTheVocabularyAndAgree(String variant, @TempDir Path tmp) {
        Path dir = TinyModels.write(tmp, variant, 5);
        try (LoadedModel m = ModelLoader.load(dir)) {
            // 32 x 32 positions: slices of 128 rows, four for the vocabulary of 512
            assertAgrees(m, 32, 33, 1, 3);
            assertAgrees(m, 2, 9, 0, 4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260k-hf", "tinyllama-v0"})
    void realModelsAgree(String name) throws Exception {
        try (LoadedModel m = ModelLoader.load(Shared.model(name))) {
            // the slider's shape (one point, e then 32 m) and a path's (21 points); TinyLlama's 32,000 rows are
            // cut into 4096-row slices, the last one 3328 rows, shared between two threads on a 2-core machine
            assertAgrees(m, 1, 33, 1, 6);
            assertAgrees(m, 21, 33, 1, 7);
        }
    }

    private static void assertAgrees(LoadedModel m, int batch, int n, int from, long seed) {
        int d = m.config().hiddenSize();
        Random r = new Random(seed);
        float[] z = new float[batch * n * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) r.nextGaussian();
        }
        EngineRuntime.setGradMode(false);
        try (NDManager step = m.model().manager().newSubManager()) {
            long[] expected = m.model().logits(step.create(z, new Shape(batch, n, d)))
                    .get(new NDIndex(":, " + from + ":, :")).argMax(2).toLongArray();
            long[] got = m.model().argmaxTokens(step.create(z, new Shape(batch, n, d)), from);
            assertThat(got).hasSize(batch * (n - from)).containsExactly(expected);
        }
    }

    @Test
    void firstIndexWinsTiesAndNaNCountsAsLargest() {
        int[] at = new int[1];
        assertThat(VocabArgmax.rowMax(FloatBuffer.wrap(new float[] {1, 3, 3, 2}), 0, 4, at)).isEqualTo(3f);
        assertThat(at[0]).isEqualTo(1);
        assertThat(VocabArgmax.rowMax(FloatBuffer.wrap(new float[] {9, 1, 3, 3, 2}), 1, 4, at)).isEqualTo(3f);
        assertThat(at[0]).as("relative to the row's start").isEqualTo(1);
        assertThat(VocabArgmax.rowMax(FloatBuffer.wrap(new float[] {1, Float.NaN, 7, Float.NaN}), 0, 4, at)).isNaN();
        assertThat(at[0]).isEqualTo(1);
        assertThat(VocabArgmax.rowMax(FloatBuffer.wrap(new float[] {Float.NaN, 7}), 0, 2, at)).isNaN();
        assertThat(at[0]).isEqualTo(0);
        assertThat(VocabArgmax.rowMax(FloatBuffer.wrap(new float[] {Float.NEGATIVE_INFINITY, -5}), 0, 2, at))
                .isEqualTo(-5f);
        assertThat(at[0]).isEqualTo(1);
        // across slices: a later slice must be strictly larger, or the first NaN
        assertThat(VocabArgmax.beats(3f, 3f)).isFalse();
        assertThat(VocabArgmax.beats(3.5f, 3f)).isTrue();
        assertThat(VocabArgmax.beats(Float.NaN, 3f)).isTrue();
        assertThat(VocabArgmax.beats(Float.NaN, Float.NaN)).isFalse();
        assertThat(VocabArgmax.beats(Float.POSITIVE_INFINITY, Float.NaN)).isFalse();
    }
}
