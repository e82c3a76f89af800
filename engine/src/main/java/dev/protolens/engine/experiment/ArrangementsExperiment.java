package dev.protolens.engine.experiment;

import dev.protolens.engine.proto.Arrangement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The paper's Table 1: the five input layouts of e and m, over lengths and seeds. */
final class ArrangementsExperiment implements Experiment {
    static final Arrangement[] ORDER = {Arrangement.E_M, Arrangement.E_MN, Arrangement.ALTERNATING, Arrangement.HALF,
        Arrangement.E_ONLY};

    @Override
    public String name() {
        return "arrangements";
    }

    @Override
    public String title() {
        return "Arrangements of e and m";
    }

    @Override
    public String claim() {
        return "Table 1 (Llama-3.2-1B, N = 256): [e][m]×(N−1) 0.99, [e][m]×N 0.97, alternating 0.17, halves 0.01,"
                + " [e]×N 0.01. Only layouts with one e followed by copies of m work.";
    }

    @Override
    public String gpuNote() {
        return "The paper's N = 256 needs a 1B model and a GPU; on a small model use lengths up to its capacity.";
    }

    @Override
    public Plan plan(Options o) {
        Plan.Settings s = o.settings(800, 5000);
        int[] lengths = o.lengthsOr(new int[] {8, 16}, new int[] {8, 16, 22, 32});
        List<NamedText> texts = o.texts(o.quick() ? 1 : 3, java.util.Arrays.stream(lengths).max().orElse(0),
                "lily-park", "tom-max", "cat-moon", "mia-cake", "little-bird");
        int seeds = o.seedsOr(2, 3);
        List<Plan.Item> items = new ArrayList<>();
        for (int n : lengths) {
            for (Arrangement a : ORDER) {
                for (NamedText t : texts) {
                    items.add(Plan.Item.of("N=" + n, t.name(), t.text(), n, Plan.PROTO, a, 0, seeds, false, s));
                }
            }
        }
        return new Plan(null, name(), o.model(), s, Map.of("lengths", Stats.list(lengths), "texts", Stats.names(texts)), items);
    }

    @Override
    public ExperimentReport analyse(Plan plan, Map<String, ItemResult> results, Context context) {
        double ok = plan.settings().successAccuracy();
        List<Integer> lengths = plan.items().stream().map(Plan.Item::length).distinct().sorted().toList();
        List<String> columns = new ArrayList<>(List.of("arrangement", "inputs"));
        for (int n : lengths) {
            columns.add("N=" + n + " accuracy");
            columns.add("N=" + n + " solved");
        }
        List<List<String>> rows = new ArrayList<>();
        double[][] bars = new double[lengths.size()][ORDER.length];
        Map<String, Object> numbers = new LinkedHashMap<>();
        for (int a = 0; a < ORDER.length; a++) {
            Arrangement arr = ORDER[a];
            List<String> row = new ArrayList<>(List.of(arr.label(), arr == Arrangement.E_MN ? "N+1" : "N"));
            for (int li = 0; li < lengths.size(); li++) {
                int n = lengths.get(li);
                var f = Stats.fits(results, it -> it.length() == n && it.arrangementValue() == arr);
                double acc = Stats.mean(f, ItemResult.Fit::accuracy);
                double solved = Stats.share(f, ok);
                row.add(Stats.pct(acc));
                row.add(f.isEmpty() ? "–" : String.format(Locale.ROOT, "%d/%d", Math.round(solved * f.size()), f.size()));
                bars[li][a] = acc;
                numbers.put(arr.cliName() + "@N=" + n, Map.of("mean_accuracy", acc, "solved", solved, "fits", f.size()));
            }
            rows.add(row);
        }
        List<String> findings = new ArrayList<>();
        for (int li = 0; li < lengths.size(); li++) {
            double[] v = bars[li];
            findings.add(String.format(Locale.ROOT, "N = %d: mean accuracy %s %s, %s %s, alternating %s, halves %s,"
                            + " [e]×N %s.", lengths.get(li), ORDER[0].label(), Stats.pct(v[0]), ORDER[1].label(),
                    Stats.pct(v[1]), Stats.pct(v[2]), Stats.pct(v[3]), Stats.pct(v[4])));
        }
        int last = lengths.size() - 1;
        if (last >= 0) {
            // the paper: the two layouts with one e before copies of m work (0.97-0.99), the others fail (<= 0.17)
            double[] v = bars[last];
            List<String> agree = new ArrayList<>();
            List<String> differ = new ArrayList<>();
            for (int a = 0; a < ORDER.length; a++) {
                boolean paperWorks = a < 2;
                if (Double.isNaN(v[a])) {
                    continue;
                }
                (paperWorks == (v[a] >= ok) ? agree : differ).add(ORDER[a].label());
            }
            findings.add(String.format(Locale.ROOT, "At N = %d, as in the paper: %s.%s", lengths.get(last),
                    agree.isEmpty() ? "none" : String.join(", ", agree), differ.isEmpty() ? ""
                            : " Unlike the paper (which measures N = 256 on a 1B model): " + String.join(", ", differ)
                            + (differ.size() == 1 ? " does" : " do") + " not behave as there at this length."));
        }
        List<String> cats = List.of(ORDER).stream().map(Arrangement::label).toList();
        Chart bar = new Chart.Bars("arrangements", "Mean accuracy by arrangement", "accuracy", cats,
                lengths.stream().map(n -> "N=" + n).toList(), bars);
        return new ExperimentReport(name(), title(), claim(), Stats.setup(plan, "texts " + plan.parameters().get("texts")
                + ", lengths " + lengths + ", " + plan.items().getFirst().seeds() + " seeds"), columns, rows, findings,
                List.of(bar), numbers, results.size(), plan.items().size());
    }
}
