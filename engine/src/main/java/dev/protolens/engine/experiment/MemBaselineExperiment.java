package dev.protolens.engine.experiment;

import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.store.Run;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The autoregressive baseline beside the one-step method: on the same texts, model and optimiser, each method's
 * capacity, steps and time to 100 %, and the time to decode a text (one pass against N passes).
 */
final class MemBaselineExperiment implements Experiment {
    @Override
    public String name() {
        return "mem-baseline";
    }

    @Override
    public String title() {
        return "One step against [mem] (autoregressive)";
    }

    @Override
    public String claim() {
        return "Kuratov et al.'s single [mem] vector, decoded autoregressively, reaches about 2× longer texts (1568"
                + " tokens on Llama-3.1-8B against 724); one-step decoding has about 279× its throughput.";
    }

    @Override
    public String gpuNote() {
        return "The paper's lengths (hundreds of tokens) need a GPU and a 1-8B model.";
    }

    @Override
    public Plan plan(Options o) {
        Plan.Settings s = o.settings(1000, 5000);
        List<NamedText> texts = new ArrayList<>(o.texts(1, "little-bird", "mia-cake"));
        texts.add(NamedText.randomWords(o.samples().isEmpty() ? texts : o.samples(), 60, 7));
        int[] grid = o.lengthsOr(new int[] {8, 16, 22, 32, 45}, new int[] {8, 16, 22, 32, 45, 64, 90, 128});
        int seeds = o.seedsOr(1, 2);
        List<Plan.Item> items = new ArrayList<>();
        for (String method : new String[] {Plan.PROTO, Plan.MEM}) {
            for (NamedText t : texts) {
                int have = o.tokens(t.text());
                Plan.Item prev = null;
                for (int n : grid) {
                    if (n > have) {
                        break;
                    }
                    Plan.Item it = Plan.Item.of(method + " N=" + n, t.name(), t.text(), n, method, Arrangement.E_M, 0,
                            seeds, false, s).after(prev);
                    items.add(it);
                    prev = it;
                }
            }
        }
        return new Plan(null, name(), o.model(), s, Map.of("lengths", Stats.list(grid), "texts", Stats.names(texts)), items);
    }

    @Override
    public ExperimentReport analyse(Plan plan, Map<String, ItemResult> results, Context context) throws Exception {
        double ok = plan.settings().successAccuracy();
        Map<String, double[]> oneStep = CapacityExperiment.capacities(plan, results, Plan.PROTO);
        Map<String, double[]> mem = CapacityExperiment.capacities(plan, results, Plan.MEM);
        List<List<String>> rows = new ArrayList<>();
        Map<String, Object> numbers = new LinkedHashMap<>();
        List<String> findings = new ArrayList<>();
        List<Chart.Series> series = new ArrayList<>();
        List<String> cats = new ArrayList<>();
        List<double[]> capBars = new ArrayList<>();
        for (String text : oneStep.keySet()) {
            double cp = oneStep.get(text)[0];
            double cm = mem.getOrDefault(text, new double[] {0, Double.NaN})[0];
            // at the longest length both reached: steps, fit time and decode time of each
            int both = 0;
            for (Plan.Item it : plan.items()) {
                if (it.textName().equals(text) && it.length() <= Math.min(cp, cm)) {
                    both = Math.max(both, it.length());
                }
            }
            ItemResult.Fit fp = best(plan, results, text, Plan.PROTO, both, ok);
            ItemResult.Fit fm = best(plan, results, text, Plan.MEM, both, ok);
            double oneStepMs = fp != null ? decodeMillis(context, fp) : Double.NaN;
            double memMs = fm != null ? fm.decodeMillis() : Double.NaN;
            rows.add(List.of(text, fmt(cp), fmt(cm), both == 0 ? "–" : Integer.toString(both),
                    fp != null ? Integer.toString(fp.steps()) : "–", fm != null ? Integer.toString(fm.steps()) : "–",
                    fp != null ? Stats.num(fp.millis() / 1000.0, 1) : "–", fm != null ? Stats.num(fm.millis() / 1000.0, 1) : "–",
                    Stats.num(oneStepMs, 2), Stats.num(memMs, 2), Stats.num(memMs / oneStepMs, 1)));
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("one_step_capacity", cp);
            n.put("mem_capacity", cm);
            n.put("compared_at_length", both);
            n.put("one_step_steps", fp != null ? fp.steps() : null);
            n.put("mem_steps", fm != null ? fm.steps() : null);
            n.put("one_step_decode_ms", oneStepMs);
            n.put("mem_decode_ms", memMs);
            n.put("decode_time_ratio", memMs / oneStepMs);
            numbers.put(text, n);
            findings.add(String.format(Locale.ROOT, "%s: capacity one-step %s, [mem] %s tokens (ratio %s); at N = %d"
                            + " decoding takes %s ms in one pass against %s ms in %d passes (%s×).", text, fmt(cp), fmt(cm),
                    Stats.num(cm / cp, 2), both, Stats.num(oneStepMs, 2), Stats.num(memMs, 2), both,
                    Stats.num(memMs / oneStepMs, 1)));
            cats.add(text);
            capBars.add(new double[] {cp, cm});
            for (String method : new String[] {Plan.PROTO, Plan.MEM}) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (Plan.Item it : plan.items()) {
                    ItemResult r = results.get(it.id());
                    if (it.textName().equals(text) && it.method().equals(method) && r != null && r.problem() == null) {
                        xs.add((double) it.length());
                        ys.add(r.meanAccuracy());
                    }
                }
                series.add(new Chart.Series(text + (method.equals(Plan.MEM) ? " [mem]" : " one-step"), Stats.toArray(xs),
                        Stats.toArray(ys), method.equals(Plan.MEM)));
            }
        }
        findings.add("[mem] decoding here recomputes the whole prefix at each of its N passes (the engine's model has"
                + " no KV cache), so the time ratio overstates what a cached decode costs; the paper's 279× is a"
                + " throughput with batching on a GPU.");
        double[][] v = new double[2][cats.size()];
        for (int i = 0; i < cats.size(); i++) {
            v[0][i] = capBars.get(i)[0];
            v[1][i] = capBars.get(i)[1];
        }
        List<Chart> charts = List.of(
                new Chart.Bars("mem-capacity", "Capacity: one-step against [mem]", "tokens", cats,
                        List.of("one-step [e][m]×(N−1)", "[mem] autoregressive"), v),
                new Chart.Lines("mem-accuracy", "Accuracy against length", "tokens N", "mean accuracy", true, series));
        return new ExperimentReport(name(), title(), claim(), Stats.setup(plan, "texts " + plan.parameters().get("texts")
                        + ", grid " + Arrays.toString((int[]) CapacityExperiment.gridOf(plan)) + ", the same optimiser for both"),
                List.of("text", "one-step capacity", "[mem] capacity", "compared at N", "one-step steps", "[mem] steps",
                        "one-step fit s", "[mem] fit s", "one-step decode ms", "[mem] decode ms", "decode time ratio"),
                rows, findings, charts, numbers, results.size(), plan.items().size());
    }

    private static String fmt(double cap) {
        return cap == 0 ? "0" : Integer.toString((int) cap);
    }

    private static ItemResult.Fit best(Plan plan, Map<String, ItemResult> results, String text, String method, int n,
                                       double ok) {
        for (Plan.Item it : plan.items()) {
            ItemResult r = results.get(it.id());
            if (r != null && it.textName().equals(text) && it.method().equals(method) && it.length() == n) {
                return r.fits().stream().filter(f -> f.accuracy() >= ok).findFirst().orElse(null);
            }
        }
        return null;
    }

    /** Median of 7 one-pass decodes of the run's vectors (after 2 to warm up). */
    private static double decodeMillis(Context c, ItemResult.Fit f) throws Exception {
        if (f.runId() == null || !c.library().exists(f.runId())) {
            return Double.NaN;
        }
        Run run = c.library().load(f.runId());
        return c.session().submit(m -> {
            OneStepDecoder d = new OneStepDecoder(m);
            double[] t = new double[7];
            for (int i = -2; i < t.length; i++) {
                long t0 = System.nanoTime();
                d.decode(run.vectors(), f.length(), Arrangement.E_M, null, 0);
                if (i >= 0) {
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(t);
            return t[t.length / 2];
        }).get();
    }
}
