package dev.protolens.app.library;

import dev.protolens.engine.AtomicFiles;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the Library exports: the runs' records as JSON (the {@code run.json} format), a table of runs or their
 * loss/accuracy histories as CSV, and a run's vectors as the safetensors file it is stored in (tensors
 * {@code e} and {@code m}, readable with Python's {@code safetensors} alone).
 */
public final class RunExport {
    private RunExport() {}

    /** One record as an object, several as an array, in run.json's snake_case form. */
    public static String json(List<RunRecord> runs) {
        return RunLibrary.JSON.writeValueAsString(runs.size() == 1 ? runs.getFirst() : runs);
    }

    /** One row per run: the Library table's columns plus loss, H_LM and the decoded text. */
    public static String tableCsv(List<RunRecord> runs) {
        StringBuilder b = new StringBuilder(
                "run_id,created_at,model,model_identity,tokens,accuracy,correct_tokens,loss,h_lm_nats,updates,seed,"
                        + "arrangement,status,text,decoded_text,label\n");
        for (RunRecord r : runs) {
            RunRecord.Metrics m = r.metrics();
            b.append(String.join(",", csv(r.id()), csv(r.createdAt()), csv(r.model().name()),
                    csv(r.model().identity()), Integer.toString(r.tokenIds().length),
                    m == null ? "" : num(m.accuracy()), m == null ? "" : Integer.toString(m.correctTokens()),
                    m == null ? "" : num(m.loss()), m == null ? "" : num(m.hLm()),
                    m == null ? "" : Integer.toString(m.updates()),
                    r.settings() == null ? "" : Long.toString(r.settings().seed()),
                    r.settings() == null ? "" : csv(r.settings().arrangement()), csv(r.status()), csv(r.text()),
                    m == null ? "" : csv(m.decodedText()), csv(r.label()))).append('\n');
        }
        return b.toString();
    }

    /** Long format: one row per run and step (run_id, step, loss, accuracy), ready for any plotting tool. */
    public static String historyCsv(List<RunRecord> runs) {
        StringBuilder b = new StringBuilder("run_id,step,loss,accuracy\n");
        for (RunRecord r : runs) {
            if (r.history() == null || r.history().loss() == null) {
                continue;
            }
            float[] loss = r.history().loss();
            float[] acc = r.history().accuracy();
            for (int i = 0; i < loss.length; i++) {
                b.append(csv(r.id())).append(',').append(i).append(',').append(num(loss[i])).append(',')
                        .append(acc != null && i < acc.length ? num(acc[i]) : "").append('\n');
            }
        }
        return b.toString();
    }

    /** Copies a run's vectors.safetensors to {@code target}. */
    public static void vectors(Path runFolder, Path target) throws IOException {
        AtomicFiles.write(target, Files.readAllBytes(runFolder.resolve(RunLibrary.VECTORS)));
    }

    public static void write(Path target, String content) throws IOException {
        AtomicFiles.write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 4180 quoting where needed. */
    static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
