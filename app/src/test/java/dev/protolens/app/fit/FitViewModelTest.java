package dev.protolens.app.fit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.ui.HeadlessBench;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitStart;
import dev.protolens.engine.fit.Init;
import dev.protolens.engine.fit.TextCheck;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.JobProgress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Fit screen's view model without a window or ../shared: a headless host, a tiny random model generated here,
 * a library in a temporary folder.
 */
class FitViewModelTest {
    /** About 20 tokens: a random two-layer model does not write them all within a few steps. */
    static final String TEXT = "the cat sat on the mat and the dog ran in the park with a red ball";

    @TempDir
    Path tmp;
    HeadlessBench bench;

    @BeforeEach
    void open() {
        bench = new HeadlessBench(tmp);
    }

    @AfterEach
    void close() {
        bench.close();
    }

    @Test
    void settingsMakeTheSpecAndSurviveTheSettingsFile() {
        FitSettings s = new FitSettings();
        FitSpec spec = FitSpec.defaults().withSeed(7).withMaxSteps(40).withLr(0.02).withInit(Init.EMB_STD)
                .withArrangement(Arrangement.ALTERNATING);
        s.show(spec);
        s.restartsProperty().set(3);
        assertThat(s.spec()).isEqualTo(spec);
        FitSettings again = new FitSettings();
        again.restore(s.remembered());
        assertThat(again.spec()).isEqualTo(spec);
        assertThat(again.restarts()).isEqualTo(3);
        again.reset();
        assertThat(again.spec()).isEqualTo(FitSpec.defaults());
        assertThat(again.restarts()).isEqualTo(1);

        // a run that started as a Fast start shows the box ticked (its warm source is only a note); a run started
        // another way from the command line (lr × 3 alone) does not, so "Fit again" does not turn it into one
        again.show(spec.withStart(FitStart.FAST.withWarmSource("run 20261203-x")));
        assertThat(again.fastStartProperty().get()).isTrue();
        assertThat(again.spec().start()).isEqualTo(FitStart.FAST);
        again.show(spec.withStart(FitStart.PAPER.withSchedule(FitStart.Schedule.CONSTANT, 3, 0)));
        assertThat(again.fastStartProperty().get()).isFalse();
    }

    @Test
    void aTextThatCannotBeFittedSaysWhyAndDoesNotStart() {
        ModelSession s = bench.openTinyModel(1);
        FitViewModel vm = bench.onUi(() -> new FitViewModel(bench.wb));
        bench.onUi(() -> vm.text().textProperty().set(""));
        bench.waitFor("the preview of the empty text", () -> vm.text().previewProperty().get() != null
                && vm.text().previewProperty().get().text().isEmpty());
        String expected = TextCheck.of(s.model(), "", Arrangement.E_M).message();
        assertThat(bench.onUi(() -> vm.text().previewProperty().get().message())).isEqualTo(expected).contains("empty");
        bench.onUi(vm::fit);
        // the start checks the same way and shows the same words
        assertThat(bench.onUi(() -> vm.text().previewProperty().get().message())).isEqualTo(expected);
        assertThat(bench.onUi(vm::phase)).isEqualTo(FitViewModel.Phase.IDLE);
        assertThat(bench.wb.isFitting()).isFalse();
        assertThat(bench.errors).isEmpty();
    }

    /** What one frame showed: the strip's state, the header's snapshot and the status bar's line. */
    record Frame(FitFrames.Live live, JobProgress header, String statusBar) {}

    @Test
    void everyFrameShowsOneSnapshotAndAStoppedFitResumesSavesAndCopies() {
        bench.openTinyModel(2);
        FitViewModel vm = bench.onUi(() -> new FitViewModel(bench.wb));
        List<Frame> frames = new CopyOnWriteArrayList<>();
        vm.frames().setWake(() -> bench.fx(() -> {
            FitFrames.Live l = vm.frames().take();
            RunningTask t = bench.wb.taskProperty().get();
            if (l != null && l.progress() != null && t != null) {
                frames.add(new Frame(l, vm.frames().shownProperty().get(), t.message()));
            }
        }));
        bench.onUi(() -> {
            vm.text().textProperty().set(TEXT);
            vm.settings().maxStepsProperty().set(100_000);
            vm.fit();
        });
        assertThat(bench.onUi(vm::phase)).isEqualTo(FitViewModel.Phase.RUNNING);
        assertThat(bench.wb.isFitting()).isTrue();
        bench.waitFor("a few steps", () -> frames.size() >= 3 && frames.getLast().live().progress().step() >= 3);
        bench.onUi(vm::stop);
        bench.waitFor("the stopped fit's result", () -> vm.phase() == FitViewModel.Phase.FINISHED);
        assertThat(frames).allSatisfy(f -> {
            JobProgress p = f.live().progress();
            assertThat(f.header()).isSameAs(p);
            assertThat(f.statusBar()).isEqualTo(p.line());
            assertThat(f.live().caption()).contains("now " + p.correctNow() + "/" + p.length());
        });

        FitOutcome stopped = bench.onUi(() -> vm.outcomeProperty().get());
        assertThat(stopped.saved()).isFalse();
        assertThat(stopped.resumable()).hasSize(1);
        int stepsBefore = stopped.updates();
        assertThat(stepsBefore).isGreaterThanOrEqualTo(3);

        bench.onUi(vm::save);
        bench.waitFor("the saved run", () -> vm.outcomeProperty().get().saved());
        String id = stopped.ids().getFirst();
        RunRecord saved = bench.library.list().runs().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
        assertThat(saved.isCheckpoint()).isFalse();

        bench.onUi(vm::copyVectors);
        assertThat(bench.clipboard).startsWith("{\"text\": \"" + TEXT + "\", \"e\": [").contains("\"m\": [");

        frames.clear();
        bench.onUi(vm::resume);
        bench.waitFor("the resumed fit's steps", () -> !frames.isEmpty()
                && frames.getLast().live().progress().step() >= stepsBefore + 3);
        bench.onUi(vm::stop);
        bench.waitFor("the resumed fit's result", () -> vm.phase() == FitViewModel.Phase.FINISHED);
        FitOutcome resumed = bench.onUi(() -> vm.outcomeProperty().get());
        assertThat(resumed.ids()).containsExactly(id);
        assertThat(resumed.updates()).isGreaterThan(stepsBefore);
        assertThat(bench.errors).isEmpty();
        assertThat(bench.wb.isFitting()).isFalse();
    }

    @Test
    void aStoppedFitOfThreeRestartsOffersResumeAndItsClockContinues() {
        bench.openTinyModel(3);
        FitViewModel vm = bench.onUi(() -> new FitViewModel(bench.wb));
        vm.frames().setWake(() -> bench.fx(vm.frames()::take)); // the frame loop's part: one snapshot shown per frame
        bench.onUi(() -> {
            vm.text().textProperty().set(TEXT);
            vm.settings().restartsProperty().set(3);
            vm.settings().maxStepsProperty().set(100_000);
            vm.fit();
        });
        bench.waitFor("a few steps", () -> bench.wb.taskProperty().get() != null
                && vm.frames().shownProperty().get() != null && vm.frames().shownProperty().get().step() >= 3);
        bench.onUi(vm::stop);
        bench.waitFor("the stopped fit's result", () -> vm.phase() == FitViewModel.Phase.FINISHED);
        FitOutcome stopped = bench.onUi(() -> vm.outcomeProperty().get());
        assertThat(stopped.ids()).hasSize(3);
        assertThat(stopped.resumable()).as("every restart that did not reach the text can go on").hasSize(3);

        bench.onUi(vm::resume);
        bench.waitFor("the resumed fit", () -> vm.phase() == FitViewModel.Phase.RUNNING
                && vm.frames().shownProperty().get() != null
                && vm.frames().shownProperty().get().step() >= stopped.updates() + 3);
        bench.onUi(vm::stop);
        bench.waitFor("the resumed fit's result", () -> vm.phase() == FitViewModel.Phase.FINISHED);
        FitOutcome resumed = bench.onUi(() -> vm.outcomeProperty().get());
        assertThat(resumed.ids()).as("the same three runs go on").containsExactlyElementsOf(stopped.ids());
        assertThat(resumed.updates()).isGreaterThan(stopped.updates());
        assertThat(resumed.millis()).as("the elapsed time continues, it does not restart at zero")
                .isGreaterThan(stopped.millis());
        assertThat(bench.errors).isEmpty();
    }

    @Test
    void openingARunOfAnotherModelAsksFirst() {
        bench.openTinyModel(4);
        FitViewModel vm = bench.onUi(() -> new FitViewModel(bench.wb));
        vm.frames().setWake(() -> bench.fx(vm.frames()::take));
        bench.onUi(() -> {
            vm.text().textProperty().set(TEXT);
            vm.settings().maxStepsProperty().set(3);
            vm.fit();
        });
        bench.waitFor("the fit's result", () -> vm.phase() == FitViewModel.Phase.FINISHED);
        bench.onUi(vm::save);
        bench.waitFor("the saved run", () -> vm.outcomeProperty().get().saved());
        String id = bench.onUi(() -> vm.outcomeProperty().get().ids().getFirst());
        bench.library.label(id, "Lily, first try");
        var run = bench.library.load(id);

        bench.openTinyModel(5, "llama-gqa-tied"); // another model (another shape) is open now
        var other = bench.wb.session().model().identity();
        assertThat(other).isNotEqualTo(run.record().model().identity());

        // the run's model moved away: said with what to do, nothing is loaded
        java.nio.file.Path where = java.nio.file.Path.of(run.record().model().path());
        java.nio.file.Path away = where.resolveSibling(where.getFileName() + "-moved");
        uncheckedMove(where, away);
        bench.onUi(() -> vm.openRun(run));
        assertThat(bench.errors).singleElement().satisfies(e -> assertThat(e.toString())
                .contains("The run's model is not available").contains("not there any more").contains("Ctrl+O"));
        assertThat(bench.onUi(() -> bench.wb.loadingProperty().get())).isNull();
        bench.errors.clear();
        uncheckedMove(away, where);

        bench.confirmAnswer = false;
        bench.onUi(() -> vm.openRun(run));
        assertThat(bench.onUi(() -> bench.wb.loadingProperty().get())).as("declined: no model is being loaded").isNull();
        assertThat(bench.wb.session().model().identity()).as("declined: the open model stays").isEqualTo(other);

        bench.confirmAnswer = true;
        bench.onUi(() -> vm.openRun(run));
        bench.waitFor("the run's model open and the run shown", () -> bench.wb.session() != null
                && bench.wb.session().model().identity().equals(run.record().model().identity())
                && vm.outcomeProperty().get() != null && vm.outcomeProperty().get().ids().contains(id));
        assertThat(bench.onUi(() -> vm.noteProperty().get())).isEqualTo("opened run " + id + " “Lily, first try”");
        assertThat(bench.errors).isEmpty();
    }

    private static void uncheckedMove(java.nio.file.Path from, java.nio.file.Path to) {
        try {
            java.nio.file.Files.move(from, to);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
