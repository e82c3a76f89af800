package dev.protolens.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model's one worker shares itself between a fit and work that keeps queueing its next piece. */
class ModelSessionTest {
    static final int STEPS = 200;
    static final int LINKS = 2000;

    @Test
    void workThatQueuesMoreGetsOneTurnBetweenTwoFitSteps(@TempDir Path tmp) throws Exception {
        LoadedModel m = ModelLoader.load(TinyModels.write(tmp, "llama", 5));
        try (ModelSession s = ModelSession.of(m)) {
            FitSpec spec = FitSpec.defaults().withMaxSteps(STEPS).withTargetAccuracy(FitSpec.NEVER_STOP);
            FitTarget t = FitTarget.of(m, "Hello world, hello", Arrangement.E_M);
            CountDownLatch started = new CountDownLatch(1);
            s.submit(x -> {
                started.countDown();
                return null;
            });
            ModelSession.FitTask fit = s.fit(FitRequest.single(t, spec), null, 1, null, 0);
            AtomicInteger links = new AtomicInteger();
            AtomicInteger atFitEnd = new AtomicInteger(-1);
            fit.result().whenComplete((r, e) -> atFitEnd.set(links.get()));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            chain(s, links);
            FitResult r = fit.result().get(300, TimeUnit.SECONDS);
            assertThat(r.updates()).isEqualTo(STEPS);
            // the slider's grid works like this chain: a link per fit step while the fit runs, the rest after it
            // (all of them between the first two steps, before)
            assertThat(atFitEnd.get()).isBetween(1, STEPS + 1);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (links.get() < LINKS && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(links.get()).isEqualTo(LINKS);
        }
    }

    private static void chain(ModelSession s, AtomicInteger links) {
        s.submit(x -> links.incrementAndGet()).thenAccept(n -> {
            if (n < LINKS) {
                chain(s, links);
            }
        });
    }
}
