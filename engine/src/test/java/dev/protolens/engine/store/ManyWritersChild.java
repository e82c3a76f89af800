package dev.protolens.engine.store;

import dev.protolens.engine.proto.ProtoTokens;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

/**
 * The child process of {@link ManyWritersTest}: saves {@code count} new runs of one text into a library that
 * other processes write to at the same moment, each run's vectors filled with {@code writer * 1000 + i} so the
 * parent can tell whose record it reads. Ids come from the clock and a random suffix, as a fit's do.
 *
 * <p>Arguments: library folder, writer number, count.
 */
final class ManyWritersChild {
    private ManyWritersChild() {}

    public static void main(String[] args) {
        RunLibrary lib = new RunLibrary(Path.of(args[0]));
        int writer = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        Random r = new Random(writer);
        for (int i = 0; i < count; i++) {
            // the same text and second in every process: the ids must still never clash
            String id = RunRecords.newId("The cat sat on the mat.", Instant.now());
            RunRecord rec = RandomRuns.record(r, id, RunSaveLoop.D);
            float[] v = new float[RunSaveLoop.D];
            Arrays.fill(v, writer * 1000 + i);
            lib.save(rec, new ProtoTokens(v, v.clone()), null, RunLibrary.Expect.NEW);
        }
    }
}
