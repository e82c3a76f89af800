package dev.protolens.engine.experiment;

import dev.protolens.engine.proto.Arrangement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Capacity and information: the paper's length grid over texts (samples, the user's, and a random-words
 * control); each text's capacity, accuracy against length, and capacity against H_LM of the reconstructed prefix.
 */
final class CapacityExperiment implements Experiment {
    static final int[] PAPER_GRID = {4, 5, 8, 11, 16, 22, 32, 45, 64, 90, 128, 181, 256, 362, 512, 724, 1024, 1448};

    @Override
    public String name() {
        return "capacity";
    }

    @Override
    public String title() {
        return "Capacity and information";
    }

    @Override
    public String claim() {
        return "Capacity is set by a text's information (its cross-entropy H_LM under the model), not its length: a"
                + " model reconstructs long natural texts and far fewer tokens of random words (both papers).";
    }

    @Override
    public String gpuNote() {
        return "Grids beyond ~64 tokens are for GPUs and models of 100M parameters or more; stories260K and"
                + " TinyLLama-v0 stop near 20 tokens.";
    }

    @Override
    public Plan plan(Options o) {
        Plan.Settings s = o.settings(1000, 5000);
        List<NamedText> texts = new ArrayList<>(o.texts(o.quick() ? 2 : 4, "little-bird", "mia-cake", "alice",
                "moby-dick"));
        texts.add(NamedText.randomWords(o.samples().isEmpty() ? texts : o.samples(), 60, 7));
        int[] grid = o.lengthsOr(new int[] {4, 8, 11, 16, 22, 32}, new int[] {4, 5, 8, 11, 16, 22, 32, 45, 64});
        int seeds = o.seedsOr(1, 2);
        List<Plan.Item> items = new ArrayList<>();
        for (NamedText t : texts) {
            int have = o.tokens(t.text());
            Plan.Item prev = null;
            for (int n : grid) {
                if (n > have) {
                    break;
                }
                Plan.Item it = Plan.Item.of("N=" + n, t.name(), t.text(), n, Plan.PROTO, Arrangement.E_M, 0, seeds,
                        false, s).after(prev);
                items.add(it);
                prev = it;
            }
        }
        return new Plan(null, name(), o.model(), s, Map.of("lengths", Stats.list(grid), "texts", Stats.names(texts)), items);
    }

    /** Per text: capacity (longest grid length reconstructed) and H_LM of that prefix in nats; NaN when none. */
    static Map<String, double[]> capacities(Plan plan, Map<String, ItemResult> results, String method) {
        double ok = plan.settings().successAccuracy();
        Map<String, double[]> cap = new LinkedHashMap<>();
        for (Plan.Item it : plan.items()) {
            if (!it.method().equals(method)) {
                continue;
            }
            cap.putIfAbsent(it.textName(), new double[] {0, Double.NaN});
            ItemResult r = results.get(it.id());
            if (r == null || r.problem() != null) {
                continue;
            }
            for (ItemResult.Fit f : r.fits()) {
                double[] c = cap.get(it.textName());
                if (f.accuracy() >= ok && it.length() > c[0]) {
                    c[0] = it.length();
                    c[1] = f.hLmNats();
                }
            }
        }
        return cap;
    }

    @Override
    public ExperimentReport analyse(Plan plan, Map<String, ItemResult> results, Context context) {
        Map<String, double[]> cap = capacities(plan, results, Plan.PROTO);
        List<List<String>> rows = new ArrayList<>();
        List<Chart.Point> points = new ArrayList<>();
        List<Chart.Series> series = new ArrayList<>();
        Map<String, Object> numbers = new LinkedHashMap<>();
        List<String> findings = new ArrayList<>();
        for (var e : cap.entrySet()) {
            String name = e.getKey();
            double[] c = e.getValue();
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            int tried = 0;
            for (Plan.Item it : plan.items()) {
                ItemResult r = results.get(it.id());
                if (it.textName().equals(name) && r != null && r.problem() == null) {
                    xs.add((double) it.length());
                    ys.add(r.meanAccuracy());
                    tried = Math.max(tried, it.length());
                }
            }
            double bits = c[1] / Math.log(2);
            rows.add(List.of(name, c[0] == 0 ? "< " + firstLength(plan, name) : Integer.toString((int) c[0]),
                    Stats.num(c[1], 2), Stats.num(bits, 1), Stats.num(c[0] > 0 ? bits / c[0] : Double.NaN, 2),
                    Integer.toString(tried)));
            if (c[0] > 0) {
                points.add(new Chart.Point(name, c[1], c[0], name.equals(NamedText.RANDOM_WORDS) ? 1 : 0));
            }
            series.add(new Chart.Series(name, Stats.toArray(xs), Stats.toArray(ys), name.equals(NamedText.RANDOM_WORDS)));
            numbers.put(name, Map.of("capacity_tokens", c[0], "h_lm_nats", c[1], "h_lm_bits", bits));
            findings.add(String.format(Locale.ROOT, "%s: capacity %d tokens, H_LM of that prefix %s nats (%s bits).",
                    name, (int) c[0], Stats.num(c[1], 1), Stats.num(bits, 1)));
        }
        double[] rnd = cap.get(NamedText.RANDOM_WORDS);
        double bestProse = cap.entrySet().stream().filter(x -> !x.getKey().equals(NamedText.RANDOM_WORDS))
                .mapToDouble(x -> x.getValue()[0]).max().orElse(Double.NaN);
        if (rnd != null && !Double.isNaN(bestProse)) {
            findings.add(rnd[0] < bestProse
                    ? String.format(Locale.ROOT, "As in the papers, the random-words text holds fewer tokens (%d) than"
                            + " the best natural text (%d).", (int) rnd[0], (int) bestProse)
                    : String.format(Locale.ROOT, "Unlike the papers, the random-words text holds as many tokens (%d) as"
                            + " the best natural text (%d) on this grid.", (int) rnd[0], (int) bestProse));
        }
        List<Chart> charts = List.of(
                new Chart.Lines("capacity-accuracy", "Accuracy against length", "tokens N", "mean accuracy", true, series),
                new Chart.Scatter("capacity-hlm", "Capacity against information (H_LM)", "H_LM of the prefix (nats)",
                        "capacity (tokens)", points, List.of("natural text", "random words")));
        return new ExperimentReport(name(), title(), claim(), Stats.setup(plan, "texts " + plan.parameters().get("texts")
                        + ", grid " + java.util.Arrays.toString((int[]) gridOf(plan)) + ", " + plan.items().getFirst().seeds()
                        + " seeds, a text stops at its first length not reconstructed"),
                List.of("text", "capacity (tokens)", "H_LM (nats)", "H_LM (bits)", "bits per token", "longest tried"),
                rows, findings, charts, numbers, results.size(), plan.items().size());
    }

    static Object gridOf(Plan plan) {
        return plan.items().stream().mapToInt(Plan.Item::length).distinct().sorted().toArray();
    }

    private static int firstLength(Plan plan, String text) {
        return plan.items().stream().filter(i -> i.textName().equals(text)).mapToInt(Plan.Item::length).min().orElse(0);
    }
}
