package dev.protolens.engine.work;

import dev.protolens.engine.UserError;
import dev.protolens.engine.analysis.BezierPath;
import dev.protolens.engine.analysis.Locality;
import dev.protolens.engine.analysis.Metric;
import dev.protolens.engine.analysis.PathSpace;
import dev.protolens.engine.analysis.Pca;
import dev.protolens.engine.analysis.RunSpace;
import dev.protolens.engine.analysis.SavedPath;
import dev.protolens.engine.analysis.Tsne;
import dev.protolens.engine.analysis.VectorKind;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The map of a library's solutions: the runs of one model, their vectors (e, m or both) projected to 2-D with
 * PCA or t-SNE, the paths between two runs drawn through the same projection, and the titles the map is shown
 * with. The Atlas and {@code protolens project} both compute it here, so the window and the figures on disk
 * say the same thing. One instance is one request: a t-SNE can be paused, resumed and cancelled while it runs.
 */
public final class LibraryProjection {
    /** Path samples drawn between two runs: τ = 0, 0.05, …, 1. */
    public static final int PATH_POINTS = 21;

    public enum Method {
        PCA, TSNE;

        /** As the map's controls and headings name it. */
        public String label() {
            return this == PCA ? "PCA" : "t-SNE";
        }

        /** {@code pca}, {@code tsne} or {@code t-sne}, as typed on the command line. */
        public static Method parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "pca" -> PCA;
                case "tsne", "t-sne" -> TSNE;
                default -> throw new UserError("Unknown --method '" + s + "': use pca or tsne.");
            };
        }
    }

    /**
     * The library's runs as read for a map.
     *
     * @param runs        the finished runs (the map's points)
     * @param problems    one line per run that could not be read (left out of the map)
     * @param checkpoints unfinished fits kept as checkpoints: drawn hollow, projected like the runs but not part
     *                    of the distances between solutions
     * @param notFinite   runs (finished or not) whose vectors hold NaN or infinite values: no place on a map
     */
    public record Library(List<Run> runs, List<String> problems, List<Run> checkpoints, List<RunRecord> notFinite) {
        public Library(List<Run> runs, List<String> problems) {
            this(runs, problems, List.of(), List.of());
        }
    }

    /** A path between two runs in the map's vectors: its name, whether it is the straight line, its samples. */
    public record Path(String name, boolean straight, double[][] x) {}

    /** A path as drawn on the map. */
    public record Trace(String name, double[][] xy, boolean straight) {}

    /**
     * One state of the map.
     *
     * @param runs               the runs, in the order of {@code xy}
     * @param finished           false while a t-SNE is still moving
     * @param varianceExplained  PCA: the share of the variance of each component; null for t-SNE
     * @param tsne               t-SNE's final result (perplexity used, iterations, KL); null otherwise
     * @param checkpoints        unfinished fits of the same model, in the order of {@code checkpointXy}
     */
    public record Frame(List<Run> runs, double[][] xy, List<Trace> traces, String title, String xLabel,
                        String yLabel, String note, boolean finished, double[] varianceExplained, Tsne.Result tsne,
                        List<Run> checkpoints, double[][] checkpointXy) {
        public Frame(List<Run> runs, double[][] xy, List<Trace> traces, String title, String xLabel, String yLabel,
                     String note, boolean finished, double[] varianceExplained, Tsne.Result tsne) {
            this(runs, xy, traces, title, xLabel, yLabel, note, finished, varianceExplained, tsne, List.of(),
                    new double[0][]);
        }

        /** The map of nothing (no model chosen, or the computation failed). */
        public static Frame empty(List<Run> runs) {
            return new Frame(runs, new double[0][], List.of(), "Map of solutions", "", "", "", true, null, null);
        }
    }

    private final RunSpace space;
    private final VectorKind kind;
    private final Method method;
    private final List<Path> paths;
    private final Tsne.Options tsneOptions;
    private final List<Run> checkpoints;
    private volatile Tsne tsne;
    private volatile boolean cancelled;

    private LibraryProjection(RunSpace space, VectorKind kind, Method method, List<Path> paths,
                              Tsne.Options tsneOptions, List<Run> checkpoints) {
        this.space = space;
        this.kind = kind;
        this.method = method;
        this.paths = List.copyOf(paths);
        this.tsneOptions = tsneOptions;
        this.checkpoints = List.copyOf(checkpoints);
    }

    /** A map of these runs, with these paths drawn through it (none: {@code List.of()}). */
    public static LibraryProjection of(RunSpace space, VectorKind kind, Method method, List<Path> paths,
                                       Tsne.Options tsneOptions) {
        return new LibraryProjection(space, kind, method, paths, tsneOptions, List.of());
    }

    /**
     * The same map with unfinished fits (checkpoints of {@code space}'s model) placed on it: PCA projects them
     * with the runs' components (an early checkpoint, far from every solution, does not bend the map), t-SNE takes
     * them into its input like a path's samples.
     */
    public LibraryProjection withCheckpoints(List<Run> unfinished) {
        return new LibraryProjection(space, kind, method, paths, tsneOptions, unfinished);
    }

    /**
     * Every run the library can read: the solutions, and apart from them the checkpoints of unfinished fits. Runs
     * whose vectors are not finite are named in {@link Library#notFinite()}: a checksum proves only that the file
     * is what was saved, and NaN has no place on a map.
     */
    public static Library load(RunLibrary lib) {
        RunLibrary.Listing listing = lib.list();
        List<Run> runs = new ArrayList<>();
        List<Run> checkpoints = new ArrayList<>();
        List<RunRecord> notFinite = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (RunLibrary.Problem p : listing.problems()) {
            problems.add(p.folder().getFileName() + ": " + p.message());
        }
        for (RunRecord r : listing.runs()) {
            try {
                Run run = lib.load(r.id());
                if (run.vectors().nonFiniteCount() > 0) {
                    notFinite.add(r);
                } else {
                    (r.isCheckpoint() ? checkpoints : runs).add(run);
                }
            } catch (UserError e) {
                if (!r.isCheckpoint()) { // a running fit may be rewriting its checkpoint this moment
                    problems.add(r.id() + ": " + e.getMessage());
                }
            }
        }
        return new Library(runs, problems, checkpoints, notFinite);
    }

    /**
     * The paths the map draws between runs a and b: the straight line and, if one was saved, the latest learned
     * Bézier curve. Runs with one m move along e only (the paper's setting), others along e and m.
     */
    public static List<Path> paths(RunLibrary lib, Run a, Run b, VectorKind k) {
        PathSpace ps = Arrays.equals(a.vectors().m(), b.vectors().m()) ? PathSpace.E : PathSpace.PAIR;
        List<Path> out = new ArrayList<>();
        out.add(new Path("straight line", true, sample(BezierPath.straight(a.vectors(), b.vectors(), ps), k)));
        try {
            SavedPath.latestBetween(lib, a, b, ps).ifPresent(p -> out.add(new Path("learned Bézier", false,
                    sample(p.path(), k))));
        } catch (UserError e) {
            // a saved path that no longer fits its runs is simply not drawn; the Interpolation view says why
        }
        return out;
    }

    private static double[][] sample(BezierPath p, VectorKind k) {
        double[] taus = BezierPath.taus(PATH_POINTS);
        double[][] x = new double[taus.length][];
        for (int i = 0; i < taus.length; i++) {
            float[] v = k.of(p.at(taus[i]));
            x[i] = new double[v.length];
            for (int j = 0; j < v.length; j++) {
                x[i][j] = v[j];
            }
        }
        return x;
    }

    public RunSpace space() {
        return space;
    }

    /** The same-text and different-text cosine distances of the mapped vectors; null for fewer than 2 runs. */
    public Locality locality() {
        return space.size() >= 2 ? space.locality(kind, Metric.COSINE) : null;
    }

    /**
     * Computes the map and returns its final frame. While a t-SNE moves, {@code frames} (may be null) gets a
     * state every {@code every} iterations, on a thread of its own; the final state is only returned, so a
     * display that shows both never shows it twice.
     */
    public Frame run(Consumer<Frame> frames, int every) {
        return method == Method.PCA ? pca() : tsne(frames, every);
    }

    /** Stops a running t-SNE at its next iteration (a newer request replaced this one). */
    public void cancel() {
        cancelled = true;
        Tsne t = tsne;
        if (t != null) {
            t.cancel();
        }
    }

    public void pause(boolean pause) {
        Tsne t = tsne;
        if (t != null) {
            if (pause) {
                t.pause();
            } else {
                t.resume();
            }
        }
    }

    private Frame pca() {
        double[][] x = space.matrix(kind);
        double[][] cps = checkpointMatrix();
        if (x.length == 0) {
            return Frame.empty(space.runs());
        }
        if (x.length == 1 && cps.length == 0) {
            // one run is a point, not yet a map, but it can be selected, and more seeds grow the map from it
            return new Frame(space.runs(), new double[][] {{0, 0}}, List.of(), title(space, kind), "", "",
                    "one run: fit more seeds of its text to make a map (Atlas: select it, Fit seeds…;"
                            + " command line: fit --restarts)", true, null, null);
        }
        // the components are the solutions' own; only with one solution do the checkpoints help to make them
        Pca p = Pca.fit(x.length >= 2 ? x : concat(x, cps), Math.min(2, x[0].length));
        // PCA is a linear map: a path's samples (and the checkpoints) land where the same projection puts them
        List<Trace> traces = new ArrayList<>();
        for (Path s : paths) {
            traces.add(new Trace(s.name(), project(p, s.x()), s.straight()));
        }
        double[] v = p.varianceExplained();
        double[][] xy = x.length >= 2 ? p.coordinates() : project(p, x);
        return new Frame(space.runs(), xy, traces, title(space, kind, checkpoints.size()), pcaAxis(1, v[0]),
                v.length > 1 ? pcaAxis(2, v[1]) : "", v.length > 1 ? pcaNote(v) : "", true, v, null, checkpoints,
                project(p, cps));
    }

    private static double[][] project(Pca p, double[][] rows) {
        double[][] t = new double[rows.length][];
        for (int i = 0; i < t.length; i++) {
            t[i] = p.apply(rows[i]);
        }
        return t;
    }

    private static double[][] concat(double[][] a, double[][] b) {
        double[][] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private double[][] checkpointMatrix() {
        return new RunSpace(space.modelIdentity(), space.modelName(), checkpoints).matrix(kind);
    }

    /**
     * t-SNE has no projection for new points, so a path's samples (and the checkpoints) join the input and the
     * map is computed with them (the runs' places then depend a little on which paths are shown).
     */
    private Frame tsne(Consumer<Frame> frames, int every) {
        double[][] runs = space.matrix(kind);
        List<double[]> rows = new ArrayList<>(Arrays.asList(runs));
        rows.addAll(Arrays.asList(checkpointMatrix()));
        for (Path s : paths) {
            rows.addAll(Arrays.asList(s.x()));
        }
        if (rows.size() < 3) {
            throw new UserError("t-SNE needs at least 3 runs; this model has " + runs.length + ". Use PCA, or fit"
                    + " more seeds.");
        }
        Tsne t = Tsne.of(rows.toArray(double[][]::new), tsneOptions);
        tsne = t;
        if (cancelled) {
            t.cancel();
        }
        int n = runs.length;
        Tsne.Result r = t.run(frames == null ? null : pr -> {
            if (!cancelled && !pr.finished()) {
                frames.accept(tsneFrame(pr.coordinates(), n, pr.iteration(), pr.iterations(), t.perplexity(),
                        pr.cost(), pr.finished(), null));
            }
        }, every);
        return tsneFrame(r.coordinates(), n, r.iterations(), r.iterations(), r.perplexity(), r.cost(), true, r);
    }

    private Frame tsneFrame(double[][] c, int n, int iteration, int iterations, double perplexity, double kl,
                            boolean finished, Tsne.Result result) {
        List<Trace> traces = new ArrayList<>();
        int at = n + checkpoints.size();
        for (Path s : paths) {
            traces.add(new Trace(s.name(), Arrays.copyOfRange(c, at, at + s.x().length), s.straight()));
            at += s.x().length;
        }
        return new Frame(space.runs(), Arrays.copyOf(c, n), traces, title(space, kind, checkpoints.size()), "t-SNE 1",
                "t-SNE 2", tsneNote(iteration, iterations, perplexity, kl), finished, null, result, checkpoints,
                Arrays.copyOfRange(c, n, n + checkpoints.size()));
    }

    // ---- the words the map is shown with ----

    /** The map's heading, in the Atlas and in {@code protolens project}'s figures. */
    public static String title(RunSpace sp, VectorKind k) {
        return title(sp, k, 0);
    }

    /** The same with the unfinished fits drawn beside the runs ("Map of 7 runs + 2 unfinished of …"). */
    public static String title(RunSpace sp, VectorKind k, int unfinished) {
        return "Map of " + sp.size() + (sp.size() == 1 ? " run" : " runs")
                + (unfinished > 0 ? " + " + unfinished + " unfinished" : "") + " of " + sp.modelName() + " ("
                + kindLabel(k) + ")";
    }

    /** Why a map has fewer points than the library has runs: "2 runs not shown: their vectors are not finite". */
    public static String notFiniteLine(int runs) {
        return runs + (runs == 1 ? " run not shown: its vectors are" : " runs not shown: their vectors are")
                + " not finite (NaN or infinite)";
    }

    /** A PCA map's axis label: the component and the share of the variance it explains. */
    public static String pcaAxis(int component, double varianceExplained) {
        return String.format(Locale.ROOT, "PC %d (%.1f %%)", component, 100 * varianceExplained);
    }

    public static String pcaNote(double[] v) {
        return String.format(Locale.ROOT, "PCA: %.1f %% + %.1f %% of the variance", 100 * v[0], 100 * v[1]);
    }

    public static String tsneNote(int iteration, int iterations, double perplexity, double kl) {
        return String.format(Locale.ROOT, "t-SNE: iteration %d of %d · perplexity %.1f · KL %.3f", iteration,
                iterations, perplexity, kl);
    }

    /** e, m or e‖m, as the map's title and the distance panel name the vectors. */
    public static String kindLabel(VectorKind k) {
        return switch (k) {
            case E -> "e";
            case M -> "m";
            case BOTH -> "e‖m";
        };
    }
}
