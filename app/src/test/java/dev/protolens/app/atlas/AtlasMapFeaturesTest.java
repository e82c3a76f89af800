package dev.protolens.app.atlas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.ui.HeadlessBench;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.FitJob;
import dev.protolens.engine.work.LibraryProjection;
import dev.protolens.engine.work.LibraryProjection.Method;
import dev.protolens.engine.work.SeedBatch;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Atlas's map beyond the finished runs, without a window: unfinished fits (checkpoints) on the map and picked
 * for Resume, runs with non-finite vectors named rather than dropped silently, the search box, and paths off by
 * default under t-SNE. A tiny random model, three seeds of one text and one of another, 5 steps each.
 */
class AtlasMapFeaturesTest {
    static final String CAT = "the cat sat on the mat";
    static final String BOAT = "tom had a big blue boat";

    @TempDir
    Path tmp;
    HeadlessBench bench;
    AtlasViewModel vm;
    final List<LibraryProjection.Frame> frames = new CopyOnWriteArrayList<>();
    final List<Run> opened = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        bench = new HeadlessBench(tmp);
        ModelSession s = bench.openTinyModel(3);
        fit(s, CAT, 3);
        fit(s, BOAT, 1);
    }

    private void fit(ModelSession s, String text, int seeds) {
        FitTarget t = FitTarget.of(s.model(), text, FitSpec.defaults().arrangement());
        FitJob.Outcome o = FitJob.start(s, bench.library, SeedBatch.request(t, FitSpec.defaults().withMaxSteps(5), seeds),
                FitJob.Options.cli(), null).outcome().join();
        assertThat(o.saved()).isTrue();
    }

    private void startAtlas(int runs) {
        vm = bench.onUi(() -> new AtlasViewModel(bench.wb, (a, b) -> { }));
        vm.checkpoints().setOpen(opened::add);
        vm.map().setWake(() -> bench.fx(() -> {
            LibraryProjection.Frame f = vm.map().takeFrame();
            if (f != null) {
                frames.add(f);
            }
        }));
        bench.onUi(vm::refresh).join();
        bench.waitFor("the first map", () -> !frames.isEmpty() && frames.getLast().runs().size() == runs);
    }

    @AfterEach
    void close() {
        if (vm != null) {
            bench.onUi(vm::close);
        }
        bench.close();
    }

    /** A copy of a finished run under a new id, with other status or vectors. */
    private Run copyOf(Run r, String suffix, String status, ProtoTokens v) {
        RunRecord rec = r.record().withId(r.id() + suffix).withStatus(status);
        return bench.library.save(rec, v, null);
    }

    @Test
    void checkpointsAreOnTheMapApartFromTheSelectionAndOpenInFit() {
        Run done = bench.library.load(bench.library.list().runs().getFirst().id());
        float[] e = done.vectors().e().clone();
        e[0] += 0.5f; // a little away from the solution it resembles
        Run cp = copyOf(done, "-cp", "checkpoint", new ProtoTokens(e, done.vectors().m()));
        startAtlas(4);
        LibraryProjection.Frame f = frames.getLast();
        assertThat(f.checkpoints()).extracting(Run::id).containsExactly(cp.id());
        assertThat(f.checkpointXy()).hasDimensions(1, 2);
        assertThat(Arrays.stream(f.checkpointXy()[0]).allMatch(Double::isFinite)).isTrue();
        assertThat(f.title()).isEqualTo("Map of 4 runs + 1 unfinished of " + bench.wb.session().model().name() + " (e)");
        // a checkpoint is not a solution: the distances between solutions leave it out
        assertThat(bench.onUi(() -> vm.shownRunsProperty().get())).extracting(Run::id).doesNotContain(cp.id());
        assertThat(bench.onUi(() -> vm.onMap())).extracting(Run::id).endsWith(cp.id()).hasSize(5);

        Run first = bench.onUi(() -> vm.shownRunsProperty().get().getFirst());
        bench.onUi(() -> vm.toggle(first));
        Run onMap = bench.onUi(() -> vm.checkpoints().shownProperty().get().getFirst());
        bench.onUi(() -> vm.toggle(onMap));
        assertThat(bench.onUi(() -> vm.checkpoints().pickedProperty().get().id())).isEqualTo(cp.id());
        assertThat(bench.onUi(() -> List.copyOf(vm.selection()))).extracting(Run::id).containsExactly(first.id());
        bench.onUi(vm.checkpoints()::resumePicked);
        assertThat(opened).extracting(Run::id).containsExactly(cp.id());

        // t-SNE places it too (it joins the input)
        frames.clear();
        bench.onUi(() -> vm.methodProperty().set(Method.TSNE));
        bench.waitFor("the t-SNE map", () -> !frames.isEmpty() && frames.getLast().finished()
                && frames.getLast().xLabel().startsWith("t-SNE"));
        assertThat(frames.getLast().checkpointXy()).hasDimensions(1, 2);
        assertThat(bench.errors).isEmpty();
    }

    @Test
    void runsWithNonFiniteVectorsAreNamedNotDroppedSilently() {
        Run done = bench.library.load(bench.library.list().runs().getFirst().id());
        float[] e = done.vectors().e().clone();
        e[1] = Float.NaN;
        copyOf(done, "-nan1", "complete", new ProtoTokens(e, done.vectors().m()));
        float[] m = done.vectors().m().clone();
        m[0] = Float.POSITIVE_INFINITY;
        copyOf(done, "-nan2", "complete", new ProtoTokens(done.vectors().e(), m));
        startAtlas(4);
        assertThat(bench.onUi(() -> vm.messageProperty().get()))
                .contains("2 runs not shown: their vectors are not finite");
        assertThat(frames.getLast().runs()).hasSize(4);
    }

    @Test
    void searchHighlightsRunsByTextAndSaysHowMany() {
        startAtlas(4);
        AtlasSearch search = vm.search();
        assertThat(bench.onUi(() -> search.summaryProperty().get())).isEmpty();
        assertThat(bench.onUi(() -> search.matching(vm.onMap()))).isNull(); // nothing dimmed without a query
        bench.onUi(() -> search.queryProperty().set("  CAT  sat "));
        assertThat(bench.onUi(() -> search.summaryProperty().get())).isEqualTo("3 of 4 runs match");
        boolean[] m = bench.onUi(() -> search.matching(vm.onMap()));
        List<Run> runs = bench.onUi(() -> vm.onMap());
        for (int i = 0; i < runs.size(); i++) {
            assertThat(m[i]).as(runs.get(i).record().text()).isEqualTo(runs.get(i).record().text().equals(CAT));
        }
        bench.onUi(() -> search.queryProperty().set("boat"));
        assertThat(bench.onUi(() -> search.summaryProperty().get())).isEqualTo("1 of 4 runs matches");
        bench.onUi(() -> search.queryProperty().set("zebra"));
        assertThat(bench.onUi(() -> search.summaryProperty().get())).isEqualTo("0 of 4 runs match");
        bench.onUi(search::clear); // Esc
        assertThat(bench.onUi(() -> search.summaryProperty().get())).isEmpty();
        assertThat(bench.onUi(() -> search.matching(vm.onMap()))).isNull();
    }

    @Test
    void pathsAreOffByDefaultUnderTsneAndKeepTheUsersTick() {
        startAtlas(4);
        assertThat(bench.onUi(() -> vm.showPathsProperty().get())).as("PCA: paths on").isTrue();
        bench.onUi(() -> vm.methodProperty().set(Method.TSNE));
        assertThat(bench.onUi(() -> vm.showPathsProperty().get())).as("t-SNE: off by default").isFalse();
        bench.onUi(() -> vm.showPathsProperty().set(true)); // the user ticks it under t-SNE
        bench.onUi(() -> vm.methodProperty().set(Method.PCA));
        assertThat(bench.onUi(() -> vm.showPathsProperty().get())).isTrue();
        bench.onUi(() -> vm.showPathsProperty().set(false)); // and unticks it under PCA
        bench.onUi(() -> vm.methodProperty().set(Method.TSNE));
        assertThat(bench.onUi(() -> vm.showPathsProperty().get())).as("the user's t-SNE tick kept").isTrue();
        bench.onUi(() -> vm.methodProperty().set(Method.PCA));
        assertThat(bench.onUi(() -> vm.showPathsProperty().get())).as("the user's PCA untick kept").isFalse();
    }
}
