package dev.protolens.engine.analysis;

import dev.protolens.engine.UserError;
import dev.protolens.engine.Version;
import dev.protolens.engine.store.PathLibrary;
import dev.protolens.engine.store.PathRecord;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecords;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** A learned path kept with the runs it joins (in the library's {@code .paths/}), and the runs themselves. */
public record SavedPath(PathRecord record, Run a, Run b, BezierPath path) {

    /** Stores a learned path between two runs of {@code library}. */
    public static SavedPath save(RunLibrary library, Run a, Run b, LearnedPath learned, BezierSpec spec) {
        BezierPath p = learned.path();
        PathRecord.Settings settings = new PathRecord.Settings(spec.steps(), spec.lr(), spec.beta1(), spec.beta2(),
                spec.tausPerStep(), spec.seed(), spec.checkEvery(), spec.checkPoints(), spec.targetAccuracy());
        PathRecord.Metrics metrics = new PathRecord.Metrics(learned.status().name().toLowerCase(Locale.ROOT),
                learned.updates(), learned.minAccuracy(), learned.meanLoss(), p.lengthRatio(), learned.millis());
        Instant now = Instant.now();
        PathRecord r = new PathRecord(PathRecord.SCHEMA_VERSION, RunRecords.newId("path " + p.space().cliName(), now),
                now.toString(), Version.VALUE, a.id(), b.id(), a.record().vectorsSha256(), b.record().vectorsSha256(),
                a.record().model(), p.space().cliName(), p.control().length, settings, metrics, null);
        PathLibrary.Saved s = new PathLibrary(library).save(r, p.control());
        return new SavedPath(s.record(), a, b, p);
    }

    /** Loads a stored path and its two runs, refusing it when either run changed since it was learned. */
    public static SavedPath load(RunLibrary library, String id) {
        PathLibrary.Saved s = new PathLibrary(library).load(id);
        PathRecord r = s.record();
        Run a = library.load(r.runA());
        Run b = library.load(r.runB());
        check(r, a, r.vectorsSha256A());
        check(r, b, r.vectorsSha256B());
        return new SavedPath(r, a, b, new BezierPath(a.vectors(), b.vectors(), s.control(), PathSpace.parse(r.space())));
    }

    /** The newest path learned between the two runs in this space, in either direction, oriented from a to b. */
    public static Optional<SavedPath> latestBetween(RunLibrary library, Run a, Run b, PathSpace space) {
        return new PathLibrary(library).between(a.id(), b.id()).stream()
                .filter(r -> r.space().equals(space.cliName()))
                .findFirst()
                .map(r -> {
                    SavedPath p = load(library, r.id());
                    // φ(τ) from b to a with the same c is the same curve walked backwards
                    return p.a().id().equals(a.id()) ? p
                            : new SavedPath(p.record(), a, b, new BezierPath(a.vectors(), b.vectors(),
                                    p.path().control(), space));
                });
    }

    private static void check(PathRecord r, Run run, String sha) {
        if (sha != null && !sha.equals(run.record().vectorsSha256())) {
            throw new UserError("Run " + run.id() + " changed after path " + r.id() + " was learned, so the path no"
                    + " longer ends at it. Learn the path again.");
        }
    }
}
