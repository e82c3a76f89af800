package dev.protolens.engine.inside;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.model.PassProbe;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.weights.SafetensorsFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The Inside export read back from Python: every {@code .npy} through {@code numpy.load}, and
 * {@code inside.safetensors} through the PyTorch reference's own safetensors reader ({@code ggml_io.read_safetensors}:
 * there is no {@code safetensors} package here), each array with the dtype, shape, NaNs, sum and first values of the
 * Java array it was written from. Also checks the CSV and JSON beside them and that Java's own reader agrees.
 */
class InsideFilesTest {

    @Test
    void numpyAndTheReferenceReadWhatWasWritten(@TempDir Path tmp) throws Exception {
        try (LoadedModel m = ModelLoader.load(Shared.model("stories260k-hf"));
             SafetensorsFile fx = SafetensorsFile.open(Shared.oracle("stories260k-hf__lily__seed0_normal.safetensors"))) {
            long[] ids = InsideReferenceTest.longs(fx.floats("token_ids"));
            String[] pieces = new String[ids.length];
            for (int i = 0; i < ids.length; i++) {
                pieces[i] = m.tokenizer().piece(ids[i]);
            }
            FittedPass pass = new FittedPass("oracle-solution", new ProtoTokens(fx.floats("solution_e"),
                    fx.floats("solution_m")), Arrangement.E_M, ids, pieces, "Lily and Ben went to the park");
            Inside inside = new Inside(m);
            InsideReport plain = inside.report(pass, PassProbe.Site.AFTER_LAYER, 2,
                    List.of(KnockOut.Scope.LAYER, KnockOut.Scope.UP_TO), List.of());
            // a batch spread of three e's, so its export is read back too
            ProtoGeometry g = plain.geometry();
            float[] cos = {1f, 0.5f, 0.25f, 0.5f, 1f, -0.125f, 0.25f, -0.125f, 1f};
            ProtoGeometry withBatch = new ProtoGeometry(g.eNorm(), g.mNorm(), g.tokenNorms(), g.ePercentile(),
                    g.mPercentile(), g.nearestE(), g.nearestM(), new ProtoGeometry.BatchSpread("b", List.of("r0", "r1",
                    "r2"), cos, 0.5, 0.6, 7.0));
            InsideReport r = new InsideReport(plain.pass(), plain.model(), plain.look(), plain.teacherForced(),
                    plain.knockOuts(), withBatch);
            Path dir = tmp.resolve("export");
            List<Path> files = InsideFiles.write(r, dir);
            assertThat(files).allMatch(Files::isRegularFile);

            Map<String, float[]> floats = new LinkedHashMap<>();
            Map<String, long[]> longs = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            LensMap one = r.look().oneStep();
            LensMap tf = r.teacherForced();
            long[] lensShape = {one.rows(), one.columns()};
            put(floats, shapes, "lens_one_step_p_token", one.targetProb(), lensShape);
            put(floats, shapes, "lens_one_step_p_top", one.topProb(), lensShape);
            longs.put("lens_one_step_top_token", one.top());
            shapes.put("lens_one_step_top_token", lensShape);
            put(floats, shapes, "lens_teacher_forced_p_token", tf.targetProb(), lensShape);
            AttentionMaps a = r.look().attention();
            int n = a.positions();
            put(floats, shapes, "attention", a.probabilities(), new long[] {a.layers(), a.heads(), n, n});
            put(floats, shapes, "attention_to_e", a.toEArray(), new long[] {a.layers(), a.heads(), n});
            float[] ko = new float[4 * a.layers()];
            for (int i = 0; i < 4; i++) {
                for (int l = 0; l < a.layers(); l++) {
                    ko[i * a.layers() + l] = (float) r.knockOuts().get(i).accuracy()[l];
                }
            }
            put(floats, shapes, "knockouts_accuracy", ko, new long[] {4, a.layers()});
            put(floats, shapes, "batch_e_cosine", cos, new long[] {3, 3});

            JsonNode seen = RunLibrary.JSON.readTree(runPython(dir));
            for (var e : floats.entrySet()) {
                check(seen.get("npy").get(e.getKey() + ".npy"), "float32", shapes.get(e.getKey()), e.getValue(), e.getKey());
            }
            for (var e : longs.entrySet()) {
                check(seen.get("npy").get(e.getKey() + ".npy"), "int64", shapes.get(e.getKey()), toFloats(e.getValue()),
                        e.getKey());
            }
            JsonNode st = seen.get("safetensors");
            check(st.get("attention"), "float32", shapes.get("attention"), a.probabilities(), "safetensors attention");
            check(st.get("lens.one_step.p_token"), "float32", lensShape, one.targetProb(), "safetensors lens");
            check(st.get("lens.teacher_forced.top_token"), "int64", lensShape, toFloats(tf.top()), "safetensors top");
            check(st.get("batch_e_cosine"), "float32", new long[] {3, 3}, cos, "safetensors batch");
            assertThat(seen.get("metadata").get("run").asString()).isEqualTo("oracle-solution");
            // the teacher-forced pass has a prediction for every token here (stories260K has BOS): no NaN anywhere
            assertThat(seen.get("npy").get("lens_teacher_forced_p_token.npy").get("nan").asInt()).isZero();

            // Java's own reader of the same file, and the text files beside it
            try (SafetensorsFile back = SafetensorsFile.open(dir.resolve("inside.safetensors"))) {
                assertThat(back.floats("attention")).containsExactly(a.probabilities());
            }
            List<String> lens = Files.readAllLines(dir.resolve("lens.csv"));
            assertThat(lens.getFirst()).isEqualTo("pass,site,layer,position,token,p_token,top_token,top_piece,p_top");
            assertThat(lens).hasSize(1 + 2 * one.rows() * one.columns());
            assertThat(Files.readAllLines(dir.resolve("attention.csv"))).hasSize(1 + a.layers() * a.heads() * n * (n + 1) / 2);
            assertThat(Files.readAllLines(dir.resolve("knockouts.csv"))).hasSize(1 + 4 * a.layers());
            JsonNode summary = RunLibrary.JSON.readTree(Files.readString(dir.resolve("inside.json")));
            assertThat(summary.get("one_step_accuracy").asDouble()).isEqualTo(1.0);
            assertThat(summary.get("lens_one_step").get("first_layer_writing_all").asInt())
                    .isEqualTo(one.firstLayerWritingAll());
            assertThat(summary.get("layers_read").size()).isEqualTo(one.rows());
            assertThat(summary.get("files").size()).isEqualTo(files.size() - 1);
        }
    }

    private static void put(Map<String, float[]> f, Map<String, long[]> s, String name, float[] v, long[] shape) {
        f.put(name, v);
        s.put(name, shape);
    }

    private static float[] toFloats(long[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }

    /** dtype, shape, NaN count, finite sum (1e-9 relative) and the first values (exactly) as Python saw them. */
    private static void check(JsonNode seen, String dtype, long[] shape, float[] want, String what) {
        assertThat(seen).as(what + " was read").isNotNull();
        assertThat(seen.get("dtype").asString()).as(what + " dtype").isEqualTo(dtype);
        List<Long> s = new ArrayList<>();
        seen.get("shape").forEach(x -> s.add(x.asLong()));
        assertThat(s).as(what + " shape").containsExactly(java.util.Arrays.stream(shape).boxed().toArray(Long[]::new));
        int nan = 0;
        double sum = 0;
        for (float v : want) {
            if (Float.isNaN(v)) {
                nan++;
            } else {
                sum += v;
            }
        }
        assertThat(seen.get("nan").asInt()).as(what + " NaNs").isEqualTo(nan);
        assertThat(seen.get("sum").asDouble()).as(what + " sum").isCloseTo(sum,
                org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(sum)) + 1e-9 * want.length));
        JsonNode first = seen.get("first");
        for (int i = 0; i < first.size(); i++) {
            if (Float.isNaN(want[i])) {
                assertThat(first.get(i).isNull()).as(what + " first[" + i + "] is NaN").isTrue();
            } else {
                assertThat(first.get(i).asDouble()).as(what + " first[" + i + "]").isEqualTo((double) want[i]);
            }
        }
    }

    private static String runPython(Path dir) throws Exception {
        Path script = Path.of("src/test/python/read_inside_export.py").toAbsolutePath();
        Path reference = Shared.require("reference/ggml_io.py").getParent();
        List<String> cmd = List.of(InsideReferenceTest.python(), script.toString(), reference.toString(), dir.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("Reading the export back needs python3 with numpy: " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python did not finish reading the export within 120 s");
        }
        assertThat(p.exitValue()).as("python3 " + script + " (needs numpy)").isZero();
        return out;
    }
}
