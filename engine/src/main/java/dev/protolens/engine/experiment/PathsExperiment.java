package dev.protolens.engine.experiment;

import dev.protolens.engine.analysis.BezierPath;
import dev.protolens.engine.analysis.BezierSpec;
import dev.protolens.engine.analysis.Interpolation;
import dev.protolens.engine.analysis.LearnedPath;
import dev.protolens.engine.analysis.PathCurve;
import dev.protolens.engine.analysis.PathSpace;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.store.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Paths: pairs of same-text solutions with one shared m; the straight line against a learned Bézier curve. */
final class PathsExperiment implements Experiment {
    static final int POINTS = 21;

    @Override
    public String name() {
        return "paths";
    }

    @Override
    public String title() {
        return "Paths between solutions";
    }

    @Override
    public String claim() {
        return "The straight line between two solutions of the same text loses accuracy; a learned quadratic Bézier"
                + " curve keeps it ≈ 1 along the whole path, at most ~1.2× longer than the chord.";
    }

    @Override
    public Plan plan(Options o) {
        Plan.Settings s = o.settings(800, 5000);
        int p = o.countOr(2, 5);
        int n = o.lengthsOr(new int[] {8}, new int[] {16})[0];
        List<NamedText> texts = o.texts(p, n, "lily-park", "sun-sky", "cat-moon", "tom-max", "mia-cake");
        List<Plan.Item> items = new ArrayList<>();
        for (NamedText x : texts) {
            items.add(Plan.Item.of("pair", x.name(), x.text(), n, Plan.PROTO, Arrangement.E_M, 0, 2, true, s));
        }
        return new Plan(null, name(), o.model(), s, Map.of("length", n, "texts", Stats.names(texts), "bezier_steps",
                o.quick() ? 200 : BezierSpec.STEPS), items);
    }

    @Override
    public ExperimentReport analyse(Plan plan, Map<String, ItemResult> results, Context context) throws Exception {
        double ok = plan.settings().successAccuracy();
        int bezierSteps = ((Number) plan.parameters().getOrDefault("bezier_steps", BezierSpec.STEPS)).intValue();
        List<List<String>> rows = new ArrayList<>();
        List<Chart.Series> series = new ArrayList<>();
        Map<String, Object> numbers = new LinkedHashMap<>();
        List<Double> straightWorst = new ArrayList<>();
        List<Double> bezierWorst = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (ItemResult r : results.values()) {
            if (r.fits().size() < 2 || r.fits().stream().anyMatch(f -> f.accuracy() < ok || f.runId() == null)) {
                continue;
            }
            Run a = context.library().load(r.fits().get(0).runId());
            Run b = context.library().load(r.fits().get(1).runId());
            Interpolation ends = Interpolation.between(a, b);
            BezierPath line = BezierPath.straight(ends.a(), ends.b(), PathSpace.E);
            PathCurve straight = context.session().submit(m -> ends.curve(m, line, POINTS)).get();
            LearnedPath learned = context.session().learnPath(ends, PathSpace.E,
                    BezierSpec.defaults().withSteps(bezierSteps), null, 1).result().get();
            PathCurve bez = context.session().submit(m -> ends.curve(m, learned.path(), POINTS)).get();
            String name = r.item().textName();
            double sMean = mean(straight.accuracies());
            double bMean = mean(bez.accuracies());
            double ratio = learned.path().lengthRatio();
            straightWorst.add(straight.minAccuracy());
            bezierWorst.add(bez.minAccuracy());
            ratios.add(ratio);
            rows.add(List.of(name, Stats.pct(sMean), Stats.pct(straight.minAccuracy()), Stats.pct(bMean),
                    Stats.pct(bez.minAccuracy()), Stats.num(ratio, 3), Integer.toString(learned.updates())));
            series.add(new Chart.Series(name + " straight", straight.taus(), straight.accuracies(), true));
            series.add(new Chart.Series(name + " Bézier", bez.taus(), bez.accuracies(), false));
            numbers.put(name, Map.of("straight_mean", sMean, "straight_worst", straight.minAccuracy(), "bezier_mean",
                    bMean, "bezier_worst", bez.minAccuracy(), "length_ratio", ratio, "bezier_updates", learned.updates()));
        }
        List<String> findings = new ArrayList<>();
        if (rows.isEmpty()) {
            findings.add("No pair had both solutions at the target accuracy, so no path was measured.");
        } else {
            double sw = straightWorst.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double bw = bezierWorst.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double maxRatio = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            findings.add(String.format(Locale.ROOT, "Over %d pairs the worst accuracy along the straight line is %s on"
                    + " average, along the learned Bézier curve %s; the curve is at most %s× the chord.", rows.size(),
                    Stats.pct(sw), Stats.pct(bw), Stats.num(maxRatio, 3)));
            findings.add(sw < bw && bw >= ok && maxRatio <= 1.25 ? "This reproduces the paper: the line breaks, the"
                    + " curve holds, and it is short." : sw >= ok ? "Unlike the paper, the straight line already keeps"
                    + " the text here." : "Only part of the paper's claim reproduces here (see the table).");
        }
        Chart c = new Chart.Lines("paths", "Accuracy along the path", "τ", "accuracy", false, series);
        return new ExperimentReport(name(), title(), claim(), Stats.setup(plan, "texts " + plan.parameters().get("texts")
                        + ", N = " + plan.parameters().get("length") + ", 2 seeds with one shared m per pair, Bézier "
                        + bezierSteps + " steps"),
                List.of("text", "straight mean", "straight worst", "Bézier mean", "Bézier worst", "length / chord",
                        "Bézier updates"), rows, findings, List.of(c), numbers, results.size(), plan.items().size());
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }
}
