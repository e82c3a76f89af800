package dev.protolens.engine.mem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.testing.Shared;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The [mem] objective against bench/reference_mem.py (PyTorch over the independent reference model), whose
 * output for stories260K and the Lily text is the fixture {@code mem/stories260k-lily.json}. Tolerances are the
 * oracle README's: loss 1e-5, gradient relative L2 1e-3, AdamW trajectory 1e-4.
 */
class MemFitterReferenceTest {
    static LoadedModel model;
    static JsonNode ref;

    @BeforeAll
    static void load() throws Exception {
        model = ModelLoader.load(Shared.model("stories260k-hf"));
        try (InputStream in = MemFitterReferenceTest.class.getResourceAsStream("/mem/stories260k-lily.json")) {
            ref = new ObjectMapper().readTree(in);
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static float[] floats(JsonNode a) {
        float[] r = new float[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) a.get(i).asDouble();
        }
        return r;
    }

    private static long[] longs(JsonNode a) {
        long[] r = new long[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asLong();
        }
        return r;
    }

    @Test
    void lossGradientAndTeacherForcedArgmaxMatchTheReference() {
        long[] ids = longs(ref.get("token_ids"));
        FitTarget t = FitTarget.of(model, ref.get("text").asString(), FitSpec.defaults().arrangement());
        assertThat(t.ids()).as("the same tokens as the reference tokenizer").containsExactly(ids);
        MemFitter f = new MemFitter(model);
        assertThat(f.usesBos()).isEqualTo(!ref.get("bos").isNull());
        MemFitter.Objective o = f.objective(ids, floats(ref.get("mem")));
        double lossDiff = Math.abs(o.loss() - ref.get("loss").asDouble());
        float[] g = floats(ref.get("grad"));
        double num = 0;
        double den = 0;
        for (int i = 0; i < g.length; i++) {
            num += (o.grad()[i] - g[i]) * (double) (o.grad()[i] - g[i]);
            den += g[i] * (double) g[i];
        }
        double rel = Math.sqrt(num / den);
        System.out.printf("[mem] vs reference: loss diff %.2e, grad rel L2 %.2e%n", lossDiff, rel);
        assertThat(lossDiff).isLessThan(1e-5);
        assertThat(rel).isLessThan(1e-3);
        assertThat(o.argmax()).containsExactly(longs(ref.get("argmax")));
    }

    @Test
    void twentyAdamWUpdatesFollowTheReferenceLossCurve() {
        long[] ids = longs(ref.get("token_ids"));
        JsonNode curve = ref.get("adamw_loss");
        int steps = curve.size() - 1;
        List<Double> losses = new ArrayList<>();
        FitSpec spec = FitSpec.defaults().withMaxSteps(steps).withTargetAccuracy(FitSpec.NEVER_STOP);
        new MemFitter(model).fit(ids, spec, floats(ref.get("mem")), null, (s, acc, loss) -> losses.add(loss));
        assertThat(losses).hasSize(curve.size());
        double worst = 0;
        for (int k = 0; k < losses.size(); k++) {
            worst = Math.max(worst, Math.abs(losses.get(k) - curve.get(k).asDouble()));
        }
        System.out.printf("[mem] 20 AdamW updates: max loss diff %.2e%n", worst);
        assertThat(worst).isLessThan(1e-4);
        assertThat(losses.getLast()).isLessThan(losses.getFirst());
    }

    @Test
    void aFittedMemDecodesItsTextGreedilyAndTeacherForcedAccuracyIsTheGreedyOne() {
        FitTarget t = FitTarget.of(model, "Tom had a small dog named Max.", FitSpec.defaults().arrangement());
        MemFitter f = new MemFitter(model);
        MemFitter.Result r = f.fit(t.ids(), FitSpec.defaults().withMaxSteps(1500), 2, 1.0, null, null);
        assertThat(r.items()).hasSize(2);
        for (MemFitter.Item it : r.items()) {
            long[] out = f.greedy(it.mem(), t.length());
            assertThat(MemFitter.accuracy(out, t.ids())).as("seed %d", it.seed())
                    .isEqualTo(it.reached() ? 1.0 : MemFitter.accuracy(out, t.ids()));
            if (it.reached()) {
                assertThat(out).containsExactly(t.ids());
            }
        }
        assertThat(r.items()).anyMatch(MemFitter.Item::reached);
    }
}
