package dev.protolens.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.PathLibrary;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import dev.protolens.engine.store.RunStoreException;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's geometry on stories260K with runs the test fits once: one text with 8 seeds (one batch, m shared,
 * so paths move e alone as in the paper) and 8 other texts (one batch, each its own m).
 */
class SolutionGeometryTest {
    static final String TEXT = "The cat sat on the mat.";
    static final List<String> OTHERS = List.of("Tom had a big blue boat.", "The sun was hot and bright.",
            "Mia found a small red box.", "The dog ran to the tree.", "Ben and Sue ate a cake.",
            "A bird sang in the park.", "The little fish swam away.", "Lily liked her new hat.");

    @TempDir
    static Path tmp;
    static ModelSession session;
    static RunLibrary library;
    static List<Run> seeds;
    static List<Run> others;
    static long fixtureMillis;

    @BeforeAll
    static void fitTheRuns() throws Exception {
        long t0 = System.nanoTime();
        session = ModelSession.of(ModelLoader.load(Shared.model("stories260k-hf")));
        library = new RunLibrary(tmp.resolve("library"));
        FitSpec spec = FitSpec.defaults().withMaxSteps(3000);
        FitTarget t = FitTarget.of(session.model(), TEXT, Arrangement.E_M);
        seeds = fitAndSave(FitRequest.seeds(t, spec.withSharedM(true), 8), spec.withSharedM(true));
        List<FitTarget> ts = OTHERS.stream().map(s -> FitTarget.of(session.model(), s, Arrangement.E_M)).toList();
        others = fitAndSave(FitRequest.texts(ts, spec.withSeed(100)), spec.withSeed(100));
        fixtureMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    private static List<Run> fitAndSave(FitRequest req, FitSpec spec) throws Exception {
        Instant started = Instant.now();
        FitResult r = session.fit(req, null, 1, null, 0).result().get(10, TimeUnit.MINUTES);
        System.out.printf("fixture: %d items, %s after %d updates in %d ms%n", r.items().size(), r.status(),
                r.updates(), r.millis());
        assertThat(r.status()).isEqualTo(FitResult.Status.REACHED);
        List<Run> runs = new ArrayList<>();
        String batch = "batch-" + started.toEpochMilli();
        for (FitResult.Item it : r.items()) {
            RunRecord rec = RunRecords.fromFit(RunRecords.newId(it.target().text(), started), session.model(), spec, r,
                    it, batch, null, Double.NaN, started, "complete");
            runs.add(library.save(rec, new dev.protolens.engine.proto.ProtoTokens(it.e(), it.m()), null));
        }
        return runs;
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
    }

    private static <T> T onWorker(Function<dev.protolens.engine.model.LoadedModel, T> work) throws Exception {
        return session.submit(work).get(2, TimeUnit.MINUTES);
    }

    private static List<Run> all() {
        List<Run> all = new ArrayList<>(seeds);
        all.addAll(others);
        return all;
    }

    @Test
    void solutionsOfOneTextAreCloserThanSolutionsOfDifferentTexts() {
        RunSpace space = RunSpace.of(all(), null);
        assertThat(space.size()).isEqualTo(16);
        for (VectorKind kind : List.of(VectorKind.E, VectorKind.BOTH)) {
            for (Metric metric : Metric.values()) {
                Locality l = space.locality(kind, metric);
                System.out.printf("locality %-4s %-9s: same text %.4f (%d pairs), different texts %.4f (%d pairs),"
                                + " nearest run of the same text for %.0f%% of runs%n", kind.cliName(), metric.cliName(),
                        l.meanSameText(), l.sameText().length, l.meanDifferentTexts(), l.differentTexts().length,
                        100 * l.nearestIsSameText());
                assertThat(l.sameText()).hasSize(28);
                // 8 seeds of one text vs 8 texts: pairs across the two groups and among the 8 others
                assertThat(l.differentTexts()).hasSize(8 * 8 + 28);
            }
        }
        Locality e = space.locality(VectorKind.E, Metric.COSINE);
        assertThat(e.meanSameText()).isLessThan(e.meanDifferentTexts());
        assertThat(space.locality(VectorKind.E, Metric.EUCLIDEAN).meanSameText())
                .isLessThan(space.locality(VectorKind.E, Metric.EUCLIDEAN).meanDifferentTexts());
    }

    @Test
    void theStraightLineBreaksTheTextWhileTheLearnedBezierPathKeepsIt() throws Exception {
        Run a = seeds.get(0);
        Run b = seeds.get(1);
        Interpolation ends = Interpolation.between(a, b);
        assertThat(ends.sameText()).isTrue();
        BezierPath line = BezierPath.straight(ends.a(), ends.b(), PathSpace.E);
        PathCurve straight = onWorker(m -> ends.curve(m, line, 21));
        assertThat(straight.points().getFirst().accuracy()).isEqualTo(1.0);
        assertThat(straight.points().getLast().accuracy()).isEqualTo(1.0);
        assertThat(straight.worst().tau()).isStrictlyBetween(0.0, 1.0);
        assertThat(straight.minAccuracy()).isLessThan(1.0);
        assertThat(line.lengthRatio()).isCloseTo(1.0, offset(1e-9));

        List<PathProgress> seen = new CopyOnWriteArrayList<>();
        BezierSpec spec = BezierSpec.defaults();
        long t0 = System.nanoTime();
        LearnedPath learned = session.learnPath(ends, PathSpace.E, spec, seen::add, 1).result().get(5, TimeUnit.MINUTES);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        PathCurve bezier = onWorker(m -> ends.curve(m, learned.path(), 21));
        PathCurve fine = onWorker(m -> ends.curve(m, learned.path(), 101));
        System.out.printf("seeds %d-%d: straight line min accuracy %.2f at tau %.2f; learned Bezier (%s after %d"
                        + " updates, %d ms) min accuracy %.2f over 21 tau, %.2f over 101 tau; length ratio %.3f%n",
                a.record().settings().seed(), b.record().settings().seed(), straight.minAccuracy(),
                straight.worst().tau(), learned.status(), learned.updates(), ms, bezier.minAccuracy(),
                fine.minAccuracy(), learned.path().lengthRatio());
        System.out.println("  straight " + fmt(straight.accuracies()));
        System.out.println("  bezier   " + fmt(bezier.accuracies()));
        for (PathPoint p : bezier.points()) {
            assertThat(p.accuracy()).as("Bezier accuracy at tau %.2f", p.tau()).isGreaterThanOrEqualTo(0.95);
        }
        assertThat(learned.path().lengthRatio()).isGreaterThan(1.0);
        assertThat(learned.path().at(0)).isEqualTo(ends.a());
        assertThat(learned.path().at(1)).isEqualTo(ends.b());

        assertThat(seen).isNotEmpty();
        assertThat(seen.getLast().finished()).isTrue();
        assertThat(seen.getLast().step()).isEqualTo(learned.updates());
        float[] h = learned.lossHistory();
        assertThat(h).hasSize(learned.updates());
        assertThat(mean(bezier.losses())).as("mean loss along the path").isLessThan(mean(straight.losses()));

        // kept with the runs, and back
        SavedPath saved = SavedPath.save(library, a, b, learned, spec);
        SavedPath loaded = SavedPath.load(library, saved.record().id());
        assertThat(loaded.path().control()).containsExactly(learned.path().control());
        assertThat(loaded.record().metrics().lengthRatio()).isEqualTo(learned.path().lengthRatio());
        assertThat(library.list().runs()).hasSize(16);
        assertThat(library.list().problems()).isEmpty();
        SavedPath reversed = SavedPath.latestBetween(library, b, a, PathSpace.E).orElseThrow();
        PathCurve back = onWorker(m -> Interpolation.between(b, a).curve(m, reversed.path(), 21));
        for (int k = 0; k < 21; k++) {
            assertThat(back.points().get(k).text()).isEqualTo(bezier.points().get(20 - k).text());
        }
        assertThat(SavedPath.latestBetween(library, a, b, PathSpace.PAIR)).isEmpty();
    }

    /**
     * Eight pairs (each seed twice): the learned path never does worse than the line, and on this d=64 model it
     * keeps the whole text for most pairs; for the others one token of the ten stays wrong over a stretch (see
     * README, "How the map and the paths are computed").
     */
    @Test
    void overEightPairsTheLearnedPathIsNeverWorseThanTheLineAndMostlyKeepsTheText() throws Exception {
        int kept = 0;
        double ratioSum = 0;
        for (int i = 0; i < 8; i++) {
            Run a = seeds.get(i);
            Run b = seeds.get((i + 1) % 8);
            Interpolation ends = Interpolation.between(a, b);
            BezierPath line = BezierPath.straight(ends.a(), ends.b(), PathSpace.E);
            PathCurve straight = onWorker(m -> ends.curve(m, line, 21));
            long t0 = System.nanoTime();
            LearnedPath learned = session.learnPath(ends, PathSpace.E, BezierSpec.defaults(), null, 1).result()
                    .get(5, TimeUnit.MINUTES);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            PathCurve bezier = onWorker(m -> ends.curve(m, learned.path(), 21));
            System.out.printf("seeds %d-%d: straight min %.2f, Bezier min %.2f (%s, %d updates, %d ms), length ratio %.3f%n",
                    i, (i + 1) % 8, straight.minAccuracy(), bezier.minAccuracy(), learned.status(), learned.updates(), ms,
                    learned.path().lengthRatio());
            assertThat(bezier.minAccuracy()).isGreaterThanOrEqualTo(straight.minAccuracy());
            if (bezier.minAccuracy() >= 0.95) {
                kept++;
                ratioSum += learned.path().lengthRatio();
            }
        }
        System.out.printf("the learned path kept the text (>= 0.95 at all 21 tau) for %d of 8 pairs, mean length ratio"
                + " %.3f%n", kept, kept == 0 ? Double.NaN : ratioSum / kept);
        assertThat(kept).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aPathCurveAtAnyResolutionMatchesPointByPointDecoding() throws Exception {
        Interpolation ends = Interpolation.between(seeds.get(0), seeds.get(1));
        BezierPath line = BezierPath.straight(ends.a(), ends.b(), PathSpace.E);
        for (int points : new int[] {2, 5, 33}) {
            PathCurve c = onWorker(m -> ends.curve(m, line, points));
            assertThat(c.points()).hasSize(points);
            assertThat(c.taus()).containsExactly(BezierPath.taus(points));
            for (PathPoint p : c.points()) {
                Decoded alone = onWorker(m -> new OneStepDecoder(m).decode(line.at(p.tau()), ends.length(),
                        Arrangement.E_M, ends.target(), 0));
                assertThat(p.decoded().ids()).containsExactly(alone.ids());
                assertThat(p.loss()).isCloseTo(alone.loss(), offset(1e-4));
                assertThat(p.matchA()).isEqualTo(p.accuracy());
            }
        }
        PathPoint at = onWorker(m -> ends.at(m, line, 0.0, 3));
        assertThat(at.text()).isEqualTo(TEXT);
        assertThat(at.decoded().alternatives()[0]).hasSize(3);
    }

    @Test
    void betweenDifferentTextsThePathReportsItsTextAndItsMatchWithEachEnd() throws Exception {
        Run a = seeds.get(0);
        Run b = others.get(0);
        Interpolation ends = Interpolation.between(a, b);
        assertThat(ends.sameText()).isFalse();
        assertThat(ends.target()).isNull();
        assertThat(ends.length()).isEqualTo(Math.max(a.record().tokenIds().length, b.record().tokenIds().length));
        PathCurve c = onWorker(m -> ends.curve(m, BezierPath.straight(ends.a(), ends.b(), PathSpace.PAIR), 11));
        PathPoint first = c.points().getFirst();
        PathPoint last = c.points().getLast();
        assertThat(first.matchA()).isEqualTo(1.0);
        assertThat(last.matchB()).isEqualTo(1.0);
        assertThat(first.matchB()).isLessThan(1.0);
        assertThat(first.accuracy()).isNaN();
        assertThat(last.text()).startsWith(OTHERS.getFirst());
        for (PathPoint p : c.points()) {
            System.out.printf("  tau %.1f  A %.2f  B %.2f  %s%n", p.tau(), p.matchA(), p.matchB(), p.text());
        }
        assertThatThrownBy(() -> new BezierLearner(session.model()).learn(ends, PathSpace.PAIR, BezierSpec.defaults(),
                PathMonitor.none())).isInstanceOf(UserError.class).hasMessageContaining("same text");
        // e alone needs a shared m: these two runs have their own
        assertThatThrownBy(() -> BezierPath.straight(ends.a(), ends.b(), PathSpace.E)).isInstanceOf(UserError.class)
                .hasMessageContaining("share m");
    }

    @Test
    void learningCanBeCancelledAndDecodesAreServedMeanwhile() throws Exception {
        // the straight line fails its first check, and no later check comes to stop the learning
        Interpolation ends = Interpolation.between(seeds.get(0), seeds.get(1));
        BezierSpec spec = BezierSpec.defaults().withSteps(100_000).withCheck(1_000_000, 21);
        List<PathProgress> seen = new CopyOnWriteArrayList<>();
        ModelSession.PathTask task = session.learnPath(ends, PathSpace.E, spec, seen::add, 1);
        while (seen.size() < 5 && !task.result().isDone()) {
            Thread.sleep(5);
        }
        Decoded d = onWorker(m -> new OneStepDecoder(m).decode(ends.a(), ends.length(), Arrangement.E_M, ends.target(), 0));
        assertThat(d.text()).isEqualTo(TEXT);
        assertThat(task.result()).isNotDone();
        task.cancel();
        LearnedPath r = task.result().get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(LearnedPath.Status.CANCELLED);
        assertThat(r.updates()).isBetween(5, 99_999);
        assertThat(r.path().control()).hasSize(ends.a().dim());
    }

    @Test
    void savedPathsRefuseADamagedControlPointOrAChangedRun() throws Exception {
        Run a = seeds.get(4);
        Run b = seeds.get(5);
        BezierPath line = BezierPath.straight(a.vectors(), b.vectors(), PathSpace.E);
        LearnedPath fake = new LearnedPath(line, LearnedPath.Status.MAX_STEPS, 0.5, 1.0, 0, new float[0], 0);
        SavedPath s = SavedPath.save(library, a, b, fake, BezierSpec.defaults().withSteps(0));
        Path control = new PathLibrary(library).root().resolve(s.record().id()).resolve(PathLibrary.CONTROL);
        byte[] bytes = Files.readAllBytes(control);
        bytes[bytes.length - 1] ^= 0x55;
        Files.write(control, bytes);
        assertThatThrownBy(() -> SavedPath.load(library, s.record().id())).isInstanceOf(RunStoreException.class)
                .hasMessageContaining("damaged");

        SavedPath s2 = SavedPath.save(library, a, b, fake, BezierSpec.defaults().withSteps(0));
        // re-saving run b with other vectors invalidates the path
        float[] e = b.vectors().e().clone();
        e[0] += 1;
        library.save(b.record(), new dev.protolens.engine.proto.ProtoTokens(e, b.vectors().m()), null);
        try {
            assertThatThrownBy(() -> SavedPath.load(library, s2.record().id())).isInstanceOf(UserError.class)
                    .hasMessageContaining("changed after path");
        } finally {
            library.save(b.record(), b.vectors(), null);
        }
    }

    @Test
    void projectionsOfTheRunsHaveOnePointPerRun() {
        RunSpace space = RunSpace.of(all(), null);
        Pca pca = Pca.fit(space.matrix(VectorKind.BOTH), 2);
        assertThat(pca.coordinates()).hasNumberOfRows(16);
        double[] v = pca.varianceExplained();
        System.out.printf("PCA of 16 runs (e||m): variance explained %.3f + %.3f; fixture fitted in %d ms%n", v[0], v[1],
                fixtureMillis);
        assertThat(v[0] + v[1]).isLessThanOrEqualTo(1.0);
        Tsne.Result t = Tsne.of(space.matrix(VectorKind.E), Tsne.Options.defaults().withIterations(300)).run();
        assertThat(t.coordinates()).hasNumberOfRows(16);
        assertThat(t.perplexity()).isEqualTo(5.0);
    }

    @Test
    void runsOfDifferentModelsAreNeverMixed() {
        Run r = others.getFirst();
        RunRecord.ModelInfo m = r.record().model();
        RunRecord.ModelInfo other = new RunRecord.ModelInfo("tinyllama-v0", m.path(), m.format(), m.family(),
                m.hiddenSize(), m.layers(), 32000, m.parameters(), "0123456789abcdef");
        RunRecord rec = new RunRecord(r.record().schemaVersion(), "other-model-run", r.record().createdAt(),
                r.record().appVersion(), other, r.record().text(), r.record().tokenIds(), r.record().tokenPieces(),
                r.record().settings(), r.record().status(), r.record().metrics(), r.record().history(),
                r.record().timings(), r.record().environment(), r.record().batch(), null, null);
        List<Run> mixed = new ArrayList<>(all());
        mixed.add(new Run(rec, r.vectors(), r.folder(), null));
        assertThatThrownBy(() -> RunSpace.of(mixed, null)).isInstanceOf(UserError.class)
                .hasMessageContaining("2 models").hasMessageContaining("0123456789abcdef (tinyllama-v0")
                .hasMessageContaining(m.identity() + " (" + m.name());
        assertThat(RunSpace.of(mixed, "0123").size()).isEqualTo(1);
        assertThat(RunSpace.of(mixed, m.identity()).size()).isEqualTo(16);
        assertThat(RunSpace.of(mixed, "TinyLLama-v0").modelIdentity()).isEqualTo("0123456789abcdef");
        assertThatThrownBy(() -> RunSpace.of(mixed, "nonesuch")).isInstanceOf(UserError.class)
                .hasMessageContaining("No run was fitted with a model matching 'nonesuch'");
        assertThatThrownBy(() -> Interpolation.between(r, mixed.getLast())).isInstanceOf(UserError.class)
                .hasMessageContaining("only runs of one model share a space");
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static String fmt(double[] a) {
        StringBuilder b = new StringBuilder();
        for (double x : a) {
            b.append(String.format(" %.2f", x));
        }
        return b.toString();
    }
}
