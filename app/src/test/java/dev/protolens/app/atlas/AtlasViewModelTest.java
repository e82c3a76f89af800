package dev.protolens.app.atlas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.library.LibraryViewModel;
import dev.protolens.app.ui.HeadlessBench;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.FitJob;
import dev.protolens.engine.work.LibraryProjection;
import dev.protolens.engine.work.SeedBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Atlas's and the Library's view models without a window or ../shared: a tiny random model generated here,
 * three short fits of one text in a temporary library.
 */
class AtlasViewModelTest {
    static final String TEXT = "the cat sat on the mat";

    @TempDir
    Path tmp;
    HeadlessBench bench;
    AtlasViewModel vm;
    final List<LibraryProjection.Frame> frames = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        bench = new HeadlessBench(tmp);
        ModelSession s = bench.openTinyModel(3);
        FitTarget t = FitTarget.of(s.model(), TEXT, FitSpec.defaults().arrangement());
        FitJob.Outcome o = FitJob.start(s, bench.library, SeedBatch.request(t, FitSpec.defaults().withMaxSteps(5), 3),
                FitJob.Options.cli(), null).outcome().join();
        assertThat(o.saved()).isTrue();
        vm = bench.onUi(() -> new AtlasViewModel(bench.wb, (a, b) -> { }));
        vm.map().setWake(() -> bench.fx(() -> {
            LibraryProjection.Frame f = vm.map().takeFrame();
            if (f != null) {
                frames.add(f);
            }
        }));
        bench.onUi(vm::refresh).join();
        bench.waitFor("the first map", () -> !frames.isEmpty() && frames.getLast().runs().size() == 3);
    }

    @AfterEach
    void close() {
        if (vm != null) {
            bench.onUi(vm::close);
        }
        bench.close();
    }

    @Test
    void aNewerProjectionRequestSupersedesTheRunningOne() {
        assertThat(frames.getLast().xLabel()).startsWith("PC 1");
        frames.clear();
        // t-SNE, then PCA before the t-SNE can finish: only PCA's map may arrive after PCA was asked for
        bench.onUi(() -> {
            vm.methodProperty().set(LibraryProjection.Method.TSNE);
            vm.methodProperty().set(LibraryProjection.Method.PCA);
        });
        bench.waitFor("the PCA map", () -> !frames.isEmpty() && frames.getLast().xLabel().startsWith("PC 1")
                && !vm.map().tsneRunningProperty().get());
        List<LibraryProjection.Frame> seen = new ArrayList<>(frames);
        sleep(500);
        assertThat(frames).hasSameSizeAs(seen); // nothing of the superseded t-SNE came later
        int firstPca = seen.stream().map(f -> f.xLabel().startsWith("PC")).toList().indexOf(true);
        assertThat(seen.subList(firstPca, seen.size())).allSatisfy(f -> assertThat(f.xLabel()).startsWith("PC"));
        assertThat(seen.getLast().finished()).isTrue();
        assertThat(bench.onUi(() -> vm.map().localityProperty().get())).isNotNull();

        // and a t-SNE left to run finishes with its own frames
        frames.clear();
        bench.onUi(() -> vm.methodProperty().set(LibraryProjection.Method.TSNE));
        bench.waitFor("the t-SNE map", () -> !frames.isEmpty() && frames.getLast().finished()
                && !vm.map().tsneRunningProperty().get());
        assertThat(frames.getLast().xLabel()).isEqualTo("t-SNE 1");
        assertThat(bench.errors).isEmpty();
    }

    @Test
    void fitSeedsNeedsASelectionThenFitsOneBatchWithOneM() {
        CompletableFuture<List<Run>> refused = bench.onUi(() -> vm.seeds().fit(2, true, 5));
        assertThat(refused).isCompletedExceptionally();
        assertThat(bench.errors).singleElement().satisfies(e -> assertThat(e.message()).contains("Select a run"));
        bench.errors.clear();

        Run first = bench.onUi(() -> vm.shownRunsProperty().get().getFirst());
        bench.onUi(() -> vm.toggle(first));
        assertThat(bench.onUi(() -> vm.seeds().texts())).containsExactly(TEXT);
        List<Run> added = bench.onUi(() -> vm.seeds().fit(2, true, 5)).join();
        assertThat(added).hasSize(2);
        assertThat(Arrays.equals(added.get(0).vectors().m(), added.get(1).vectors().m())).isTrue();
        assertThat(added).extracting(r -> r.record().settings().seed()).containsExactly(3L, 4L); // after 0, 1, 2
        assertThat(added).allSatisfy(r -> assertThat(r.record().settings().sharedM()).isTrue());
        bench.waitFor("five runs on the map", () -> vm.shownRunsProperty().get().size() == 5
                && !vm.seeds().fittingProperty().get());
        assertThat(bench.errors).isEmpty();
    }

    @Test
    void libraryDeleteAndUndo() {
        LibraryViewModel lib = bench.onUi(() -> new LibraryViewModel(bench.wb, r -> { }));
        bench.onUi(lib::refresh).join();
        assertThat(bench.onUi(() -> lib.visibleRuns().size())).isEqualTo(3);
        RunRecord gone = bench.onUi(() -> lib.visibleRuns().getFirst());
        bench.onUi(() -> lib.delete(List.of(gone)));
        bench.waitFor("the delete", () -> lib.lastDeletedProperty().get() != null && lib.visibleRuns().size() == 2);
        assertThat(bench.library.exists(gone.id())).isFalse();
        // the Atlas's next refresh (the window asks for one when the library changes) maps the two left
        bench.onUi(vm::refresh).join();
        assertThat(bench.onUi(() -> vm.shownRunsProperty().get().size())).isEqualTo(2);

        bench.onUi(lib::undoDelete);
        bench.waitFor("the undo", () -> lib.visibleRuns().size() == 3);
        assertThat(bench.library.exists(gone.id())).isTrue();
        assertThat(bench.library.load(gone.id()).vectors().e()).hasSize(bench.wb.session().model().config().hiddenSize());
        bench.onUi(() -> lib.filterProperty().set("no such text"));
        assertThat(bench.onUi(() -> lib.visibleRuns().size())).isZero();
        assertThat(bench.errors).isEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
