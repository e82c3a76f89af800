package dev.protolens.engine.work;

import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.store.RunLibrary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A finished fit job as the command line reports it: one map for {@code fit --json} (and for any plan that logs
 * its fits the same way), and the human lines printed from that same map, so the two never disagree.
 */
public final class FitReport {
    private FitReport() {}

    /** The outcome's JSON: the batch's status, updates and time, and per item its decode, status and run id. */
    public static Map<String, Object> of(LoadedModel m, RunLibrary lib, FitJob.Outcome o) {
        FitResult result = o.result();
        List<Map<String, Object>> items = new ArrayList<>();
        for (FitResult.Item it : result.items()) {
            Decoded d = o.decoded().get(it.index());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("seed", it.seed());
            r.put("accuracy", d.accuracy());
            r.put("correct_tokens", d.correctCount());
            r.put("loss", d.loss());
            r.put("reached", it.reached());
            r.put("steps_to_reach", it.stepsToReach());
            r.put("status", o.status(it.index()));
            r.put("resumable", o.resumable(it.index()));
            r.put("decoded_text", d.text());
            r.put("run_id", o.ids().get(it.index()));
            items.add(r);
        }
        FitResult.Item best = result.best();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m.path().toString());
        out.put("text", best.target().text());
        out.put("tokens", best.target().length());
        out.put("h_lm_nats", o.hLm()[best.index()]);
        out.put("status", result.status().name().toLowerCase(Locale.ROOT));
        out.put("updates", result.updates());
        out.put("millis", o.elapsedMillis());
        out.put("updates_this_run", o.updatesThisRun());
        out.put("ms_per_step", o.updatesThisRun() > 0 ? o.millisPerStepThisRun() : null);
        out.put("shared_m", result.items().size() > 1 && o.request().spec().sharedM());
        out.put("library", lib != null ? lib.root().toString() : null);
        out.put("saved", o.saved());
        out.put("problem", o.problem());
        out.put("warnings", o.warnings());
        out.put("items", items);
        return out;
    }

    /** The report's lines for a terminal: one per item, its one-pass text, then the time and H_LM. */
    @SuppressWarnings("unchecked")
    public static List<String> lines(FitJob.Outcome o, Map<String, Object> report) {
        List<String> out = new ArrayList<>();
        FitResult result = o.result();
        int tokens = (int) report.get("tokens");
        double hLm = (double) report.get("h_lm_nats");
        for (Map<String, Object> r : (List<Map<String, Object>>) report.get("items")) {
            int reachedAt = (int) r.get("steps_to_reach");
            out.add(String.format(Locale.ROOT, "seed %s: %s, accuracy %.1f%% (%s/%d tokens)%s%s%s", r.get("seed"),
                    r.get("status"), (double) r.get("accuracy") * 100, r.get("correct_tokens"), tokens,
                    reachedAt >= 0 ? ", reached after " + reachedAt + " updates" : "",
                    r.get("run_id") != null && o.saved() ? ", saved as " + r.get("run_id") : "",
                    (boolean) r.get("resumable") && o.saved() ? " (resumable)" : ""));
            out.add("  one pass writes: " + r.get("decoded_text"));
        }
        int ran = o.updatesThisRun();
        if (ran > 0) {
            out.add(String.format(Locale.ROOT, "%d updates in %.1f s (%.2f ms/step)%s; H_LM of the text %.2f nats",
                    ran, result.millis() / 1000.0, o.millisPerStepThisRun(), ran == result.updates() ? ""
                    : String.format(Locale.ROOT, ", %d in all over %.1f s", result.updates(),
                    o.elapsedMillis() / 1000.0), hLm));
        } else {
            out.add(String.format(Locale.ROOT, "0 updates: the starting vectors, decoded; H_LM of the text %.2f nats",
                    hLm));
        }
        return out;
    }
}
