package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitStart;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.fit.WarmVectors;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.tokenizer.Encoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench --fit-speed}: time to 100 % of each start option against the paper's recipe on the benchmark set
 * ({@code bench/fast-start/texts.tsv}), every fit a lone fit that stops at its first 100 %, recipes interleaved
 * text by text and seed by seed so the machine's load falls on all of them alike. The paper-recipe solutions of
 * the tuning half are the library the warm starts read; a text never starts from its own solution.
 */
final class FitSpeedBench {
    /** The candidates, by name; "paper" is the reference every ratio is taken against. */
    static final Map<String, FitStart> CANDIDATES = new LinkedHashMap<>();

    static {
        FitStart p = FitStart.PAPER;
        CANDIDATES.put("paper", p);
        CANDIDATES.put("lr-x3", p.withSchedule(FitStart.Schedule.CONSTANT, 3, 0));
        CANDIDATES.put("warmup-cosine-x3", p.withSchedule(FitStart.Schedule.WARMUP_COSINE, 3, 20));
        CANDIDATES.put("warmup-cosine-x5", p.withSchedule(FitStart.Schedule.WARMUP_COSINE, 5, 20));
        CANDIDATES.put("focus-1", p.withFocus(1));
        CANDIDATES.put("focus-3", p.withFocus(3));
        CANDIDATES.put("init-x0.5", p.withInitScale(0.5));
        CANDIDATES.put("init-x2", p.withInitScale(2));
        CANDIDATES.put("mean-m", p.withWarm(FitStart.Warm.MEAN_M));
        CANDIDATES.put("nearest", p.withWarm(FitStart.Warm.NEAREST));
        CANDIDATES.put("lr-x3+mean-m", p.withSchedule(FitStart.Schedule.CONSTANT, 3, 0).withWarm(FitStart.Warm.MEAN_M));
        CANDIDATES.put("fast", FitStart.FAST);
    }

    record Text(String kind, String text, boolean tuning) {}

    private final LoadedModel model;
    private final int length;
    private final int seeds;
    private final int maxSteps;
    private final List<String> recipes;
    private final String half;

    FitSpeedBench(LoadedModel model, int length, int seeds, int maxSteps, List<String> recipes, String half) {
        this.model = model;
        this.length = length;
        this.seeds = seeds;
        this.maxSteps = maxSteps;
        this.recipes = recipes;
        this.half = half;
        for (String r : recipes) {
            if (!CANDIDATES.containsKey(r)) {
                throw new UserError("unknown recipe '" + r + "' for --recipes; known: " + String.join(", ", CANDIDATES.keySet()));
            }
        }
        if (!recipes.contains("paper")) {
            throw new UserError("--recipes must include paper: every ratio is against it");
        }
        if (!half.equals("held-out") && !half.equals("tuning")) {
            throw new UserError("--half must be held-out or tuning, got '" + half + "'");
        }
    }

    static List<Text> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UserError("cannot read the benchmark set " + file + ": " + e.getMessage()
                    + " (give it with --texts; it is bench/fast-start/texts.tsv in the source tree)");
        }
        List<Text> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new UserError(file + ": a line without a tab between kind and text: " + line);
            }
            String kind = line.substring(0, tab);
            int i = seen.merge(kind, 1, Integer::sum);
            // within each kind the 1st, 3rd, 5th … tune and the 2nd, 4th, 6th … are held out
            out.add(new Text(kind, line.substring(tab + 1).replace("\\n", "\n"), i % 2 == 1));
        }
        return out;
    }

    Map<String, Object> run(List<Text> texts) {
        Fitter fitter = new Fitter(model);
        List<FitTarget> tuning = targets(texts, true);
        List<FitTarget> measured = half.equals("tuning") ? tuning : targets(texts, false);
        FitSpec paper = FitSpec.defaults().withMaxSteps(maxSteps);

        // the library: the paper recipe's solutions of the tuning half (all seeds of a text in one batch)
        long t0 = System.nanoTime();
        List<WarmVectors.Solution> library = new ArrayList<>();
        for (FitTarget t : tuning) {
            FitResult r = fitter.fit(FitRequest.seeds(t, paper.withSeed(1000), seeds), FitMonitor.none());
            for (FitResult.Item it : r.items()) {
                if (it.reached()) {
                    library.add(new WarmVectors.Solution(t.text() + "#" + it.seed(), t.ids(), it.e(), it.m()));
                }
            }
        }
        double libSeconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf("library: %d solutions of %d tuning texts in %.0f s%n", library.size(), tuning.size(), libSeconds);

        Map<String, List<double[]>> runs = new LinkedHashMap<>(); // recipe -> [reached, steps, millis]
        for (String r : recipes) {
            runs.put(r, new ArrayList<>());
        }
        for (FitTarget t : measured) {
            List<WarmVectors.Solution> others = library.stream().filter(s -> !Arrays.equals(s.tokens(), t.ids())).toList();
            for (int s = 0; s < seeds; s++) {
                StringBuilder line = new StringBuilder();
                for (String name : recipes) {
                    FitStart start = CANDIDATES.get(name);
                    FitRequest req = FitRequest.single(t, paper.withSeed(s).withStart(start));
                    long w0 = System.nanoTime();
                    WarmVectors warm = WarmVectors.of(start.warm(), others, t.ids());
                    if (warm != null) {
                        req = req.startingFrom(fitter.initialState(req, warm));
                    }
                    FitResult res = fitter.fit(req, FitMonitor.none());
                    double ms = (System.nanoTime() - w0) / 1e6;
                    FitResult.Item it = res.items().getFirst();
                    runs.get(name).add(new double[] {it.reached() ? 1 : 0, it.reached() ? it.stepsToReach() : maxSteps, ms});
                    line.append(String.format(java.util.Locale.ROOT, " %s=%s/%.1fs", name, it.reached() ? it.stepsToReach() : "-", ms / 1000));
                }
                System.err.println(t.text().replace('\n', ' ').substring(0, Math.min(30, t.text().length())) + " s" + s + ":" + line);
            }
        }

        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.path().toString());
        o.put("tokens", length);
        o.put("half", half);
        o.put("texts", measured.size());
        o.put("seeds", seeds);
        o.put("max_steps", maxSteps);
        o.put("library_solutions", library.size());
        o.put("threads", EngineRuntime.get().threads());
        Map<String, Object> byRecipe = new LinkedHashMap<>();
        Summary base = Summary.of(runs.get("paper"));
        for (String name : recipes) {
            Summary s = Summary.of(runs.get(name));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("start", CANDIDATES.get(name).describe());
            r.put("success_rate", s.success);
            r.put("steps_median", orNull(s.stepsMedian));
            r.put("steps_p90", orNull(s.stepsP90));
            r.put("seconds_median", orNull(s.msMedian / 1000));
            r.put("seconds_p90", orNull(s.msP90 / 1000));
            r.put("seconds_total", s.msTotal / 1000);
            r.put("median_seconds_vs_paper", s.msMedian / base.msMedian);
            r.put("median_steps_vs_paper", s.stepsMedian / base.stepsMedian);
            byRecipe.put(name, r);
        }
        o.put("recipes", byRecipe);
        return o;
    }

    /**
     * Medians and p90s over every fit, failures counted as never reaching (infinite), so a recipe that fails
     * more often cannot look faster by dropping its hard cases; "never" prints as null.
     */
    record Summary(double success, double stepsMedian, double stepsP90, double msMedian, double msP90, double msTotal) {
        static Summary of(List<double[]> runs) {
            double[] steps = new double[runs.size()];
            double[] ms = new double[runs.size()];
            double ok = 0;
            double total = 0;
            for (int i = 0; i < runs.size(); i++) {
                double[] r = runs.get(i);
                ok += r[0];
                total += r[2];
                steps[i] = r[0] > 0 ? r[1] : Double.POSITIVE_INFINITY;
                ms[i] = r[0] > 0 ? r[2] : Double.POSITIVE_INFINITY;
            }
            return new Summary(ok / runs.size(), quantile(steps, 0.5), quantile(steps, 0.9), quantile(ms, 0.5),
                    quantile(ms, 0.9), total);
        }
    }

    /** A quantile that is "never" (more failures than the quantile allows) as JSON null. */
    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** The q-quantile (lower, no interpolation, like a median of an odd count); NaN for infinity (JSON null). */
    static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        double x = s[(int) Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
        return Double.isInfinite(x) ? Double.NaN : x;
    }

    private List<FitTarget> targets(List<Text> texts, boolean tuning) {
        List<FitTarget> out = new ArrayList<>();
        for (Text t : texts) {
            if (t.tuning() != tuning) {
                continue;
            }
            Encoding enc = model.tokenizer().encode(t.text(), false);
            if (enc.size() < length) {
                throw new UserError("the benchmark text \"" + t.text() + "\" has only " + enc.size() + " tokens for "
                        + model.name() + "; --length is " + length);
            }
            long[] ids = Arrays.copyOf(enc.ids(), length);
            out.add(new FitTarget(model.tokenizer().decode(ids, false), ids, Arrays.copyOf(enc.pieces(), length),
                    Arrays.copyOf(enc.starts(), length), Arrays.copyOf(enc.ends(), length)));
        }
        return out;
    }
}
