package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library entries of a K-restart fit: one run per restart, each with its own rows and state. */
class FitRunsTest {
    @TempDir
    Path tmp;

    @Test
    void eachRestartIsKeptWithItsOwnVectorsAndStateAndResumesExactly() {
        try (LoadedModel m = ModelLoader.load(Shared.model("stories260k-hf"))) {
            int d = m.config().hiddenSize();
            FitTarget t = FitTarget.of(m, "Tom had a small dog named Max.", FitSpec.defaults().arrangement());
            FitRequest req = FitRequest.seeds(t, FitSpec.defaults().withMaxSteps(30).withSeed(4), 2);
            FitResult r = new Fitter(m).fit(req, FitMonitor.none());
            FitRuns runs = FitRuns.start(m, req);
            assertThat(runs.ids()).hasSize(2).doesNotHaveDuplicates();
            // one batch id, each item named by its seed: unique within the batch by construction
            assertThat(runs.ids()).containsExactly(runs.batchId() + "-s4", runs.batchId() + "-s5");

            List<FitRuns.Entry> cps = runs.checkpoint(r.last(), 1000);
            for (int i = 0; i < 2; i++) {
                FitRuns.Entry e = cps.get(i);
                assertThat(e.record().status()).isEqualTo("checkpoint");
                assertThat(e.record().settings().seed()).isEqualTo(4 + i);
                assertThat(e.record().batch().size()).isEqualTo(2);
                assertThat(e.vectors().e()).isEqualTo(Arrays.copyOfRange(r.last().e(), i * d, (i + 1) * d));
                assertThat(e.resume().adamE1()).isEqualTo(Arrays.copyOfRange(r.last().adamE1(), i * d, (i + 1) * d));
                assertThat(e.record().history().loss()).isEqualTo(r.last().history().loss(i));
            }

            List<ProtoTokens> vectors = new ArrayList<>();
            for (FitResult.Item it : r.items()) {
                vectors.add(new ProtoTokens(it.e(), it.m()));
            }
            List<Decoded> decoded = new OneStepDecoder(m).decodeAll(vectors, t.length(), req.spec().arrangement(),
                    t.ids(), 0);
            RunLibrary lib = new RunLibrary(tmp);
            runs.save(lib, runs.draft(r, decoded, new double[] {12.0, 12.0}));
            Run kept = lib.load(runs.ids().get(1));
            assertThat(kept.record().status()).isEqualTo("checkpoint");
            assertThat(kept.record().metrics().decodedText()).isEqualTo(decoded.get(1).text());
            assertThat(kept.resumeState().step()).isEqualTo(r.updates());

            // a single-item resume from the stored state continues like the batch would have
            FitRequest more = FitRequest.single(t, req.spec().withSeed(5).withMaxSteps(40)).startingFrom(kept.resumeState());
            FitResult resumed = new Fitter(m).fit(more, FitMonitor.none());
            assertThat(resumed.updates()).isGreaterThan(r.updates());

            runs.save(lib, runs.finals(r, decoded, new double[] {12.0, 12.0}));
            assertThat(lib.list().runs()).hasSize(2).allSatisfy(rec -> assertThat(rec.status()).isNotEqualTo("checkpoint"));
            // 30 updates do not reach the target: the final records keep the optimiser state, so they resume
            for (int i = 0; i < 2; i++) {
                assertThat(r.items().get(i).reached()).isFalse();
                assertThat(lib.load(runs.ids().get(i)).resumeState()).isNotNull();
                assertThat(lib.load(runs.ids().get(i)).resumeState().step()).isEqualTo(r.updates());
            }
        }
    }
}
