package dev.protolens.engine.inside;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.model.PassProbe;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Inside screen's numbers against the independent PyTorch reference ({@code bench/reference_inside.py}, an
 * HF-convention forward with its own hooks), on both real models, at the oracle fixture's stored solution: the
 * logit lens of the one-step and the teacher-forced pass at both sites, every head's attention, and the two
 * knock-outs in one layer (the single pass, and the same ℓ inside the batched curve). Tolerance: the oracle's
 * 1e-4 absolute (../shared/oracle/README.md), for logits and for the probabilities made from them.
 *
 * <p>Needs {@code /usr/bin/python3} with torch and numpy (CI installs python3-torch); without them the test fails
 * and says so, rather than skipping.
 */
class InsideReferenceTest {
    static final double TOL = 1e-4;

    @ParameterizedTest
    @CsvSource({"stories260k-hf, stories260k-hf__lily__seed0_normal, 2", "tinyllama-v0, tinyllama-v0__lily__seed0_normal, 4"})
    void lensAttentionAndKnockOutsMatchTheReference(String modelDir, String fixture, int knockLayer, @TempDir Path tmp)
            throws Exception {
        Path modelPath = Shared.model(modelDir);
        try (LoadedModel m = ModelLoader.load(modelPath);
             SafetensorsFile fx = SafetensorsFile.open(Shared.oracle(fixture + ".safetensors"))) {
            long[] ids = longs(fx.floats("token_ids"));
            int n = ids.length;
            String[] pieces = new String[n];
            for (int i = 0; i < n; i++) {
                pieces[i] = m.tokenizer().piece(ids[i]);
            }
            FittedPass pass = new FittedPass("oracle", new ProtoTokens(fx.floats("solution_e"), fx.floats("solution_m")),
                    Arrangement.E_M, ids, pieces, "");
            int bos = m.tokenizer().bosId().orElseThrow();
            long[] tf = new long[n];
            tf[0] = bos;
            System.arraycopy(ids, 0, tf, 1, n - 1);

            Path in = tmp.resolve("in.safetensors");
            new SafetensorsWriter().f32("e", pass.vectors().e(), pass.vectors().dim())
                    .f32("m", pass.vectors().m(), pass.vectors().dim())
                    .i64("pattern", pass.pattern(), n).i64("tf_ids", tf, n).i64("knock_layer", new long[] {knockLayer}, 1)
                    .writeTo(in);
            Path out = tmp.resolve("out.safetensors");
            runReference(modelPath, in, out);

            Inside inside = new Inside(m);
            int layers = m.config().numLayers();
            int vocab = m.config().vocabSize();
            try (SafetensorsFile ref = SafetensorsFile.open(out)) {
                for (PassProbe.Site site : PassProbe.Site.values()) {
                    Inside.Look look = inside.look(pass, site, 1);
                    String s = site == PassProbe.Site.AFTER_LAYER ? "after_layer" : "after_attention";
                    assertThat(look.oneStep().layers()).hasSize(layers + 1);
                    compareLens(look.oneStep(), ref.floats("lens.one_step." + s + ".logits"), vocab, modelDir + " one-step " + s);
                    compareLens(inside.teacherForced(pass, site, 1), ref.floats("lens.teacher_forced." + s + ".logits"), vocab,
                            modelDir + " teacher-forced " + s);
                    if (site == PassProbe.Site.AFTER_LAYER) {
                        // the stored solution writes the text: the lens's last row is the pass itself
                        assertThat(look.oneStep().accuracy(layers)).isEqualTo(1.0);
                        assertThat(look.oneStepAccuracy()).isEqualTo(1.0);
                        maxDiff(look.attention().probabilities(), ref.floats("attention"), modelDir + " attention");
                    }
                }

                float[] plain = ref.floats("logits");
                for (KnockOut what : KnockOut.values()) {
                    String name = "knock." + (what == KnockOut.E ? "e" : "among_m") + ".logits";
                    float[] want = ref.floats(name);
                    float[] got;
                    try (NDManager step = m.model().manager().newSubManager()) {
                        got = inside.knockOutLogits(step, pass, what, KnockOut.Scope.LAYER, knockLayer).toFloatArray();
                    }
                    maxDiff(got, want, modelDir + " " + name);
                    // the knock-out changes the pass (a mask that was ignored could not pass this)
                    assertThat(maxAbs(want, plain)).as(name + " differs from the plain pass").isGreaterThan(1e-3);
                    long[] refTokens = argmax(want, n, vocab);
                    assertThat(argmax(got, n, vocab)).isEqualTo(refTokens);
                    // the curve runs several ℓ as one batch, each with its own mask: at ℓ it writes the same tokens
                    KnockOutCurve curve = inside.knockOuts(pass, what, KnockOut.Scope.LAYER, () -> false);
                    assertThat(curve.tokens()[knockLayer - 1]).as(what + " curve at ℓ = " + knockLayer).isEqualTo(refTokens);
                    assertThat(curve.baseline()).isEqualTo(1.0);
                    System.out.printf("%s knock-out %s in layer %d: accuracy %.2f; over ℓ = 1..L %s%n", modelDir,
                            what, knockLayer, curve.accuracy()[knockLayer - 1], Arrays.toString(curve.accuracy()));
                }
            }
        }
    }

    /** Probability of the text's token and the top token, every row and column, against the reference's logits. */
    private static void compareLens(LensMap lens, float[] refLogits, int vocab, String what) {
        int n = lens.columns();
        int rows = lens.rows();
        assertThat(refLogits).hasSize(rows * n * vocab);
        double maxP = 0;
        double maxTop = 0;
        int sameTop = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < n; c++) {
                double[] lp = logSoftmax(refLogits, (r * n + c) * vocab, vocab);
                maxP = Math.max(maxP, Math.abs(lens.prob(r, c) - Math.exp(lp[(int) lens.target()[c]])));
                int best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (lp[v] > lp[best]) {
                        best = v;
                    }
                }
                maxTop = Math.max(maxTop, Math.abs(lens.topProb(r, c) - Math.exp(lp[best])));
                long top = lens.top(r, c);
                sameTop += top == best ? 1 : 0;
                // a different top token is allowed only where the reference has a tie within the tolerance
                assertThat(lp[best] - lp[(int) top]).as(what + " top token at layer " + lens.layers()[r] + ", column " + c)
                        .isLessThanOrEqualTo(TOL);
            }
        }
        System.out.printf("%s: lens p(target) max |diff| %.3g, p(top) max |diff| %.3g, same top token %d/%d%n", what,
                maxP, maxTop, sameTop, rows * n);
        assertThat(maxP).as(what + " p(target)").isLessThanOrEqualTo(TOL);
        assertThat(maxTop).as(what + " p(top)").isLessThanOrEqualTo(TOL);
    }

    static double[] logSoftmax(float[] x, int from, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            max = Math.max(max, x[from + i]);
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
            sum += Math.exp(x[from + i] - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[i] = x[from + i] - lse;
        }
        return out;
    }

    private static long[] argmax(float[] logits, int n, int vocab) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int v = 1; v < vocab; v++) {
                if (logits[i * vocab + v] > logits[i * vocab + best]) {
                    best = v;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static void maxDiff(float[] got, float[] want, String what) {
        assertThat(got).as(what + " size").hasSize(want.length);
        double d = maxAbs(got, want);
        System.out.printf("%s: max |diff| %.3g over %d values%n", what, d, got.length);
        assertThat(d).as(what).isLessThanOrEqualTo(TOL);
    }

    private static double maxAbs(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            double x = Math.abs(a[i] - b[i]);
            if (!(x <= d)) {
                d = x;
            }
        }
        return d;
    }

    static long[] longs(float[] x) {
        long[] r = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = (long) x[i];
        }
        return r;
    }

    /** Runs bench/reference_inside.py with /usr/bin/python3; fails (never skips) when it cannot. */
    static void runReference(Path model, Path in, Path out) throws IOException, InterruptedException {
        Path script = Path.of("..", "bench", "reference_inside.py").toAbsolutePath().normalize();
        Path reference = Shared.require("reference/hf_llama.py").getParent();
        List<String> cmd = new ArrayList<>(List.of(python(), script.toString(), "--reference", reference.toString(),
                "--model", model.toString(), "--input", in.toString(), "--out", out.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("The PyTorch reference needs python3 with torch and numpy (Debian: apt-get install"
                    + " python3-torch python3-numpy): " + e.getMessage(), e);
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the PyTorch reference did not finish within 300 s: " + String.join(" ", cmd));
        }
        assertThat(p.exitValue()).as("the PyTorch reference (" + String.join(" ", cmd) + ") needs python3 with torch"
                + " and numpy (Debian: apt-get install python3-torch python3-numpy); it said:\n" + log).isZero();
        System.out.print(log);
    }

    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
