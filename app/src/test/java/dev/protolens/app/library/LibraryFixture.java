package dev.protolens.app.library;

import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.util.List;

/** Small hand-made runs (d = 4, three tokens) for tests of the Library and the library command: no model needed. */
public final class LibraryFixture {
    private LibraryFixture() {}

    public static RunRecord record(String id, String text, long seed, double accuracy, String createdAt,
                                   RunRecord.Batch batch) {
        RunRecord.ModelInfo model = new RunRecord.ModelInfo("stories260k-hf", "/m", "safetensors", "llama", 4, 5, 512,
                260_000, "abc123");
        RunRecord.Settings settings = new RunRecord.Settings("e-m", "normal", seed, 0.01, 0.9, 0.9, 1e-8, 0.01, 5000,
                1.0, false);
        RunRecord.Metrics metrics = new RunRecord.Metrics(accuracy, 0.8, 3, 3, accuracy >= 1, 2, 2, 2, Double.NaN, text);
        return new RunRecord(1, id, createdAt, "0.1.0", model, text, new long[] {1, 2, 3}, List.of("a", "b", "c"),
                settings, "complete", metrics, new RunRecord.History(new float[] {1}, new float[] {0}), null, null,
                batch, null, null);
    }

    public static void save(RunLibrary lib, RunRecord r) {
        lib.save(r, new ProtoTokens(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}), null, RunLibrary.Expect.NEW);
    }
}
