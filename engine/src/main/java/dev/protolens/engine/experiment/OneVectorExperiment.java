package dev.protolens.engine.experiment;

import dev.protolens.engine.proto.Arrangement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One vector or two: [e]×N against [e][m]×(N−1) at small N. */
final class OneVectorExperiment implements Experiment {
    @Override
    public String name() {
        return "one-vector";
    }

    @Override
    public String title() {
        return "One vector or two";
    }

    @Override
    public String claim() {
        return "A single vector repeated, [e]×N, fails even at tiny N (Table 1: 0.01 at N = 256); two vectors,"
                + " [e][m]×(N−1), reconstruct the text.";
    }

    @Override
    public Plan plan(Options o) {
        Plan.Settings s = o.settings(800, 5000);
        int[] lengths = o.lengthsOr(new int[] {2, 4, 8, 16}, new int[] {2, 4, 8, 16});
        List<NamedText> texts = o.texts(o.quick() ? 1 : 3, java.util.Arrays.stream(lengths).max().orElse(0),
                "lily-park", "tom-max", "cat-moon", "mia-cake", "little-bird");
        int seeds = o.seedsOr(2, 3);
        List<Plan.Item> items = new ArrayList<>();
        for (int n : lengths) {
            for (Arrangement a : new Arrangement[] {Arrangement.E_ONLY, Arrangement.E_M}) {
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
        List<List<String>> rows = new ArrayList<>();
        Map<String, Object> numbers = new LinkedHashMap<>();
        double[] x = lengths.stream().mapToDouble(Integer::doubleValue).toArray();
        double[] one = new double[x.length];
        double[] two = new double[x.length];
        int oneSolvedFirst = -1;
        for (int i = 0; i < lengths.size(); i++) {
            int n = lengths.get(i);
            var f1 = Stats.fits(results, it -> it.length() == n && it.arrangementValue() == Arrangement.E_ONLY);
            var f2 = Stats.fits(results, it -> it.length() == n && it.arrangementValue() == Arrangement.E_M);
            one[i] = Stats.mean(f1, ItemResult.Fit::accuracy);
            two[i] = Stats.mean(f2, ItemResult.Fit::accuracy);
            rows.add(List.of(Integer.toString(n), Stats.pct(one[i]), solved(f1, ok), Stats.pct(two[i]), solved(f2, ok)));
            numbers.put("N=" + n, Map.of("one_vector_accuracy", one[i], "one_vector_solved", Stats.share(f1, ok),
                    "two_vectors_accuracy", two[i], "two_vectors_solved", Stats.share(f2, ok)));
        }
        List<String> findings = new ArrayList<>();
        for (int i = 0; i < lengths.size(); i++) {
            findings.add(String.format(Locale.ROOT, "N = %d: [e]×N %s, [e][m]×(N−1) %s.", lengths.get(i),
                    Stats.pct(one[i]), Stats.pct(two[i])));
        }
        int firstFail = -1;
        for (int i = 0; i < lengths.size(); i++) {
            if (one[i] < ok) {
                firstFail = lengths.get(i);
                break;
            }
        }
        findings.add(firstFail < 0 ? "Here one vector reconstructed every length tried; the paper's claim does not"
                + " reproduce at these lengths." : "One vector first falls short at N = " + firstFail + ".");
        Chart lines = new Chart.Lines("one-vector", "Accuracy against length: one vector or two", "tokens N",
                "accuracy", true, List.of(new Chart.Series("[e]×N", x, one, true),
                        new Chart.Series("[e][m]×(N−1)", x, two, false)));
        return new ExperimentReport(name(), title(), claim(), Stats.setup(plan, "texts " + plan.parameters().get("texts")
                + ", lengths " + lengths + ", " + plan.items().getFirst().seeds() + " seeds"),
                List.of("N", "[e]×N accuracy", "[e]×N solved", "[e][m]×(N−1) accuracy", "[e][m]×(N−1) solved"), rows,
                findings, List.of(lines), numbers, results.size(), plan.items().size());
    }

    private static String solved(List<ItemResult.Fit> f, double ok) {
        return f.isEmpty() ? "–" : Math.round(Stats.share(f, ok) * f.size()) + "/" + f.size();
    }
}
