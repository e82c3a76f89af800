package dev.protolens.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fit job on stories260K: what it stores, how a shared m stays one, and what it does when the disk fails. */
class FitJobTest {
    static LoadedModel model;
    static ModelSession session;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(Shared.model("stories260k-hf"));
        session = ModelSession.of(model);
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void aSharedMBatchStoresOneBitIdenticalMAndReachedMeansTheStoredVectorsReach() throws Exception {
        RunLibrary lib = new RunLibrary(tmp);
        FitTarget t = FitTarget.of(model, "Tom had a small dog named Max.", FitSpec.defaults().arrangement());
        FitRequest req = SeedBatch.request(t, FitSpec.defaults().withSharedM(true).withMaxSteps(1500), 3);
        checkSharedBatch(lib, t, req);
    }

    @Test
    void aSharedMBatchThatRunsOutOfStepsStillStoresOneM() throws Exception {
        // 300 updates leave the Lily text short of 100 % at any one step for all three seeds
        RunLibrary lib = new RunLibrary(tmp);
        FitTarget t = FitTarget.of(model, "Lily and Ben went to the park to play with a red ball.",
                FitSpec.defaults().arrangement());
        checkSharedBatch(lib, t, SeedBatch.request(t, FitSpec.defaults().withSharedM(true).withMaxSteps(300), 3));
    }

    private void checkSharedBatch(RunLibrary lib, FitTarget t, FitRequest req) throws Exception {
        FitJob.Outcome o = FitJob.start(session, lib, req, FitJob.Options.cli(), null).outcome().get(5, TimeUnit.MINUTES);
        assertThat(o.ids()).hasSize(3).doesNotContainNull().doesNotHaveDuplicates();
        List<Run> runs = new ArrayList<>();
        for (String id : o.ids()) {
            runs.add(lib.load(id));
        }
        OneStepDecoder dec = new OneStepDecoder(model);
        for (Run r : runs) {
            assertThat(r.vectors().m()).as("every run of a shared-m batch stores the same m, bit for bit")
                    .containsExactly(runs.getFirst().vectors().m());
            RunRecord.Metrics mt = r.record().metrics();
            Decoded d = dec.decode(r.vectors(), t.length(), FitSpec.defaults().arrangement(), t.ids(), 0);
            assertThat(mt.accuracy()).isEqualTo(d.accuracy());
            assertThat(mt.reached()).as("reached means the stored vectors reach").isEqualTo(d.accuracy() >= 1.0);
            assertThat(mt.stepsToReach() >= 0).isEqualTo(mt.reached());
            assertThat(r.record().settings().sharedM()).isTrue();
            assertThat(r.record().batch().size()).isEqualTo(3);
        }
        boolean all = runs.stream().allMatch(r -> r.record().metrics().reached());
        // the batch stops when every item is at the target (at one step), and only then
        assertThat(o.result().status() == FitResult.Status.REACHED).isEqualTo(all);
        assertThat(runs).extracting(r -> r.record().metrics().bestStep()).containsOnly(
                runs.getFirst().record().metrics().bestStep());
        System.out.printf("shared m, 3 seeds: %s after %d updates; stored accuracies %s%n", o.result().status(),
                o.result().updates(), runs.stream().map(r -> r.record().metrics().accuracy()).toList());
    }

    @Test
    void aCheckpointThatCannotBeWrittenIsAWarningTheFitGoesOnAndTheFinalSaveIsTriedAgain() throws Exception {
        Path root = tmp.resolve("library");
        Files.writeString(root, "not a folder: every write into the library fails as on a full disk");
        RunLibrary lib = new RunLibrary(root);
        FitTarget t = FitTarget.of(model, "The cat sat on the mat.", FitSpec.defaults().arrangement());
        List<JobProgress> notes = new CopyOnWriteArrayList<>();
        FitRequest req = FitRequest.single(t, FitSpec.defaults().withMaxSteps(120).withTargetAccuracy(FitSpec.NEVER_STOP));
        FitJob job = FitJob.start(session, lib, req, new FitJob.Options(FitJob.Keep.FINAL, 0, 0), p -> {
            if (p.note() != null && p.note().contains("could not be saved")) {
                notes.add(p);
            }
        });
        // once a checkpoint has failed, the "disk" is freed: the final save, tried again, goes through
        while (job.outcome().isDone() == false && notes.isEmpty()) {
            Thread.sleep(10);
        }
        Files.delete(root);
        FitJob.Outcome o = job.outcome().get(2, TimeUnit.MINUTES);
        assertThat(o.result().updates()).as("the fit ran all its steps").isEqualTo(120);
        assertThat(o.warnings()).anySatisfy(w -> assertThat(w).contains("checkpoint at step").contains("could not be saved")
                .contains("the fit goes on"));
        assertThat(o.problem()).isNull();
        assertThat(o.saved()).isTrue();
        assertThat(lib.load(o.ids().getFirst()).record().metrics().updates()).isEqualTo(120);
    }

    @Test
    void aFinalSaveThatKeepsFailingLeavesTheResultInTheOutcomeWithTheReason() throws Exception {
        Path root = tmp.resolve("library");
        Files.writeString(root, "not a folder");
        FitTarget t = FitTarget.of(model, "The cat sat on the mat.", FitSpec.defaults().arrangement());
        FitRequest req = FitRequest.single(t, FitSpec.defaults().withMaxSteps(20));
        FitJob.Outcome o = FitJob.start(session, new RunLibrary(root), req, new FitJob.Options(FitJob.Keep.FINAL, 0, 0),
                null).outcome().get(2, TimeUnit.MINUTES);
        assertThat(o.saved()).isFalse();
        assertThat(o.problem()).contains("could not be saved").contains("tried 3 times");
        assertThat(o.decoded().getFirst().text()).isNotEmpty();
        assertThat(o.result().items().getFirst().e()).hasSize(model.config().hiddenSize());
    }

    @Test
    void aFitThatDivergesKeepsNothingAndSaysSo() throws Exception {
        RunLibrary lib = new RunLibrary(tmp);
        FitTarget t = FitTarget.of(model, "The cat sat on the mat.", FitSpec.defaults().arrangement());
        FitRequest req = FitRequest.single(t, FitSpec.defaults().withLr(1e30).withMaxSteps(50));
        FitJob.Outcome o = FitJob.start(session, lib, req, new FitJob.Options(FitJob.Keep.FINAL, 0, 0), null)
                .outcome().get(2, TimeUnit.MINUTES);
        assertThat(o.diverged()).isTrue();
        assertThat(o.problem()).contains("learning rate 1.0E30 is too large").contains("Nothing was saved")
                .doesNotContain("are kept");
        assertThat(lib.list().runs()).isEmpty();
    }
}
