package dev.protolens.app.cli;

import dev.protolens.app.figures.TauCurvesFigure;
import dev.protolens.engine.UserError;
import dev.protolens.engine.analysis.BezierPath;
import dev.protolens.engine.analysis.BezierSpec;
import dev.protolens.engine.analysis.Interpolation;
import dev.protolens.engine.analysis.LearnedPath;
import dev.protolens.engine.analysis.PathCurve;
import dev.protolens.engine.analysis.PathPoint;
import dev.protolens.engine.analysis.PathProgress;
import dev.protolens.engine.analysis.PathSpace;
import dev.protolens.engine.analysis.SavedPath;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Walk between two runs: decode the straight line (and with --bezier a learned quadratic Bézier",
            "path) at evenly spaced τ, every point in one batched pass, and report accuracy, loss and the text written.",
            "Between runs of different texts, each point's text is compared with both ends instead."})
final class InterpolateCommand implements Callable<Integer> {
    @Option(names = "--a", required = true, description = "The run at τ = 0: an id in the library, or a run folder.")
    String runA;

    @Option(names = "--b", required = true, description = "The run at τ = 1.")
    String runB;



    @Option(names = "--space", description = "e (the runs share m, e moves) or pair (e and m move). Default: e when the runs share m, else pair.")
    String space;

    @Option(names = "--points", defaultValue = "21", description = "How many evenly spaced τ from 0 to 1. Default ${DEFAULT-VALUE}.")
    int points;

    @Option(names = "--bezier", description = "Also learn a Bézier path (control point by Adam on the loss at random τ) and decode it; it is saved with the runs.")
    boolean bezier;

    @Option(names = "--path", description = "Decode this saved path (its id in the library's .paths) instead of learning one.")
    String pathId;

    @Option(names = "--steps", defaultValue = "" + BezierSpec.STEPS, description = "At most this many updates of the control point. Default ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--lr", defaultValue = "" + BezierSpec.LR, description = "Adam's learning rate for the control point. Default ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--taus-per-step", defaultValue = "" + BezierSpec.TAUS_PER_STEP, description = "Random τ per update. Default ${DEFAULT-VALUE}.")
    int tausPerStep;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random τ. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--no-save", description = "Do not keep the learned path in the library.")
    boolean noSave;

    @Option(names = "--out", required = true, description = "Output: .csv or .json (τ, accuracy, loss, text per point), or the curves against τ as .svg, .png (2×) or .pdf.")
    Path out;

    @Option(names = "--width", defaultValue = "760", description = "Figure width in points (PNG: pixels at 1×). Default ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--height", defaultValue = "360", description = "Figure height in points. Default ${DEFAULT-VALUE}.")
    double height;


    @Option(names = "--quiet", description = "No progress lines while learning.")
    boolean quiet;

    @Mixin
    ModelLibraryJson common;

    @Override
    public Integer call() throws Exception {
        OutputFormat format = OutputFormat.of(out);
        OutputFormat.checkFigureSize(width, height);
        if (pathId != null && bezier) {
            throw new UserError("Give --bezier (learn a path) or --path ID (use a saved one), not both.");
        }
        BezierPath.taus(points);
        RunLibrary defaultLib = common.library.library();
        Located a = locate(runA, defaultLib);
        Located b = locate(runB, defaultLib);
        Interpolation ends = Interpolation.between(a.run, b.run);
        SavedPath saved = pathId != null ? SavedPath.load(a.library, pathId) : null;
        if (saved != null && !saved.record().joins(a.run.id(), b.run.id())) {
            throw new UserError("Saved path " + pathId + " joins runs " + saved.record().runA() + " and "
                    + saved.record().runB() + ", not " + a.run.id() + " and " + b.run.id() + ".");
        }
        boolean sharedM = Arrays.equals(a.run.vectors().m(), b.run.vectors().m());
        PathSpace ps = space != null ? PathSpace.parse(space) : saved != null ? saved.path().space()
                : sharedM ? PathSpace.E : PathSpace.PAIR;
        if (saved != null && ps != saved.path().space()) {
            throw new UserError("Saved path " + pathId + " moves " + saved.path().space().cliName() + ", not "
                    + ps.cliName() + "; drop --space.");
        }
        BezierPath line = BezierPath.straight(ends.a(), ends.b(), ps);
        Path modelPath = common.model.pathFor(a.run.record());
        Map<String, Object> o = new LinkedHashMap<>();
        LoadedModel m = common.model.load(modelPath); // closed by its session
        try (ModelSession session = ModelSession.of(m)) {
            RunLibrary.requireModel(a.run.record(), m);
            PathCurve straight = session.submit(x -> ends.curve(x, line, points)).get();
            o.put("run_a", a.run.id());
            o.put("run_b", b.run.id());
            o.put("model", Map.of("identity", a.run.record().model().identity(), "name", m.name()));
            o.put("same_text", ends.sameText());
            o.put("space", ps.cliName());
            o.put("chord", line.chord());
            o.put("straight", curve(straight, line));
            PathCurve curved = null;
            BezierPath bez = null;
            if (saved != null) {
                bez = saved.path().a().equals(ends.a()) ? saved.path()
                        : new BezierPath(ends.a(), ends.b(), saved.path().control(), ps);
                BezierPath chosen = bez;
                curved = session.submit(x -> ends.curve(x, chosen, points)).get();
                Map<String, Object> c = curve(curved, bez);
                c.put("path_id", saved.record().id());
                o.put("bezier", c);
            } else if (bezier) {
                BezierSpec spec = BezierSpec.defaults().withSteps(steps).withLr(lr).withTausPerStep(tausPerStep)
                        .withSeed(seed);
                LearnedPath learned = session.learnPath(ends, ps, spec, quiet ? null : progress(), 1).result().get();
                bez = learned.path();
                BezierPath chosen = bez;
                curved = session.submit(x -> ends.curve(x, chosen, points)).get();
                Map<String, Object> c = curve(curved, bez);
                c.put("status", learned.status().name().toLowerCase(Locale.ROOT));
                c.put("updates", learned.updates());
                c.put("millis", learned.millis());
                if (!noSave) {
                    SavedPath s = SavedPath.save(a.library, a.run, b.run, learned, spec);
                    c.put("path_id", s.record().id());
                }
                o.put("bezier", c);
            }
            switch (format) {
                case CSV -> OutputFormat.write(out, csv(straight, curved));
                case JSON -> OutputFormat.write(out, Json.MAPPER.writeValueAsString(o));
                case SVG, PNG, PDF -> {
                TauCurvesFigure f = new TauCurvesFigure();
                f.showPaths(ends.sameText(), straight, curved);
                f.setEnds(a.run.record(), b.run.record());
                format.writeFigure(out, f, width, height);
            }
            }
            if (common.output.json) {
                Json.print(o);
            } else {
                summary("straight", straight, line);
                if (curved != null) {
                    summary("bezier", curved, bez);
                    Object id = ((Map<?, ?>) o.get("bezier")).get("path_id");
                    if (id != null && saved == null) {
                        System.out.println("saved the learned path as " + id + " in " + a.library.root().resolve(".paths"));
                    }
                }
                System.out.println("wrote " + out);
            }
        }
        return 0;
    }

    record Located(Run run, RunLibrary library) {}

    /** A run by id in the library, or a run folder (whose parent is then its library). */
    static Located locate(String idOrFolder, RunLibrary lib) {
        Path folder = Path.of(idOrFolder);
        if (Files.isRegularFile(folder.resolve(RunLibrary.RUN_JSON))) {
            Path abs = folder.toAbsolutePath().normalize();
            RunLibrary parent = new RunLibrary(abs.getParent());
            return new Located(parent.load(abs.getFileName().toString()), parent);
        }
        return new Located(lib.load(idOrFolder), lib);
    }

    private static Consumer<PathProgress> progress() {
        long[] last = {0};
        return p -> {
            long now = System.currentTimeMillis();
            if (p.finished() || now - last[0] >= 2000) {
                last[0] = now;
                System.err.printf(Locale.ROOT, "update %4d/%d  loss %.4f  worst accuracy on the check grid %s%n",
                        p.step(), p.steps(), p.loss(), Double.isNaN(p.minAccuracy()) ? "-"
                                : String.format(Locale.ROOT, "%.1f%%", 100 * p.minAccuracy()));
            }
        };
    }

    private static Map<String, Object> curve(PathCurve c, BezierPath p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("length_ratio", p.lengthRatio());
        m.put("min_accuracy", finite(c.minAccuracy()));
        List<Map<String, Object>> pts = new ArrayList<>();
        for (PathPoint x : c.points()) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("tau", x.tau());
            q.put("accuracy", finite(x.accuracy()));
            q.put("loss", finite(x.loss()));
            q.put("match_a", x.matchA());
            q.put("match_b", x.matchB());
            q.put("text", x.text());
            pts.add(q);
        }
        m.put("points", pts);
        return m;
    }

    private static String csv(PathCurve straight, PathCurve bezier) {
        StringBuilder b = new StringBuilder("path,tau,accuracy,loss,match_a,match_b,text\n");
        rows(b, "straight", straight);
        if (bezier != null) {
            rows(b, "bezier", bezier);
        }
        return b.toString();
    }

    private static void rows(StringBuilder b, String name, PathCurve c) {
        for (PathPoint p : c.points()) {
            b.append(name).append(',').append(String.format(Locale.ROOT, "%.6f,%s,%s,%.4f,%.4f,", p.tau(),
                    number(p.accuracy()), number(p.loss()), p.matchA(), p.matchB()))
                    .append(OutputFormat.csv(p.text())).append('\n');
        }
    }

    private static void summary(String name, PathCurve c, BezierPath p) {
        PathPoint w = c.worst();
        if (Double.isNaN(c.minAccuracy())) {
            System.out.printf(Locale.ROOT, "%-8s length ratio %.3f; different texts: match with A %.0f%% → %.0f%%,"
                            + " with B %.0f%% → %.0f%%%n", name, p.lengthRatio(), 100 * c.points().getFirst().matchA(),
                    100 * c.points().getLast().matchA(), 100 * c.points().getFirst().matchB(),
                    100 * c.points().getLast().matchB());
        } else {
            System.out.printf(Locale.ROOT, "%-8s length ratio %.3f; worst accuracy %.1f%% at τ=%.2f: %s%n", name,
                    p.lengthRatio(), 100 * w.accuracy(), w.tau(), w.text());
        }
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
