package dev.protolens.app.atlas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.GuiTesting;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the Atlas and Interpolation tests map, fitted once per test JVM on stories260K like the engine's
 * SolutionGeometryTest: one short text with 4 seeds in one batch sharing m (so paths move e, as in the paper) and
 * 3 other texts in one batch. Each test copies the library into its own PROTOLENS_HOME.
 */
public final class AtlasFixture {
    public static final String CAT = "The cat sat on the mat.";
    public static final List<String> OTHERS = List.of("Tom had a big blue boat.", "Mia found a small red box.",
            "A bird sang in the park.");
    public static final int SEEDS = 4;

    private static Path library;
    private static List<String> catIds;

    private AtlasFixture() {}

    /** The fixture's library folder (fitted on first use). */
    public static synchronized Path library() throws Exception {
        if (library == null) {
            Path model = GuiTesting.sharedModel("stories260k-hf");
            Path dir = Files.createTempDirectory("protolens-atlas-fixture").resolve("library");
            long t0 = System.nanoTime();
            try (ModelSession s = ModelSession.of(ModelLoader.load(model))) {
                RunLibrary lib = new RunLibrary(dir);
                FitSpec spec = FitSpec.defaults().withMaxSteps(3000);
                FitTarget cat = FitTarget.of(s.model(), CAT, Arrangement.E_M);
                catIds = fit(s, lib, FitRequest.seeds(cat, spec.withSharedM(true), SEEDS), spec.withSharedM(true));
                List<FitTarget> ts = OTHERS.stream().map(t -> FitTarget.of(s.model(), t, Arrangement.E_M)).toList();
                fit(s, lib, FitRequest.texts(ts, spec.withSeed(100)), spec.withSeed(100));
            }
            System.out.printf("atlas fixture: %d runs fitted in %d ms%n", SEEDS + OTHERS.size(),
                    (System.nanoTime() - t0) / 1_000_000);
            library = dir;
        }
        return library;
    }

    /** The run ids of the CAT seeds, in seed order. */
    public static synchronized List<String> catIds() throws Exception {
        library();
        return catIds;
    }

    private static List<String> fit(ModelSession s, RunLibrary lib, FitRequest req, FitSpec spec) throws Exception {
        Fitted f = fitAndSave(s, lib, req, spec);
        assertThat(f.result().status()).isEqualTo(FitResult.Status.REACHED);
        return f.ids();
    }

    /** A fit's result and the ids of its runs as saved. */
    public record Fitted(FitResult result, List<String> ids) {}

    /** Fits {@code req} on the session and saves every item as a run in {@code lib}, whatever its accuracy. */
    public static Fitted fitAndSave(ModelSession s, RunLibrary lib, FitRequest req, FitSpec spec) throws Exception {
        Instant started = Instant.now();
        FitResult r = s.fit(req, null, 1, null, 0).result().get(10, TimeUnit.MINUTES);
        String batch = "batch-" + started.toEpochMilli();
        List<String> ids = new ArrayList<>();
        for (FitResult.Item it : r.items()) {
            RunRecord rec = RunRecords.fromFit(RunRecords.newId(it.target().text(), started), s.model(), spec, r, it,
                    batch, null, Double.NaN, started, "complete");
            Run saved = lib.save(rec, new ProtoTokens(it.e(), it.m()), null);
            ids.add(saved.id());
        }
        return new Fitted(r, ids);
    }

    /** Copies the fixture's library to {@code home/library} (the app's library under that home). */
    public static void copyInto(Path home) throws Exception {
        copyTree(library(), home.resolve("library"));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
