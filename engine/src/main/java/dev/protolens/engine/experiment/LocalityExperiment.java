package dev.protolens.engine.experiment;

import dev.protolens.engine.analysis.Locality;
import dev.protolens.engine.analysis.Metric;
import dev.protolens.engine.analysis.VectorKind;
import dev.protolens.engine.proto.Arrangement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Locality: K seeds of T texts; distances between e vectors of the same text and of different texts. */
final class LocalityExperiment implements Experiment {
    @Override
    public String name() {
        return "locality";
    }

    @Override
    public String title() {
        return "Locality of solutions";
    }

    @Override
    public String claim() {
        return "Solutions for the same text (different seeds) are almost always closer, by cosine distance between"
                + " e vectors, than solutions for different texts.";
    }

    @Override
    public Plan plan(Options o) {
        Plan.Settings s = o.settings(800, 5000);
        int t = o.countOr(3, 6);
        int n = o.lengthsOr(new int[] {8}, new int[] {16})[0];
        List<NamedText> texts = o.texts(t, n, "lily-park", "sun-sky", "cat-moon", "tom-max", "mia-cake", "little-bird");
        int seeds = o.seedsOr(3, 5);
        List<Plan.Item> items = new ArrayList<>();
        // each text its own seeds: with the same seeds, solutions of different texts would share their starting
        // vectors, and with short fits that shared start alone makes them close
        for (int i = 0; i < texts.size(); i++) {
            NamedText x = texts.get(i);
            items.add(Plan.Item.of("N=" + n, x.name(), x.text(), n, Plan.PROTO, Arrangement.E_M, 1000L * i, seeds,
                    false, s));
        }
        return new Plan(null, name(), o.model(), s, Map.of("length", n, "texts", Stats.names(texts)), items);
    }

    @Override
    public ExperimentReport analyse(Plan plan, Map<String, ItemResult> results, Context context) {
        double ok = plan.settings().successAccuracy();
        List<float[]> vectors = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        int all = 0;
        for (ItemResult r : results.values()) {
            for (ItemResult.Fit f : r.fits()) {
                all++;
                if (f.accuracy() >= ok && f.runId() != null && context.library().exists(f.runId())) {
                    vectors.add(VectorKind.E.of(context.library().load(f.runId()).vectors()));
                    texts.add(r.item().textName());
                    seeds.add(f.seed());
                }
            }
        }
        Locality loc = Locality.of(vectors, texts, seeds, Metric.COSINE, VectorKind.E);
        double nearestDifferent = Arrays.stream(loc.differentTexts()).min().orElse(Double.NaN);
        long closer = Arrays.stream(loc.sameText()).filter(d -> d < nearestDifferent).count();
        double fraction = loc.sameText().length == 0 ? Double.NaN : closer / (double) loc.sameText().length;
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("solutions", vectors.size());
        numbers.put("fits", all);
        numbers.put("same_text_pairs", loc.sameText().length);
        numbers.put("different_text_pairs", loc.differentTexts().length);
        numbers.put("mean_same_text", loc.meanSameText());
        numbers.put("mean_different_texts", loc.meanDifferentTexts());
        numbers.put("nearest_different_text", nearestDifferent);
        numbers.put("same_closer_than_nearest_different", fraction);
        numbers.put("nearest_is_same_text", loc.nearestIsSameText());
        List<List<String>> rows = List.of(
                List.of("solutions used (accuracy ≥ " + ok + ")", vectors.size() + " of " + all),
                List.of("same-text pairs", Integer.toString(loc.sameText().length)),
                List.of("different-text pairs", Integer.toString(loc.differentTexts().length)),
                List.of("mean cosine distance, same text", Stats.num(loc.meanSameText(), 3)),
                List.of("mean cosine distance, different texts", Stats.num(loc.meanDifferentTexts(), 3)),
                List.of("same-text pairs closer than the nearest different-text pair", Stats.pct(fraction)),
                List.of("solutions whose nearest neighbour has the same text", Stats.pct(loc.nearestIsSameText())));
        List<String> findings = new ArrayList<>();
        findings.add(String.format(Locale.ROOT, "%s of same-text pairs are closer than the nearest different-text pair"
                        + " (%d of %d); mean distance %s same text vs %s different texts.", Stats.pct(fraction), closer,
                loc.sameText().length, Stats.num(loc.meanSameText(), 3), Stats.num(loc.meanDifferentTexts(), 3)));
        findings.add(fraction >= 0.9 ? "This reproduces the paper's locality." : Double.isNaN(fraction)
                ? "Too few solutions reached the target to measure locality." : "This is weaker than the paper's"
                + " \"almost always\".");
        Chart h = new Chart.Histogram("locality", "Distances between solutions", "cosine distance between e",
                loc.sameText(), loc.differentTexts());
        return new ExperimentReport(name(), title(), claim(), Stats.setup(plan, "texts " + plan.parameters().get("texts")
                        + ", N = " + plan.parameters().get("length") + ", " + plan.items().getFirst().seeds() + " seeds each (text i: seeds 1000·i …)"),
                List.of("measure", "value"), rows, findings, List.of(h), numbers, results.size(), plan.items().size());
    }
}
