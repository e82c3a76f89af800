package dev.protolens.engine.experiment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small shared arithmetic and formatting of the analyses. */
final class Stats {
    private Stats() {}

    /** Every fit of the results whose item matches, in plan order. */
    static List<ItemResult.Fit> fits(Map<String, ItemResult> results, java.util.function.Predicate<Plan.Item> which) {
        List<ItemResult.Fit> out = new ArrayList<>();
        for (ItemResult r : results.values()) {
            if (r.problem() == null && which.test(r.item())) {
                out.addAll(r.fits());
            }
        }
        return out;
    }

    static double mean(Collection<ItemResult.Fit> f, java.util.function.ToDoubleFunction<ItemResult.Fit> v) {
        return f.stream().mapToDouble(v).average().orElse(Double.NaN);
    }

    static double share(Collection<ItemResult.Fit> f, double atLeast) {
        return f.isEmpty() ? Double.NaN : f.stream().filter(x -> x.accuracy() >= atLeast).count() / (double) f.size();
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }

    static String num(double v, int digits) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    static String setup(Plan plan, String texts) {
        return String.format(Locale.ROOT, "model %s; %s; AdamW lr %s, at most %d steps, init %s; %d fits in %d items",
                plan.model(), texts, plan.settings().lr(), plan.settings().steps(), plan.settings().init(),
                plan.fitCount(), plan.items().size());
    }

    static String names(List<NamedText> t) {
        return String.join(", ", t.stream().map(NamedText::name).toList());
    }

    static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static List<Integer> list(int[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }
}
