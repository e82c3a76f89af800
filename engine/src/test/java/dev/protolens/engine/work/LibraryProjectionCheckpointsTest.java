package dev.protolens.engine.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.protolens.engine.analysis.RunSpace;
import dev.protolens.engine.analysis.Tsne;
import dev.protolens.engine.analysis.VectorKind;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unfinished fits on the map: PCA places a checkpoint with the solutions' own components (the solutions do not
 * move when one is added), t-SNE takes it into its input, one solution and a checkpoint still make a PCA map, and
 * the library's runs are read apart: solutions, checkpoints and runs whose vectors are not finite.
 */
class LibraryProjectionCheckpointsTest {
    static final int D = 8;
    static final RunRecord.ModelInfo MODEL = new RunRecord.ModelInfo("tiny", "/m", "safetensors", "llama", D, 1, 10,
            100, "abc123");

    static RunRecord record(String id, String status) {
        RunRecord.Settings s = new RunRecord.Settings("e_m", "normal", 0, 0.01, 0.9, 0.999, 1e-8, 0, 10, 1, false);
        return new RunRecord(RunRecord.SCHEMA_VERSION, id, "2026-12-03T06:00:00Z", "test", MODEL, "the cat",
                new long[] {1, 2}, List.of("the", " cat"), s, status, null, null, null, null, null, null, null);
    }

    static ProtoTokens random(Random r) {
        float[] e = new float[D];
        float[] m = new float[D];
        for (int i = 0; i < D; i++) {
            e[i] = (float) r.nextGaussian();
            m[i] = (float) r.nextGaussian();
        }
        return new ProtoTokens(e, m);
    }

    static List<Run> runs(int n, Random r) {
        List<Run> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Run(record("run" + i, "complete"), random(r), null, null));
        }
        return out;
    }

    @Test
    void pcaPlacesACheckpointWithTheSolutionsComponents() {
        List<Run> runs = runs(5, new Random(1));
        RunSpace sp = new RunSpace("abc123", "tiny", runs);
        LibraryProjection.Frame alone = LibraryProjection.of(sp, VectorKind.E, LibraryProjection.Method.PCA, List.of(),
                Tsne.Options.defaults()).run(null, 1);
        // a checkpoint at run 2's vectors lands on run 2; the runs stay where they were
        Run cp = new Run(record("cp", "checkpoint"), runs.get(2).vectors(), null, null);
        LibraryProjection.Frame with = LibraryProjection.of(sp, VectorKind.E, LibraryProjection.Method.PCA, List.of(),
                Tsne.Options.defaults()).withCheckpoints(List.of(cp)).run(null, 1);
        assertThat(with.checkpoints()).containsExactly(cp);
        assertThat(with.checkpointXy()[0][0]).isCloseTo(alone.xy()[2][0], within(1e-9));
        assertThat(with.checkpointXy()[0][1]).isCloseTo(alone.xy()[2][1], within(1e-9));
        for (int i = 0; i < runs.size(); i++) {
            assertThat(with.xy()[i]).containsExactly(alone.xy()[i], within(1e-12));
        }
        assertThat(with.title()).isEqualTo("Map of 5 runs + 1 unfinished of tiny (e)");
        assertThat(alone.title()).isEqualTo("Map of 5 runs of tiny (e)");
    }

    @Test
    void oneSolutionAndACheckpointMakeAMapAndTsneTakesCheckpointsIn() {
        Random r = new Random(2);
        List<Run> one = runs(1, r);
        Run cp = new Run(record("cp", "checkpoint"), random(r), null, null);
        LibraryProjection.Frame f = LibraryProjection.of(new RunSpace("abc123", "tiny", one), VectorKind.BOTH,
                LibraryProjection.Method.PCA, List.of(), Tsne.Options.defaults()).withCheckpoints(List.of(cp)).run(null, 1);
        assertThat(f.xy()).hasDimensions(1, 2);
        assertThat(f.checkpointXy()).hasDimensions(1, 2);
        assertThat(Math.hypot(f.xy()[0][0] - f.checkpointXy()[0][0], f.xy()[0][1] - f.checkpointXy()[0][1]))
                .isGreaterThan(0.1);

        List<Run> three = runs(3, r);
        LibraryProjection.Frame t = LibraryProjection.of(new RunSpace("abc123", "tiny", three), VectorKind.E,
                LibraryProjection.Method.TSNE, List.of(), Tsne.Options.defaults().withIterations(250))
                .withCheckpoints(List.of(cp)).run(null, 1);
        assertThat(t.xy()).hasDimensions(3, 2);
        assertThat(t.checkpointXy()).hasDimensions(1, 2);
        assertThat(t.finished()).isTrue();
    }

    @Test
    void theLibraryIsReadAsSolutionsCheckpointsAndNonFiniteRuns(@TempDir Path dir) {
        RunLibrary lib = new RunLibrary(dir.resolve("library"));
        Random r = new Random(3);
        lib.save(record("done", "complete"), random(r), null);
        lib.save(record("unfinished", "checkpoint"), random(r), null);
        ProtoTokens bad = random(r);
        bad.e()[3] = Float.NaN;
        lib.save(record("nan", "complete"), bad, null);
        LibraryProjection.Library l = LibraryProjection.load(lib);
        assertThat(l.runs()).extracting(Run::id).containsExactly("done");
        assertThat(l.checkpoints()).extracting(Run::id).containsExactly("unfinished");
        assertThat(l.notFinite()).extracting(RunRecord::id).containsExactly("nan");
        assertThat(l.problems()).isEmpty();
        assertThat(LibraryProjection.notFiniteLine(1)).isEqualTo("1 run not shown: its vectors are not finite (NaN or infinite)");
        assertThat(LibraryProjection.notFiniteLine(2)).startsWith("2 runs not shown: their vectors are not finite");
    }
}
