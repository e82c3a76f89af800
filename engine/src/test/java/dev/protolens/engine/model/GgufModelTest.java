package dev.protolens.engine.model;

import static dev.protolens.engine.model.OracleForwardTest.assertClose;
import static dev.protolens.engine.model.OracleForwardTest.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Generation;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.weights.GgufFile;
import dev.protolens.engine.weights.GgufWriter;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.TensorSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stories260K from its GGUF files (v1 F32, v2 Q8_0): the same text, logits and residual stream as the Hugging
 * Face folder converted from it and as the PyTorch reference's fixture.
 */
class GgufModelTest {
    static final String F32 = "stories260k/stories260k-f32.gguf";
    static final String Q8 = "stories260k/stories260k-q8_0.gguf";
    /** ../shared/models/README.md: greedy continuation of BOS + "Once upon a time". */
    static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in"
            + " the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.";

    @TempDir
    Path dir;

    @Test
    void greedyTextFromTheF32FileIsTheReadmeStory() {
        try (LoadedModel m = ModelLoader.load(Shared.model(F32))) {
            assertThat(m.format()).isEqualTo("gguf");
            int n = m.tokenizer().encode(STORY, true).size() - m.tokenizer().encode("Once upon a time", true).size();
            Generation.Result r = Generation.greedy(m, "Once upon a time", n);
            System.out.println("GGUF f32 greedy (" + n + " tokens): " + r.text());
            assertThat(r.text()).isEqualTo(STORY);
        }
    }

    @Test
    void q8FileWritesTheSameStoryForAWhile() {
        int max = 160; // the two diverge well before this (measured: after 110 tokens)
        long[] f32;
        long[] q8;
        String q8Text;
        try (LoadedModel m = ModelLoader.load(Shared.model(F32))) {
            f32 = Generation.greedy(m, "Once upon a time", max).generatedIds();
        }
        try (LoadedModel m = ModelLoader.load(Shared.model(Q8))) {
            assertThat(m.config().storedDtype()).isEqualTo("q8_0");
            Generation.Result r = Generation.greedy(m, "Once upon a time", max);
            q8 = r.generatedIds();
            q8Text = r.text();
        }
        int same = 0;
        while (same < Math.min(f32.length, q8.length) && f32[same] == q8[same]) {
            same++;
        }
        System.out.println("Q8_0 vs F32 greedy: first " + same + " of " + Math.min(f32.length, q8.length)
                + " generated tokens equal (f32 wrote " + f32.length + ", q8_0 " + q8.length + ")");
        assertThat(q8Text).startsWith(STORY);
        assertThat(same).isGreaterThanOrEqualTo(60);
    }

    @Test
    void ggufAndHfFolderGiveTheSameLogits() {
        try (LoadedModel gguf = ModelLoader.load(Shared.model(F32));
             LoadedModel hf = ModelLoader.load(Shared.model("stories260k-hf"));
             SafetensorsFile fx = SafetensorsFile.open(Shared.oracle("stories260k-hf__lily__seed0_normal.safetensors"));
             NDManager step = EngineRuntime.get().newManager()) {
            ModelConfig g = gguf.config();
            ModelConfig h = hf.config();
            assertThat(List.of(g.hiddenSize(), g.numLayers(), g.numHeads(), g.numKvHeads(), g.headDim(),
                    g.intermediateSize(), g.vocabSize(), g.maxPositions(), g.bosTokenId(), g.eosTokenId()))
                    .isEqualTo(List.of(h.hiddenSize(), h.numLayers(), h.numHeads(), h.numKvHeads(), h.headDim(),
                            h.intermediateSize(), h.vocabSize(), h.maxPositions(), h.bosTokenId(), h.eosTokenId()));
            assertThat((float) g.normEps()).isEqualTo((float) h.normEps());
            assertThat(g.ropeTheta()).isEqualTo(h.ropeTheta());
            assertThat(g.interleavedRope()).isTrue();
            assertThat(h.interleavedRope()).isFalse();
            long[] ids = longs(fx, "ref_input_ids");
            NDArray a = gguf.model().logitsForTokens(step.create(ids, new Shape(1, ids.length)));
            NDArray b = hf.model().logitsForTokens(step.create(ids, new Shape(1, ids.length)));
            assertClose(a.toFloatArray(), b.toFloatArray(), 1e-4, "GGUF vs HF logits on ref_input_ids");
            NDArray z = protoInput(fx, step, gguf.config().hiddenSize());
            LanguageModel.Trace ta = gguf.model().trace(z);
            LanguageModel.Trace tb = hf.model().trace(z);
            assertClose(ta.logits().toFloatArray(), tb.logits().toFloatArray(), 1e-4, "GGUF vs HF logits at [e, m...]");
            for (int l = 0; l < ta.residual().size(); l++) {
                assertClose(ta.residual().get(l).toFloatArray(), tb.residual().get(l).toFloatArray(), 1e-4,
                        "GGUF vs HF residual[" + l + "]");
            }
        }
    }

    @Test
    void ggufMatchesTheOracleFixture() {
        try (LoadedModel m = ModelLoader.load(Shared.model(F32));
             SafetensorsFile fx = SafetensorsFile.open(Shared.oracle("stories260k-hf__lily__seed0_normal.safetensors"));
             NDManager step = EngineRuntime.get().newManager()) {
            long[] ids = longs(fx, "ref_input_ids");
            NDArray logits = m.model().logitsForTokens(step.create(ids, new Shape(1, ids.length)));
            assertClose(logits.toFloatArray(), fx.floats("ref_logits"), 1e-4, "GGUF ref_logits vs oracle");
            LanguageModel.Trace t = m.model().trace(protoInput(fx, step, m.config().hiddenSize()));
            assertClose(t.logits().toFloatArray(), fx.floats("logits"), 1e-4, "GGUF logits at [e, m...] vs oracle");
            int n = longs(fx, "token_ids").length;
            int d = m.config().hiddenSize();
            float[] residual = fx.floats("residual");
            for (int l = 0; l <= m.config().numLayers(); l++) {
                assertClose(t.residual().get(l).toFloatArray(), Arrays.copyOfRange(residual, l * n * d, (l + 1) * n * d),
                        1e-4, "GGUF residual[" + l + "] vs oracle");
            }
            assertClose(t.finalNorm().toFloatArray(), fx.floats("final_norm"), 1e-4, "GGUF final_norm vs oracle");
        }
    }

    static NDArray protoInput(SafetensorsFile fx, NDManager step, int d) {
        int n = longs(fx, "token_ids").length;
        float[] e = fx.floats("e");
        float[] mm = fx.floats("m");
        float[] z = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(i == 0 ? e : mm, 0, z, i * d, d);
        }
        return step.create(z, new Shape(1, n, d));
    }

    @Test
    void tensorsAppearUnderHfNamesInPyTorchOrder() {
        GgufModelReader.Opened o = GgufModelReader.open(Shared.model(F32));
        try (TensorSource t = o.tensors(); var tok = o.tokenizer()) {
            assertThat(t.info("model.embed_tokens.weight").shape()).containsExactly(512, 64);
            assertThat(t.info("model.layers.0.self_attn.k_proj.weight").shape()).containsExactly(32, 64);
            assertThat(t.info("model.layers.4.mlp.down_proj.weight").shape()).containsExactly(64, 172);
            assertThat(t.info("model.layers.4.post_attention_layernorm.weight").shape()).containsExactly(64);
            assertThat(t.contains("lm_head.weight")).isTrue();
            assertThat(t.contains("blk.0.attn_q.weight")).isFalse();
            assertThat(t.tensors()).hasSize(48);
            assertThatThrownBy(() -> t.info("model.layers.7.self_attn.q_proj.weight"))
                    .hasMessageContaining("tensor 'blk.7.attn_q.weight' (model.layers.7.self_attn.q_proj.weight) is missing");
            assertThat(tok.description()).startsWith("GGUF vocabulary (llama)");
            assertThat(o.config().interleavedRope()).isTrue();
        }
    }

    /**
     * stories260K re-encoded by the test writer in every version and tensor type: the model loads from each and
     * its logits follow the F32 file's within what the type's rounding allows.
     */
    @Test
    void reencodedInEveryVersionAndTypeTheModelStillRuns() {
        Path f32Path = Shared.model(F32);
        float[] reference;
        long[] ids = {1, 403, 407, 261, 378};
        try (LoadedModel m = ModelLoader.load(f32Path); NDManager step = EngineRuntime.get().newManager()) {
            reference = m.model().logitsForTokens(step.create(ids, new Shape(1, ids.length))).toFloatArray();
        }
        try (LoadedModel m = ModelLoader.load(Shared.model(Q8)); NDManager step = EngineRuntime.get().newManager()) {
            float[] got = m.model().logitsForTokens(step.create(ids, new Shape(1, ids.length))).toFloatArray();
            double max = 0;
            for (int i = 0; i < got.length; i++) {
                max = Math.max(max, Math.abs(got[i] - reference[i]));
            }
            System.out.printf("llama.cpp's Q8_0 file: max |logit - f32| = %.3g%n", max);
        }
        // 4-bit weights move the logits of a 260K-parameter model by several units; exact dequantisation is
        // checked in GgufFileTest, this only shows each encoding loads and computes the same model
        record Variant(int version, int type, double tol) {}
        for (Variant v : List.of(new Variant(1, GgufWriter.F32, 0), new Variant(2, GgufWriter.F16, 0.02),
                new Variant(3, GgufWriter.BF16, 0.15), new Variant(3, GgufWriter.Q8_0, 0.4),
                new Variant(2, GgufWriter.Q4_0, 6.0))) {
            Path p = dir.resolve("stories-v" + v.version + "-" + GgufFile.ggmlName(v.type) + ".gguf");
            GgufFixtures.reencode(f32Path, v.version, v.type).write(p);
            try (LoadedModel m = ModelLoader.load(p); NDManager step = EngineRuntime.get().newManager()) {
                float[] got = m.model().logitsForTokens(step.create(ids, new Shape(1, ids.length))).toFloatArray();
                double max = 0;
                for (int i = 0; i < got.length; i++) {
                    max = Math.max(max, Math.abs(got[i] - reference[i]));
                }
                System.out.printf("re-encoded v%d %s: max |logit - f32| = %.3g%n", v.version, GgufFile.ggmlName(v.type), max);
                assertThat(max).as(p.getFileName().toString()).isLessThanOrEqualTo(v.tol);
                assertThat(m.config().storedDtype()).isEqualTo(switch (v.type) {
                    case GgufWriter.F32 -> "float32";
                    case GgufWriter.F16 -> "float16";
                    case GgufWriter.BF16 -> "bfloat16";
                    case GgufWriter.Q8_0 -> "q8_0";
                    default -> "q4_0";
                });
            }
        }
    }

    @Test
    void otherArchitecturesAndUnsupportedFeaturesAreUserErrors() {
        Path p = dir.resolve("gemma.gguf");
        GgufFixtures.reencode(Shared.model(F32), 3, GgufWriter.F32).replace("general.architecture", "gemma").write(p);
        assertThatThrownBy(() -> GgufModelReader.open(p)).isInstanceOf(UserError.class)
                .hasMessageContaining("general.architecture 'gemma' is not supported");
        Path r = dir.resolve("rope.gguf");
        GgufFixtures.reencode(Shared.model(F32), 3, GgufWriter.F32).replace("llama.rope.dimension_count", 4L).write(r);
        assertThatThrownBy(() -> GgufModelReader.open(r)).isInstanceOf(UserError.class)
                .hasMessageContaining("rope.dimension_count = 4 differs from the head size 8");
        Path y = dir.resolve("yarn.gguf");
        GgufFixtures.reencode(Shared.model(F32), 3, GgufWriter.F32).add("llama.rope.scaling.type", "yarn").write(y);
        assertThatThrownBy(() -> GgufModelReader.open(y)).isInstanceOf(UserError.class)
                .hasMessageContaining("rope.scaling.type 'yarn' is not supported");
        Path missing = dir.resolve("noffn.gguf");
        GgufFixtures.reencode(Shared.model(F32), 2, GgufWriter.F32).drop("blk.3.ffn_up.weight").write(missing);
        assertThatThrownBy(() -> ModelLoader.load(missing)).isInstanceOf(UserError.class)
                .hasMessageContaining("tensor 'blk.3.ffn_up.weight' (model.layers.3.mlp.up_proj.weight) is missing");
    }

    @Test
    void llama3RopeFrequenciesAreRecognised() {
        // rope_freqs.weight as llama.cpp's converter computes it for Llama 3.1 (factor 8, low 1, high 4, 8192),
        // with a head size large enough to reach all three bands
        int headDim = 128;
        double theta = 500000;
        float[] divisors = new float[headDim / 2];
        for (int j = 0; j < divisors.length; j++) {
            double wavelen = 2 * Math.PI * Math.pow(theta, 2.0 * j / headDim);
            double smooth = (8192 / wavelen - 1) / 3;
            divisors[j] = (float) (wavelen < 2048 ? 1 : wavelen > 8192 ? 8 : 1 / ((1 - smooth) / 8 + smooth));
        }
        Path p = dir.resolve("llama3.gguf");
        GgufFixtures.tinyLlama(headDim, theta).tensor("rope_freqs.weight", GgufWriter.F32, divisors, divisors.length).write(p);
        GgufModelReader.Opened o = GgufModelReader.open(p);
        try {
            assertThat(o.config().ropeScaling()).isEqualTo(new RopeScaling("llama3", 8, 1, 4, 8192));
            // and the forward pass's frequencies are llama.cpp's: base frequency / divisor
            float[] inv = RotaryFrequencies.inverseFrequencies(o.config());
            for (int j = 0; j < inv.length; j++) {
                double want = Math.pow(theta, -2.0 * j / headDim) / divisors[j];
                assertThat((double) inv[j]).as("inv_freq[" + j + "]").isCloseTo(want, org.assertj.core.data.Percentage.withPercentage(1e-3));
            }
        } finally {
            o.tensors().close();
            o.tokenizer().close();
        }
        divisors[divisors.length - 1] = 3;
        Path q = dir.resolve("odd-rope.gguf");
        GgufFixtures.tinyLlama(headDim, theta).tensor("rope_freqs.weight", GgufWriter.F32, divisors, divisors.length).write(q);
        assertThatThrownBy(() -> GgufModelReader.open(q)).isInstanceOf(UserError.class)
                .hasMessageContaining("does not follow Llama 3's RoPE scaling");
    }
}
