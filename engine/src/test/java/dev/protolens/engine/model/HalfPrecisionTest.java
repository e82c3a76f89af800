package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.TinyModels;
import dev.protolens.engine.weights.TensorSource;
import dev.protolens.engine.weights.WeightFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mixed-precision path a CUDA GPU takes (weights in a half type; e, m, the logits, the loss and AdamW in fp32;
 * norms and softmax in fp32), run here in fp16, whose CPU kernels work in this libtorch (bf16's abort the process, so
 * bf16 itself is checked by bench/gpu-check.sh on a GPU). Against the same model in fp32: the logits, the
 * gradients that reach e and m, and a short fit.
 */
class HalfPrecisionTest {

    private static LoadedModel half(Path dir, LoadedModel full, TensorSource source) {
        NDManager manager = EngineRuntime.get().newManager();
        LanguageModel m = ModelLoader.create(full.config(), source, manager, DataType.FLOAT16);
        return new LoadedModel(dir, "safetensors", full.config(), m, full.tokenizer(), full.identity(), "cpu",
                "float16", 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa-tied", "qwen3", "gpt_neox", "gpt2"})
    void fp16WeightsGiveFp32LogitsAndGradientsCloseToFp32(String variant, @TempDir Path tmp) {
        Path dir = TinyModels.write(tmp, variant, 5);
        try (LoadedModel full = ModelLoader.load(dir); TensorSource source = WeightFiles.openFolder(dir)) {
            LoadedModel h = half(dir, full, source);
            try (NDManager step = EngineRuntime.get().newManager()) {
                int n = 10;
                int d = full.config().hiddenSize();
                Random r = new Random(3);
                float[] z = new float[n * d];
                for (int i = 0; i < z.length; i++) {
                    z[i] = (float) r.nextGaussian();
                }
                long[] targets = new long[n];
                for (int i = 0; i < n; i++) {
                    targets[i] = r.nextInt(full.config().vocabSize());
                }
                float[][] logits = new float[2][];
                float[][] grads = new float[2][];
                LoadedModel[] models = {full, h};
                for (int k = 0; k < 2; k++) {
                    NDArray x = step.create(z, new Shape(1, n, d));
                    x.setRequiresGradient(true);
                    EngineRuntime.setGradMode(true);
                    try (GradientCollector gc = EngineRuntime.get().engine().newGradientCollector()) {
                        NDArray out = models[k].model().logits(x);
                        assertThat(out.getDataType()).isEqualTo(DataType.FLOAT32);
                        logits[k] = out.toFloatArray();
                        NDArray loss = out.logSoftmax(-1).gather(step.create(targets, new Shape(1, n, 1)), 2).mean().neg();
                        assertThat(loss.getDataType()).isEqualTo(DataType.FLOAT32);
                        gc.backward(loss);
                    }
                    EngineRuntime.setGradMode(false);
                    assertThat(x.getGradient().getDataType()).as("e and m stay fp32").isEqualTo(DataType.FLOAT32);
                    grads[k] = x.getGradient().toFloatArray();
                }
                double scale = Arrays.stream(toDouble(logits[0])).map(Math::abs).max().orElse(1);
                double worst = 0;
                for (int i = 0; i < logits[0].length; i++) {
                    worst = Math.max(worst, Math.abs(logits[0][i] - logits[1][i]));
                }
                double cos = cosine(grads[0], grads[1]);
                System.out.printf("%-16s fp16 vs fp32: logits max |diff| %.4f (max |logit| %.2f), gradient cosine %.5f%n",
                        variant, worst, scale, cos);
                assertThat(worst / scale).isLessThan(0.02);
                assertThat(cos).isGreaterThan(0.99);
            } finally {
                h.model().close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama"})
    void aFitWithFp16WeightsKeepsFp32VectorsAndLearns(String variant, @TempDir Path tmp) {
        Path dir = TinyModels.write(tmp, variant, 9);
        try (LoadedModel full = ModelLoader.load(dir); TensorSource source = WeightFiles.openFolder(dir)) {
            LoadedModel h = half(dir, full, source);
            try {
                FitTarget target = FitTarget.of(full, "the quick brown fox jumps over the lazy dog", FitSpec.defaults()
                        .arrangement());
                FitSpec spec = FitSpec.defaults().withMaxSteps(60).withTargetAccuracy(FitSpec.NEVER_STOP);
                FitResult r = new Fitter(h).fit(FitRequest.single(target, spec), FitMonitor.none());
                FitResult r32 = new Fitter(full).fit(FitRequest.single(target, spec), FitMonitor.none());
                FitResult.Item it = r.items().getFirst();
                double first = it.history().loss(0)[0];
                double loss32 = r32.items().getFirst().loss();
                System.out.printf("fp16 fit of %d tokens: loss %.4f -> %.4f (fp32: %.4f), accuracy %.2f%n",
                        target.length(), first, it.loss(), loss32, it.accuracy());
                assertThat(r.status()).isEqualTo(FitResult.Status.MAX_STEPS);
                assertThat(it.e()).hasSize(full.config().hiddenSize());
                assertThat(it.loss()).isLessThan(first * 0.95);
                assertThat(Math.abs(it.loss() - loss32) / loss32).as("the same optimisation as in fp32").isLessThan(0.02);
            } finally {
                h.model().close();
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
