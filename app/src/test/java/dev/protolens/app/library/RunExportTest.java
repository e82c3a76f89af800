package dev.protolens.app.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RunExportTest {
    static RunRecord record(String id, String text, float[] loss, float[] acc) {
        RunRecord.ModelInfo model = new RunRecord.ModelInfo("stories260k-hf", "/m", "safetensors", "llama", 64, 5, 512,
                260_000, "abc123");
        RunRecord.Settings settings = new RunRecord.Settings("e-m", "normal", 7, 0.01, 0.9, 0.9, 1e-8, 0.01, 5000, 1.0,
                false);
        RunRecord.Metrics metrics = new RunRecord.Metrics(1.0, 0.8, 3, 3, true, 2, 2, 2, 12.5, text);
        return new RunRecord(1, id, "2026-01-02T03:04:05Z", "0.1.0", model, text, new long[] {1, 2, 3},
                List.of("a", "b", "c"), settings, "complete", metrics, new RunRecord.History(loss, acc), null, null,
                null, null, null);
    }

    @Test
    void tableCsvQuotesTextsWithCommasQuotesAndNewlines() {
        String csv = RunExport.tableCsv(List.of(record("r1", "Hello, \"world\"\nbye", new float[] {1}, new float[] {0})));
        String[] lines = csv.split("\n", 2);
        assertThat(lines[0]).startsWith("run_id,created_at,model,");
        assertThat(csv).contains("\"Hello, \"\"world\"\"\nbye\"");
        assertThat(csv).contains("r1,2026-01-02T03:04:05Z,stories260k-hf,abc123,3,1.00000,3,");
        assertThat(csv).contains(",7,e-m,complete,");
    }

    @Test
    void tableCsvEndsWithTheRunsLabel() {
        String csv = RunExport.tableCsv(List.of(record("r1", "x", new float[] {1}, new float[] {0}).withLabel("best, so far"),
                record("r2", "y", new float[] {1}, new float[] {0})));
        List<String> lines = csv.lines().toList();
        assertThat(lines.getFirst()).endsWith(",decoded_text,label");
        assertThat(lines.get(1)).startsWith("r1,").endsWith(",\"best, so far\"");
        assertThat(lines.get(2)).startsWith("r2,").endsWith(",y,");
    }

    @Test
    void historyCsvHasOneRowPerRunAndStep() {
        String csv = RunExport.historyCsv(List.of(record("r1", "x", new float[] {3f, 2f, 1f}, new float[] {0f, 0.5f, 1f}),
                record("r2", "y", new float[] {4f}, new float[] {0f})));
        assertThat(csv.lines()).containsExactly("run_id,step,loss,accuracy", "r1,0,3.00000,0.00000",
                "r1,1,2.00000,0.500000", "r1,2,1.00000,1.00000", "r2,0,4.00000,0.00000");
    }

    @Test
    void jsonIsRunJsonForOneRunAndAnArrayForSeveral() {
        RunRecord a = record("r1", "x", new float[] {1}, new float[] {0});
        JsonNode one = RunLibrary.JSON.readTree(RunExport.json(List.of(a)));
        assertThat(one.get("id").asString()).isEqualTo("r1");
        assertThat(one.get("schema_version").asInt()).isEqualTo(1);
        JsonNode two = RunLibrary.JSON.readTree(RunExport.json(List.of(a, record("r2", "y", new float[] {1}, new float[] {0}))));
        assertThat(two.isArray()).isTrue();
        assertThat(two).hasSize(2);
    }
}
