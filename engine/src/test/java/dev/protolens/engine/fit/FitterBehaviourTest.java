package dev.protolens.engine.fit;

import dev.protolens.engine.proto.Arrangement;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.testing.Fixture;
import dev.protolens.engine.testing.Shared;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fitter's contract beyond the oracle numbers: arrangements, init, shared m, progress, cancel. */
class FitterBehaviourTest {
    static LoadedModel model;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(Shared.model("stories260k-hf"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Arrangement.class)
    void everyArrangementFitsAndItsBestVectorsDecodeToTheReportedAccuracy(Arrangement arr) {
        FitTarget t = FitTarget.of(model, "The cat sat on the mat.", arr);
        FitResult r = new Fitter(model).fit(FitRequest.single(t, FitSpec.defaults().withArrangement(arr)
                .withMaxSteps(300)), FitMonitor.none());
        FitResult.Item it = r.items().getFirst();
        Decoded d = new OneStepDecoder(model).decode(new ProtoTokens(it.e(), it.m()), t.length(), arr, t.ids(), 0);
        System.out.printf("%-12s %d tokens: accuracy %.2f after %d updates (stored vectors decode to %.2f)%n",
                arr.cliName(), t.length(), it.accuracy(), r.updates(), d.accuracy());
        assertThat(d.accuracy()).isEqualTo(it.accuracy());
        assertThat(it.history().length()).isEqualTo(r.updates() + 1);
        float[] loss = it.history().loss(0);
        assertThat(loss[loss.length - 1]).as("the loss falls").isLessThan(loss[0]);
        if (arr == Arrangement.E_M || arr == Arrangement.E_MN) {
            assertThat(it.accuracy()).isEqualTo(1.0);
        }
    }

    @Test
    void embeddingStdInitUsesTheTableStdOfTheReference() {
        // the reference's embedding_std for stories260K: torch's unbiased std over all elements, float32
        try (Fixture fx = Fixture.open("stories260k-hf")) {
            double std = new Fitter(model).embeddingStd();
            System.out.printf("embedding std %.8f (reference 0.30794281)%n", std);
            assertThat(std).isCloseTo(0.30794280767440796, org.assertj.core.data.Offset.offset(1e-6));
        }
        FitTarget t = FitTarget.of(model, Fixture.LILY, Arrangement.E_M);
        FitResult r = new Fitter(model).fit(FitRequest.single(t, FitSpec.defaults().withInit(Init.EMB_STD).withMaxSteps(0)),
                FitMonitor.none());
        double rms = Math.sqrt(sq(r.last().e()) / r.last().e().length);
        assertThat(rms).isBetween(0.2, 0.45);
    }

    @Test
    void seedsAreReproducibleAndBatchItemsUseSeedPlusIndex() {
        FitTarget t = FitTarget.of(model, Fixture.LILY, Arrangement.E_M);
        FitSpec spec = FitSpec.defaults().withMaxSteps(3).withSeed(5);
        FitResult batch = new Fitter(model).fit(FitRequest.seeds(t, spec, 2), FitMonitor.none());
        FitResult lone = new Fitter(model).fit(FitRequest.single(t, spec.withSeed(6)), FitMonitor.none());
        FitResult again = new Fitter(model).fit(FitRequest.single(t, spec.withSeed(6)), FitMonitor.none());
        assertThat(lone.last().e()).containsExactly(again.last().e());
        int d = model.config().hiddenSize();
        assertThat(Fixture.maxAbsDiff(Arrays.copyOfRange(batch.last().e(), d, 2 * d), lone.last().e())).isLessThan(1e-5);
        assertThat(batch.items().get(1).seed()).isEqualTo(6);
    }

    @Test
    void sharedMIsOneVectorForAllTextsAndSucceedsOnlyJointly() {
        FitTarget a = FitTarget.of(model, "The cat sat on the mat.", Arrangement.E_M);
        FitTarget b = FitTarget.of(model, "Tom had a big blue boat.", Arrangement.E_M);
        FitResult r = new Fitter(model).fit(FitRequest.texts(List.of(a, b), FitSpec.defaults().withSharedM(true)
                .withMaxSteps(2000)), FitMonitor.none());
        int d = model.config().hiddenSize();
        assertThat(r.last().m()).hasSize(d);
        assertThat(r.items().get(0).m()).containsExactly(r.items().get(1).m());
        System.out.printf("shared m, 2 texts: %s after %d updates, accuracies %.2f / %.2f%n", r.status(), r.updates(),
                r.items().get(0).accuracy(), r.items().get(1).accuracy());
        if (r.status() == FitResult.Status.REACHED) {
            OneStepDecoder dec = new OneStepDecoder(model);
            for (FitResult.Item it : r.items()) {
                Decoded out = dec.decode(new ProtoTokens(it.e(), it.m()), it.target().length(), Arrangement.E_M,
                        it.target().ids(), 0);
                assertThat(out.text()).isEqualTo(it.target().text());
            }
        }
    }

    @Test
    void aSlowListenerDropsSnapshotsButNeverSlowsTheFitAndSeesTheLast() throws Exception {
        FitTarget t = FitTarget.of(model, Fixture.LILY, Arrangement.E_M);
        List<FitProgress> seen = new CopyOnWriteArrayList<>();
        FitMonitor slow = new FitMonitor(p -> {
            seen.add(p);
            sleep(100);
        }, 1);
        long t0 = System.nanoTime();
        FitResult r = new Fitter(model).fit(FitRequest.single(t, FitSpec.defaults().withMaxSteps(150)), slow);
        long slowMs = (System.nanoTime() - t0) / 1_000_000;
        long t1 = System.nanoTime();
        new Fitter(model).fit(FitRequest.single(t, FitSpec.defaults().withMaxSteps(150)), FitMonitor.none());
        long plainMs = (System.nanoTime() - t1) / 1_000_000;
        System.out.printf("150 steps: %d ms with a 100 ms listener (%d snapshots delivered), %d ms without%n", slowMs,
                seen.size(), plainMs);
        assertThat(seen.size()).isLessThan(r.updates());
        assertThat(seen.getLast().finished()).isTrue();
        assertThat(seen.getLast().step()).isEqualTo(r.updates());
        // 150 listener calls would take 15 s if they blocked the fit
        assertThat(slowMs).isLessThan(plainMs + 5000);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).step()).isGreaterThan(seen.get(i - 1).step());
        }
    }

    @Test
    void cancelStopsWithinAStepAndReturnsTheBestVectorsSoFar() throws Exception {
        FitTarget t = FitTarget.of(model, "Lily and Ben went to the park to play with a red ball. They ran and laughed"
                + " in the warm sun until it was time to go home.", Arrangement.E_M);
        try (ModelSession s = ModelSession.of(ModelLoader.load(Shared.model("stories260k-hf")))) {
            AtomicInteger step = new AtomicInteger();
            ModelSession.FitTask task = s.fit(FitRequest.single(t, FitSpec.defaults()), p -> step.set(p.step()), 1,
                    null, 0);
            while (step.get() < 50) {
                Thread.sleep(10);
            }
            // a decode asked for during the fit is served between two steps
            Decoded d = s.submit(m -> new OneStepDecoder(m).decode(new ProtoTokens(new float[64], new float[64]), 3,
                    Arrangement.E_M, null, 0)).get(5, TimeUnit.SECONDS);
            assertThat(d.length()).isEqualTo(3);
            assertThat(task.result()).isNotDone();
            int at = step.get();
            long t0 = System.nanoTime();
            task.cancel();
            FitResult r = task.result().get(5, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("cancel at step ~%d returned after %d ms at step %d%n", at, ms, r.updates());
            assertThat(r.status()).isEqualTo(FitResult.Status.CANCELLED);
            assertThat(r.updates()).isLessThan(at + 20);
            FitResult.Item it = r.items().getFirst();
            assertThat(it.e()).hasSize(64);
            Decoded best = new OneStepDecoder(model).decode(new ProtoTokens(it.e(), it.m()), t.length(), Arrangement.E_M,
                    t.ids(), 0);
            assertThat(best.accuracy()).isEqualTo(it.accuracy());
        }
    }

    private static double sq(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return s;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
