package dev.protolens.engine.cluster;

import dev.protolens.engine.experiment.ItemResult;
import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.experiment.PlanResults;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plan's results as one table, one row per fit (item × seed), in plan order: what {@code slurm collect} writes
 * once every shard is done. It holds only what the fits decide (tokens reached, accuracy, steps, H_LM), never
 * times or hosts, so the table of a cluster run equals the table of the same plan run in one process.
 */
public record PlanTable(List<Row> rows) {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public record Row(String item, String group, String text, int length, String method, String arrangement, long seed,
                      int correctTokens, int tokens, double accuracy, boolean reached, int steps, double hLmNats,
                      String problem) {}

    public static PlanTable of(Plan plan, PlanResults results) {
        Map<String, ItemResult> done = results.of(plan);
        List<Row> rows = new ArrayList<>();
        for (Plan.Item it : plan.items()) {
            ItemResult r = done.get(it.id());
            if (r == null) {
                continue;
            }
            if (r.fits().isEmpty()) {
                rows.add(new Row(it.id(), it.group(), it.textName(), it.length(), it.method(), it.arrangement(),
                        it.seed(), 0, 0, Double.NaN, false, 0, Double.NaN, r.problem()));
            }
            for (ItemResult.Fit f : r.fits()) {
                rows.add(new Row(it.id(), it.group(), it.textName(), it.length(), it.method(), it.arrangement(),
                        f.seed(), f.correctTokens(), f.length(), f.accuracy(), f.reached(), f.steps(), f.hLmNats(),
                        r.problem()));
            }
        }
        return new PlanTable(List.copyOf(rows));
    }

    public String csv() {
        StringBuilder b = new StringBuilder("item,group,text,length,method,arrangement,seed,correct_tokens,tokens,"
                + "accuracy,reached,steps,h_lm_nats,problem\n");
        for (Row r : rows) {
            b.append(String.join(",", cell(r.item()), cell(r.group()), cell(r.text()), Integer.toString(r.length()),
                    cell(r.method()), cell(r.arrangement()), Long.toString(r.seed()), Integer.toString(r.correctTokens()),
                    Integer.toString(r.tokens()), String.format(Locale.ROOT, "%.6f", r.accuracy()),
                    Boolean.toString(r.reached()), Integer.toString(r.steps()),
                    String.format(Locale.ROOT, "%.6f", r.hLmNats()), cell(r.problem()))).append('\n');
        }
        return b.toString();
    }

    /** Writes {@code table.csv} and {@code table.json} into {@code dir}, each atomically. */
    public void write(Path dir) throws IOException {
        AtomicFiles.write(dir.resolve("table.csv"), csv().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve("table.json"), JSON.writeValueAsBytes(this));
    }

    private static String cell(String s) {
        if (s == null) {
            return "";
        }
        return s.matches("[^,\"\\n\\r]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
