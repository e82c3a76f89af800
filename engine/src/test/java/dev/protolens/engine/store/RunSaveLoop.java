package dev.protolens.engine.store;

import dev.protolens.engine.AtomicFiles;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.fit.FitState;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The child process of {@link KilledSaveTest}: saves revision after revision of one run (and rewrites one
 * file through {@link AtomicFiles}) until it is killed, printing "saved N" after each save returns. The
 * revision is in run.json (label, metrics.updates, history) and in every vector and optimiser value, so a
 * record whose two files come from different saves is caught.
 *
 * <p>Arguments: library folder, run id, last revision already saved, the AtomicFiles file, the progress
 * file. "saved N" goes to the progress file with one unbuffered write, not to stdout: the parent's end of a
 * pipe may lose what was still in it when the child was killed, a file keeps it. It stops on its own when its
 * parent is gone or after two minutes, so a crashed test leaves no process behind.
 */
final class RunSaveLoop {
    static final int D = 64;

    private RunSaveLoop() {}

    public static void main(String[] args) throws Exception {
        RunLibrary lib = new RunLibrary(Path.of(args[0]));
        String id = args[1];
        long revision = Long.parseLong(args[2]);
        Path atomic = Path.of(args[3]);
        RunRecord base = RandomRuns.record(new Random(revision), id, D);
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        long stopAt = System.nanoTime() + 120_000_000_000L;
        try (FileOutputStream progress = new FileOutputStream(args[4], true)) {
            while (System.nanoTime() < stopAt && (parent == null || parent.isAlive())) {
                revision++;
                lib.save(record(base, revision), vectors(revision), state(revision));
                AtomicFiles.write(atomic, atomicContent(revision));
                progress.write(("saved " + revision + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    static RunRecord record(RunRecord b, long revision) {
        float[] h = new float[200];
        Arrays.fill(h, revision);
        RunRecord.Metrics m = new RunRecord.Metrics(1, 0, 3, 3, true, 1, 1, (int) revision, Double.NaN, "rev " + revision);
        return new RunRecord(b.schemaVersion(), b.id(), b.createdAt(), b.appVersion(), b.model(), b.text(), b.tokenIds(),
                b.tokenPieces(), b.settings(), "checkpoint", m, new RunRecord.History(h, h), b.timings(),
                b.environment(), b.batch(), null, "rev-" + revision);
    }

    static ProtoTokens vectors(long revision) {
        float[] v = new float[D];
        Arrays.fill(v, revision);
        return new ProtoTokens(v, v.clone());
    }

    static FitState state(long revision) {
        float[] v = new float[D];
        Arrays.fill(v, -revision);
        return new FitState((int) revision, v, v, v, v, v, v, null);
    }

    /** 64 KiB naming the revision at both ends, so a torn write shows. */
    static byte[] atomicContent(long revision) {
        String head = "revision " + revision + "\n";
        String tail = "\nend of revision " + revision + "\n";
        return (head + String.valueOf((char) ('a' + revision % 26)).repeat(65536) + tail).getBytes(StandardCharsets.UTF_8);
    }
}
