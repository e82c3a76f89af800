package dev.protolens.app.atlas;

import dev.protolens.app.figures.ProjectionFigure;
import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.UserError;
import dev.protolens.engine.analysis.BezierPath;
import dev.protolens.engine.analysis.Locality;
import dev.protolens.engine.analysis.Metric;
import dev.protolens.engine.analysis.Pca;
import dev.protolens.engine.analysis.PathSpace;
import dev.protolens.engine.analysis.RunSpace;
import dev.protolens.engine.analysis.SavedPath;
import dev.protolens.engine.analysis.Tsne;
import dev.protolens.engine.analysis.VectorKind;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.fit.FitProgress;
import dev.protolens.engine.work.FitJob;
import dev.protolens.engine.work.JobProgress;
import dev.protolens.app.ui.Tasks;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Init;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import dev.protolens.engine.store.RunStoreException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Atlas screen without its nodes: the library's runs of one model, their vectors (e, m or both) projected
 * with PCA or t-SNE, the colouring, the selection (at most two runs, A and B), the paths between A and B drawn
 * through the same projection, the distance distributions, and "Fit seeds…". Projections are computed on their
 * own thread ({@code atlas-map}); a t-SNE hands its coordinates over as it runs, and each map state is parked
 * for the view's frame loop ({@link #takeFrame()}), latest wins, so the map animates at most once per frame.
 * Properties change on the FX thread only.
 */
public final class AtlasViewModel {
    /** Path samples drawn between A and B: τ = 0, 0.05, …, 1. */
    static final int PATH_POINTS = 21;
    static final int TSNE_EVERY = 5;

    public enum Method {
        PCA("PCA"), TSNE("t-SNE");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public enum ColourBy {
        TEXT("text"), SEED("seed"), ACCURACY("accuracy"), DATE("date");

        private final String label;

        ColourBy(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A model whose runs can be mapped. */
    public record ModelChoice(String identity, String name, int hiddenSize, int runs) {
        @Override
        public String toString() {
            return name + " (d=" + hiddenSize + ", " + runs + (runs == 1 ? " run)" : " runs)");
        }

        /** One model, whatever its run count: a refreshed list keeps the chooser's selection. */
        @Override
        public boolean equals(Object o) {
            return o instanceof ModelChoice c && c.identity.equals(identity);
        }

        @Override
        public int hashCode() {
            return identity.hashCode();
        }
    }

    /**
     * One state of the map.
     *
     * @param runs     the runs, in the order of {@code xy}
     * @param finished false while a t-SNE is still moving
     */
    public record MapFrame(List<Run> runs, double[][] xy, List<ProjectionFigure.Trace> traces, String title,
                           String xLabel, String yLabel, String note, boolean finished) {}

    private final Workbench wb;
    private final BiConsumer<Run, Run> openInInterpolate;
    private final ObservableList<ModelChoice> models = FXCollections.observableArrayList();
    private final ObjectProperty<ModelChoice> model = new SimpleObjectProperty<>();
    private final ObjectProperty<VectorKind> kind = new SimpleObjectProperty<>(VectorKind.E);
    private final ObjectProperty<Method> method = new SimpleObjectProperty<>(Method.PCA);
    private final ObjectProperty<ColourBy> colourBy = new SimpleObjectProperty<>(ColourBy.TEXT);
    private final BooleanProperty showPaths = new SimpleBooleanProperty(true);
    private final BooleanProperty paused = new SimpleBooleanProperty(false);
    private final ReadOnlyBooleanWrapper tsneRunning = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper fitting = new ReadOnlyBooleanWrapper(false);
    private final ObservableList<Run> selection = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Locality> locality = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<List<Run>> shownRuns = new ReadOnlyObjectWrapper<>(List.of());

    private final AtomicReference<MapFrame> pendingFrame = new AtomicReference<>();
    private final AtomicLong generation = new AtomicLong();
    private final ExecutorService compute = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "atlas-map");
        t.setDaemon(true);
        return t;
    });
    private volatile Tsne runningTsne;
    private volatile Runnable wake = () -> { };
    private List<Run> all = List.of();
    private RunSpace space;
    private List<String> drawnPair;
    private boolean settingModels;
    private boolean loading;
    private boolean stale;

    public AtlasViewModel(Workbench wb, BiConsumer<Run, Run> openInInterpolate) {
        this.wb = wb;
        this.openInInterpolate = openInInterpolate;
        model.addListener((o, was, now) -> {
            if (!settingModels && !Objects.equals(identity(was), identity(now))) {
                selection.clear();
                rebuildSpace();
            }
        });
        kind.addListener((o, was, now) -> recompute());
        method.addListener((o, was, now) -> recompute());
        showPaths.addListener((o, was, now) -> recompute());
        paused.addListener((o, was, now) -> {
            Tsne t = runningTsne;
            if (t != null) {
                if (now) {
                    t.pause();
                } else {
                    t.resume();
                }
            }
        });
        wb.sessionProperty().addListener((o, was, now) -> {
            if (now != null) {
                chooseModelOf(now);
            }
        });
    }

    // ---- properties ----

    public ObservableList<ModelChoice> models() {
        return models;
    }

    public ObjectProperty<ModelChoice> modelProperty() {
        return model;
    }

    public ObjectProperty<VectorKind> kindProperty() {
        return kind;
    }

    public ObjectProperty<Method> methodProperty() {
        return method;
    }

    public ObjectProperty<ColourBy> colourByProperty() {
        return colourBy;
    }

    public BooleanProperty showPathsProperty() {
        return showPaths;
    }

    /** Pauses and resumes a running t-SNE. */
    public BooleanProperty pausedProperty() {
        return paused;
    }

    public ReadOnlyBooleanProperty tsneRunningProperty() {
        return tsneRunning.getReadOnlyProperty();
    }

    /** True while "Fit seeds…" runs. */
    public ReadOnlyBooleanProperty fittingProperty() {
        return fitting.getReadOnlyProperty();
    }

    /** The selected runs, in the order they were picked (at most two: A, then B). */
    public ObservableList<Run> selection() {
        return selection;
    }

    public ReadOnlyObjectProperty<Locality> localityProperty() {
        return locality.getReadOnlyProperty();
    }

    /** Why the map is empty or incomplete (no runs, a damaged run, too few points), or "". */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** The runs of the chosen model, as mapped. */
    public ReadOnlyObjectProperty<List<Run>> shownRunsProperty() {
        return shownRuns.getReadOnlyProperty();
    }

    public void setWake(Runnable r) {
        wake = r;
    }

    /** The newest map state since the last call, or null; the frame loop calls this once per frame. */
    public MapFrame takeFrame() {
        return pendingFrame.getAndSet(null);
    }

    // ---- library ----

    /** Reads the library's runs (with their vectors) in the background, then maps the chosen model's. */
    public CompletableFuture<Void> refresh() {
        if (loading) {
            stale = true;
            return CompletableFuture.completedFuture(null);
        }
        loading = true;
        stale = false;
        RunLibrary lib = wb.library();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> load(lib), wb.io()).whenComplete((loaded, e) -> Platform.runLater(() -> {
            loading = false;
            if (e != null) {
                message.set(Dialogs.describe(e));
            } else {
                all = loaded.runs();
                setModels(loaded.problems());
            }
            done.complete(null);
            if (stale) {
                refresh();
            }
        }));
        return done;
    }

    private record Loaded(List<Run> runs, int problems) {}

    private static Loaded load(RunLibrary lib) {
        RunLibrary.Listing listing = lib.list();
        List<Run> runs = new ArrayList<>();
        int problems = listing.problems().size();
        for (RunRecord r : listing.runs()) {
            if (r.isCheckpoint()) {
                continue; // a fit still running or never saved: not a solution yet
            }
            try {
                runs.add(lib.load(r.id()));
            } catch (UserError e) {
                problems++;
            }
        }
        return new Loaded(runs, problems);
    }

    private void setModels(int problems) {
        Map<String, List<Run>> byModel = new LinkedHashMap<>();
        for (Run r : all) {
            byModel.computeIfAbsent(r.record().model().identity(), k -> new ArrayList<>()).add(r);
        }
        List<ModelChoice> choices = new ArrayList<>();
        for (Map.Entry<String, List<Run>> e : byModel.entrySet()) {
            RunRecord.ModelInfo info = e.getValue().getFirst().record().model();
            choices.add(new ModelChoice(e.getKey(), info.name(), info.hiddenSize(), e.getValue().size()));
        }
        ModelChoice was = model.get();
        // replacing the chooser's items may clear its value for a moment; that is not the user choosing
        settingModels = true;
        try {
            models.setAll(choices);
        } finally {
            settingModels = false;
        }
        ModelChoice keep = was == null ? null
                : choices.stream().filter(c -> c.identity().equals(was.identity())).findFirst().orElse(null);
        if (keep == null) {
            ModelSession s = wb.session();
            String open = s == null ? null : s.model().identity();
            keep = choices.stream().filter(c -> c.identity().equals(open)).findFirst()
                    .orElse(choices.isEmpty() ? null : choices.getFirst());
        }
        settingModels = true;
        try {
            model.set(keep);
        } finally {
            settingModels = false;
        }
        if (!Objects.equals(identity(was), identity(keep))) {
            selection.clear();
        }
        rebuildSpace();
        if (problems > 0 && message.get().isEmpty()) {
            message.set(problems + (problems == 1 ? " run could not be read and is" : " runs could not be read and are")
                    + " left out (the Library names them).");
        }
    }

    private static String identity(ModelChoice c) {
        return c == null ? null : c.identity();
    }

    private void chooseModelOf(ModelSession s) {
        String id = s.model().identity();
        models.stream().filter(c -> c.identity().equals(id)).findFirst().ifPresent(model::set);
    }

    private void rebuildSpace() {
        ModelChoice m = model.get();
        message.set("");
        if (m == null) {
            space = null;
            shownRuns.set(List.of());
            message.set(all.isEmpty() ? "No finished runs yet. Fit a text (several seeds make a map worth looking at),"
                    + " or select a run here and use \"Fit seeds…\"." : "");
            recompute();
            return;
        }
        space = RunSpace.of(all, m.identity());
        // the selection follows the runs as reloaded (a deleted run drops out of it)
        Map<String, Run> byId = new LinkedHashMap<>();
        for (Run r : space.runs()) {
            byId.put(r.id(), r);
        }
        List<Run> kept = selection.stream().map(r -> byId.get(r.id())).filter(Objects::nonNull).toList();
        if (!kept.equals(List.copyOf(selection))) {
            selection.setAll(kept);
        }
        shownRuns.set(space.runs());
        recompute();
    }

    // ---- selection ----

    /** A click on a run: selects it (the older of two selections gives way), or deselects it if selected. */
    public void toggle(Run r) {
        for (int i = 0; i < selection.size(); i++) {
            if (selection.get(i).id().equals(r.id())) {
                selection.remove(i);
                selectionChanged();
                return;
            }
        }
        if (selection.size() == 2) {
            selection.removeFirst();
        }
        selection.add(r);
        selectionChanged();
    }

    public void clearSelection() {
        if (!selection.isEmpty()) {
            selection.clear();
            selectionChanged();
        }
    }

    /** The map changes only when the pair whose paths it draws changes (a third click, a second one). */
    private void selectionChanged() {
        List<String> pair = selection.size() == 2 ? List.of(selection.get(0).id(), selection.get(1).id()) : null;
        if (showPaths.get() && !Objects.equals(pair, drawnPair)) {
            recompute();
        }
    }

    /** "Interpolate": opens the Interpolation view with A and B. */
    public void interpolate() {
        if (selection.size() == 2) {
            openInInterpolate.accept(selection.get(0), selection.get(1));
        }
    }

    // ---- the map ----

    /** Recomputes the map (and the distance distributions) on the atlas thread; a running t-SNE is stopped. */
    private void recompute() {
        long gen = generation.incrementAndGet();
        Tsne old = runningTsne;
        if (old != null) {
            old.cancel();
        }
        RunSpace sp = space;
        if (sp == null) {
            locality.set(null);
            pendingFrame.set(new MapFrame(List.of(), new double[0][], List.of(), "Map of solutions", "", "", "", true));
            wake.run();
            return;
        }
        VectorKind k = kind.get();
        Method m = method.get();
        List<Run> sel = showPaths.get() && selection.size() == 2 ? List.copyOf(selection) : List.of();
        drawnPair = sel.isEmpty() ? null : List.of(sel.get(0).id(), sel.get(1).id());
        RunLibrary lib = wb.library();
        paused.set(false); // a new map always starts moving
        compute.execute(() -> {
            if (generation.get() != gen) {
                return; // a newer request is queued
            }
            try {
                Locality loc = sp.size() >= 2 ? sp.locality(k, Metric.COSINE) : null;
                Platform.runLater(() -> {
                    if (generation.get() == gen) {
                        locality.set(loc);
                    }
                });
                List<Samples> paths = sel.isEmpty() ? List.of() : samples(lib, sel.get(0), sel.get(1), k);
                String title = mapTitle(sp, k);
                if (m == Method.PCA) {
                    pca(sp, k, paths, title, gen);
                } else {
                    tsne(sp, k, paths, title, gen);
                }
            } catch (RuntimeException e) {
                Platform.runLater(() -> {
                    if (generation.get() == gen) {
                        message.set(Dialogs.describe(e));
                    }
                });
                publish(new MapFrame(sp.runs(), new double[0][], List.of(), "Map of solutions", "", "", "", true), gen);
            }
        });
    }

    /** The map's heading, here and in {@code protolens project}'s figures. */
    public static String mapTitle(RunSpace sp, VectorKind k) {
        return "Map of " + sp.size() + (sp.size() == 1 ? " run" : " runs") + " of " + sp.modelName() + " ("
                + kindLabel(k) + ")";
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

    static String kindLabel(VectorKind k) {
        return switch (k) {
            case E -> "e";
            case M -> "m";
            case BOTH -> "e‖m";
        };
    }

    /** A path between A and B in the map's vectors: its name, whether it is the straight line, its samples. */
    private record Samples(String name, boolean straight, double[][] x) {}

    private static List<Samples> samples(RunLibrary lib, Run a, Run b, VectorKind k) {
        PathSpace ps = Arrays.equals(a.vectors().m(), b.vectors().m()) ? PathSpace.E : PathSpace.PAIR;
        List<Samples> out = new ArrayList<>();
        out.add(new Samples("straight line", true, sample(BezierPath.straight(a.vectors(), b.vectors(), ps), k)));
        try {
            SavedPath.latestBetween(lib, a, b, ps).ifPresent(p -> out.add(new Samples("learned Bézier", false,
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

    private void pca(RunSpace sp, VectorKind k, List<Samples> paths, String title, long gen) {
        double[][] x = sp.matrix(k);
        if (x.length == 1) {
            // one run is a point, not yet a map, but it can be selected, and "Fit seeds…" grows the map from it
            publish(new MapFrame(sp.runs(), new double[][] {{0, 0}}, List.of(), title, "", "",
                    "one run: select it and press Fit seeds… to make a map", true), gen);
            return;
        }
        Pca p = Pca.fit(x, 2);
        double[][] xy = p.coordinates();
        List<ProjectionFigure.Trace> traces = new ArrayList<>();
        // PCA is a linear map: a path's samples land where the same projection puts them
        for (Samples s : paths) {
            double[][] t = new double[s.x().length][];
            for (int i = 0; i < t.length; i++) {
                t[i] = p.apply(s.x()[i]);
            }
            traces.add(new ProjectionFigure.Trace(s.name(), t, s.straight()));
        }
        double[] v = p.varianceExplained();
        publish(new MapFrame(sp.runs(), xy, traces, title, pcaAxis(1, v[0]), pcaAxis(2, v[1]), pcaNote(v), true),
                gen);
    }

    /**
     * t-SNE has no projection for new points, so a path's samples join the input and the map is computed with
     * them (the runs' places then depend a little on which paths are shown).
     */
    private void tsne(RunSpace sp, VectorKind k, List<Samples> paths, String title, long gen) {
        double[][] runs = sp.matrix(k);
        List<double[]> rows = new ArrayList<>(Arrays.asList(runs));
        for (Samples s : paths) {
            rows.addAll(Arrays.asList(s.x()));
        }
        if (rows.size() < 3) {
            throw new UserError("t-SNE needs at least 3 runs; this model has " + runs.length + ". Use PCA, or fit"
                    + " more seeds.");
        }
        Tsne t = Tsne.of(rows.toArray(double[][]::new), Tsne.Options.defaults());
        runningTsne = t;
        Platform.runLater(() -> {
            if (generation.get() == gen) {
                tsneRunning.set(true);
            }
        });
        int n = runs.length;
        try {
            t.run(pr -> {
                if (generation.get() != gen) {
                    return;
                }
                double[][] c = pr.coordinates();
                List<ProjectionFigure.Trace> traces = new ArrayList<>();
                int at = n;
                for (Samples s : paths) {
                    traces.add(new ProjectionFigure.Trace(s.name(), Arrays.copyOfRange(c, at, at + s.x().length),
                            s.straight()));
                    at += s.x().length;
                }
                String note = tsneNote(pr.iteration(), pr.iterations(), t.perplexity(), pr.cost());
                publish(new MapFrame(sp.runs(), Arrays.copyOf(c, n), traces, title, "t-SNE 1", "t-SNE 2", note,
                        pr.finished()), gen);
            }, TSNE_EVERY);
        } finally {
            if (runningTsne == t) {
                runningTsne = null;
            }
            Platform.runLater(() -> {
                if (generation.get() == gen) {
                    tsneRunning.set(false);
                }
            });
        }
    }

    private void publish(MapFrame f, long gen) {
        if (generation.get() == gen) {
            pendingFrame.set(f);
            wake.run();
        }
    }

    // ---- colouring ----

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    /** The markers' colours for these runs. */
    public static ProjectionFigure.Colouring colouring(List<Run> runs, ColourBy by) {
        int n = runs.size();
        switch (by) {
            case TEXT -> {
                Map<String, Integer> index = TextColours.order(runs);
                int[] cat = new int[n];
                for (int i = 0; i < n; i++) {
                    cat[i] = index.get(runs.get(i).record().text());
                }
                Map<String, Integer> counts = new LinkedHashMap<>();
                for (Run r : runs) {
                    counts.merge(r.record().text(), 1, Integer::sum);
                }
                String[] names = index.keySet().stream()
                        .map(t -> counts.get(t) + " × “" + oneLine(t) + "”").toArray(String[]::new);
                return ProjectionFigure.Colouring.categorical("text", cat, names);
            }
            case SEED -> {
                TreeSet<Long> seeds = new TreeSet<>();
                for (Run r : runs) {
                    seeds.add(seedOf(r));
                }
                List<Long> order = new ArrayList<>(seeds);
                if (order.size() <= 8) {
                    int[] cat = new int[n];
                    for (int i = 0; i < n; i++) {
                        cat[i] = order.indexOf(seedOf(runs.get(i)));
                    }
                    return ProjectionFigure.Colouring.categorical("seed", cat,
                            order.stream().map(s -> s == Long.MIN_VALUE ? "unknown" : "seed " + s).toArray(String[]::new));
                }
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (double) order.indexOf(seedOf(runs.get(i))) / (order.size() - 1);
                }
                return ProjectionFigure.Colouring.continuous("seed", v, "seed " + order.getFirst(),
                        "seed " + order.getLast());
            }
            case ACCURACY -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    RunRecord.Metrics m = runs.get(i).record().metrics();
                    v[i] = m == null ? 0 : m.accuracy();
                }
                return ProjectionFigure.Colouring.continuous("accuracy", v, "0 %", "100 %");
            }
            case DATE -> {
                long[] t = new long[n];
                long lo = Long.MAX_VALUE;
                long hi = Long.MIN_VALUE;
                for (int i = 0; i < n; i++) {
                    t[i] = epochMillis(runs.get(i).record().createdAt());
                    lo = Math.min(lo, t[i]);
                    hi = Math.max(hi, t[i]);
                }
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = hi > lo ? (double) (t[i] - lo) / (hi - lo) : 1;
                }
                return ProjectionFigure.Colouring.continuous("date", v,
                        n == 0 ? "" : DAY.format(Instant.ofEpochMilli(lo)), n == 0 ? "" : DAY.format(Instant.ofEpochMilli(hi)));
            }
            default -> throw new IllegalStateException();
        }
    }

    static long seedOf(Run r) {
        return r.record().settings() != null ? r.record().settings().seed() : Long.MIN_VALUE;
    }

    static long epochMillis(String iso) {
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static String oneLine(String text) {
        String t = text.replaceAll("\\s+", " ").strip();
        return t.length() > 36 ? t.substring(0, 35) + "…" : t;
    }

    // ---- fit seeds ----

    /** The texts "Fit seeds…" would fit: those of the selected runs, each once. */
    public List<String> seedTexts() {
        return selection.stream().map(r -> r.record().text()).distinct().toList();
    }

    /**
     * Fits {@code k} new seeds of each selected run's text in one batch on the open model (with one m shared by
     * all of them when {@code sharedM}, the paper's setting for paths), and adds them to the library. Progress
     * and a stop button are in the status bar.
     */
    public CompletableFuture<List<Run>> fitSeeds(int k, boolean sharedM, int maxSteps) {
        CompletableFuture<List<Run>> done = new CompletableFuture<>();
        try {
            start(k, sharedM, maxSteps, done);
        } catch (UserError e) {
            Dialogs.error(wb.window(), "Cannot fit seeds", e);
            done.completeExceptionally(e);
        }
        return done;
    }

    private void start(int k, boolean sharedM, int maxSteps, CompletableFuture<List<Run>> done) {
        List<String> texts = seedTexts();
        if (texts.isEmpty()) {
            throw new UserError("Select a run on the map first: \"Fit seeds…\" fits new seeds of the selected runs' texts.");
        }
        ModelSession s = wb.session();
        RunRecord first = selection.getFirst().record();
        if (s == null || !s.model().identity().equals(first.model().identity())) {
            throw new UserError("These runs were fitted with " + first.model().name() + ", which is not the open model."
                    + " Open it (Ctrl+O) to fit more seeds of them.");
        }
        if (wb.isFitting()) {
            throw new UserError("A fit is running on " + s.model().name() + ". Wait for it or stop it first.");
        }
        // new seeds: after every seed already used for these texts
        long next = 0;
        for (Run r : space.runs()) {
            if (texts.contains(r.record().text())) {
                next = Math.max(next, seedOf(r) + 1);
            }
        }
        FitSpec spec = RunRecords.spec(first.settings()).withMaxSteps(maxSteps)
                .withSharedM(sharedM && texts.size() * k > 1).withSeed(next);
        List<FitTarget> targets = new ArrayList<>();
        for (String t : texts) {
            FitTarget target = FitTarget.of(s.model(), t, spec.arrangement());
            for (int i = 0; i < k; i++) {
                targets.add(target);
            }
        }
        FitRequest request = FitRequest.texts(targets, spec);
        String what = request.size() + " seeds of " + (texts.size() == 1 ? "“" + oneLine(texts.getFirst()) + "”"
                : texts.size() + " texts");
        FitJob[] job = {null};
        RunningTask rt = new RunningTask("Fitting " + what, () -> {
            if (job[0] != null) {
                job[0].cancel();
            }
        });
        rt.update(0, "starting");
        job[0] = FitJob.start(s, wb.library(), request, FitJob.Options.cli(),
                p -> rt.update(p.maxSteps() > 0 ? (double) p.step() / p.maxSteps() : -1, progressLine(p)));
        wb.beginTask(rt);
        fitting.set(true);
        Tasks.when(wb.host(), job[0].outcome().thenApplyAsync(o -> {
            List<Run> saved = new ArrayList<>();
            for (String id : o.ids()) {
                if (id != null) {
                    saved.add(wb.library().load(id));
                }
            }
            if (o.problem() != null) {
                throw new UserError(o.problem());
            }
            return saved;
        }, wb.io())).onSuccess(saved -> {
            long reached = saved.stream().filter(r -> r.record().metrics() != null && r.record().metrics().reached())
                    .count();
            message.set("added " + saved.size() + " runs (" + reached + " reached 100 %)");
            refresh().thenRun(() -> done.complete(saved));
        }).onError(err -> {
            wb.host().error("Fitting seeds failed", err);
            done.completeExceptionally(err);
        }).andFinally(() -> {
            wb.endTask(rt);
            fitting.set(false);
            wb.libraryChanged();
        }).start();
    }

    private static String progressLine(JobProgress p) {
        int reached = 0;
        for (FitProgress.Item it : p.items()) {
            reached += it.reached() ? 1 : 0;
        }
        return String.format(Locale.ROOT, "step %d of at most %d · %d of %d reached · best now %d/%d tokens", p.step(),
                p.maxSteps(), reached, p.items().size(), p.correctNow(), p.length());
    }

    /** Stops the map's computation (the window is closing). */
    public void close() {
        generation.incrementAndGet();
        Tsne t = runningTsne;
        if (t != null) {
            t.cancel();
        }
        compute.shutdownNow();
    }
}
