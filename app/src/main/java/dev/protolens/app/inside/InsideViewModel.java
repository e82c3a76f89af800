package dev.protolens.app.inside;

import dev.protolens.app.figures.FigureExport;
import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.Host;
import dev.protolens.app.ui.LatestWins;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Tasks;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.UserError;
import dev.protolens.engine.inside.FittedPass;
import dev.protolens.engine.inside.Inside;
import dev.protolens.engine.inside.InsideReport;
import dev.protolens.engine.inside.KnockOut;
import dev.protolens.engine.inside.KnockOutCurve;
import dev.protolens.engine.inside.LensMap;
import dev.protolens.engine.inside.ProtoGeometry;
import dev.protolens.engine.model.PassProbe;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Inside screen without its nodes: one run of the library, its one pass seen from inside (the logit lens of the
 * fitted pass and of the text read normally, every head's attention, knock-outs, the geometry of e and m), and the
 * export of all of it. The numbers come from {@link Inside} on the open model's worker, one piece after the other
 * (the lens and attention first, as they are what the screen opens on), each published as it arrives. A newer
 * choice makes older results stale; they are dropped when they come back, and a knock-out curve in progress stops
 * between its batches.
 */
public final class InsideViewModel {
    private final Workbench wb;
    private final Host host;
    private final ObservableList<RunRecord> candidates = FXCollections.observableArrayList();
    private final ObjectProperty<RunRecord> choice = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<Run> run = new ReadOnlyObjectWrapper<>();
    private final ObjectProperty<PassProbe.Site> site = new SimpleObjectProperty<>(PassProbe.Site.AFTER_LAYER);
    /** Read every k-th layer; 0 for the default of the model ({@link Inside#defaultEvery}). */
    private final IntegerProperty every = new SimpleIntegerProperty(0);
    private final ObjectProperty<KnockOut.Scope> scope = new SimpleObjectProperty<>(KnockOut.Scope.LAYER);
    private final ReadOnlyObjectWrapper<FittedPass> pass = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Inside.Look> look = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<LensMap> teacherForced = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<List<KnockOutCurve>> knockOuts = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyObjectWrapper<ProtoGeometry> geometry = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper knocking = new ReadOnlyBooleanWrapper(false);
    // each piece is latest-wins: a newer run, site, thinning or scope makes the older result stale
    private final LatestWins<Run> loading;
    private final LatestWins<FittedPass> opening;
    private final LatestWins<Inside.Look> looking;
    private final LatestWins<LensMap> reading;
    private final LatestWins<List<KnockOutCurve>> knockingCurves;
    private final LatestWins<ProtoGeometry> measuring;
    /** Tells the knock-out curve in progress to stop between its batches (set when a newer one is asked for). */
    private AtomicBoolean knockStop = new AtomicBoolean();
    private boolean settingChoice;

    public InsideViewModel(Workbench wb) {
        this.wb = wb;
        this.host = wb.host();
        loading = new LatestWins<>(host, 0);
        opening = new LatestWins<>(host, 0);
        looking = new LatestWins<>(host, 0);
        reading = new LatestWins<>(host, 0);
        knockingCurves = new LatestWins<>(host, 0);
        measuring = new LatestWins<>(host, 0);
        choice.addListener((o, was, now) -> chosen(now));
        site.addListener((o, was, now) -> readLens());
        every.addListener((o, was, now) -> readLens());
        scope.addListener((o, was, now) -> knockOut());
        wb.sessionProperty().addListener((o, was, now) -> {
            refreshCandidates();
            if (run.get() != null) {
                show(run.get());
            }
        });
    }

    // ---- properties ----

    /** The runs offered: those of the open model (all runs when none is open). */
    public ObservableList<RunRecord> candidates() {
        return candidates;
    }

    public ObjectProperty<RunRecord> choiceProperty() {
        return choice;
    }

    public ReadOnlyObjectProperty<Run> runProperty() {
        return run.getReadOnlyProperty();
    }

    public ObjectProperty<PassProbe.Site> siteProperty() {
        return site;
    }

    public IntegerProperty everyProperty() {
        return every;
    }

    public ObjectProperty<KnockOut.Scope> scopeProperty() {
        return scope;
    }

    public ReadOnlyObjectProperty<FittedPass> passProperty() {
        return pass.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Inside.Look> lookProperty() {
        return look.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<LensMap> teacherForcedProperty() {
        return teacherForced.getReadOnlyProperty();
    }

    /** The knock-out curves of the current scope (attention to e, then among m), or empty while they are computed. */
    public ReadOnlyObjectProperty<List<KnockOutCurve>> knockOutsProperty() {
        return knockOuts.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ProtoGeometry> geometryProperty() {
        return geometry.getReadOnlyProperty();
    }

    /** Why nothing can be shown (no model, another model, a damaged run), or "". */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** What is being computed, or how long the last look took. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty knockingProperty() {
        return knocking.getReadOnlyProperty();
    }

    /** The number of layers the open model has (0 without one). */
    public int layers() {
        ModelSession s = wb.session();
        return s == null ? 0 : s.model().config().numLayers();
    }

    /** The k the lens reads every k-th layer with: the chosen one or the model's default. */
    public int effectiveEvery() {
        return every.get() > 0 ? every.get() : Inside.defaultEvery(Math.max(1, layers()));
    }

    // ---- choosing the run ----

    /** Reads the library's runs for the chooser (run.json only), in the background. */
    public CompletableFuture<Void> refreshCandidates() {
        ModelSession s = wb.session();
        String identity = s == null ? null : s.model().identity();
        return CompletableFuture.supplyAsync(() -> wb.library().list().runs(), wb.io())
                .thenAccept(list -> host.fx(() -> {
                    List<RunRecord> next = new ArrayList<>();
                    RunRecord chosen = choice.get();
                    for (RunRecord r : list) {
                        if (identity == null || r.model().identity().equals(identity)) {
                            // the chosen record stays the very object in the list (a chooser drops a value it cannot find)
                            next.add(chosen != null && chosen.id().equals(r.id()) ? chosen : r);
                        }
                    }
                    if (chosen != null && next.stream().noneMatch(r -> r.id().equals(chosen.id()))) {
                        next.add(chosen);
                    }
                    settingChoice = true;
                    try {
                        candidates.setAll(next);
                    } finally {
                        settingChoice = false;
                    }
                }));
    }

    private void chosen(RunRecord r) {
        if (settingChoice || r == null || (run.get() != null && run.get().id().equals(r.id()))) {
            return;
        }
        RunLibrary lib = wb.library();
        loading.request(() -> CompletableFuture.supplyAsync(() -> lib.load(r.id()), wb.io()), this::show,
                e -> problem.set(Dialogs.describe(e)));
    }

    /** Shows {@code r} (from the chooser, or another screen), computing everything for it. */
    public void show(Run r) {
        run.set(r);
        if (candidates.stream().noneMatch(c -> c.id().equals(r.id()))) {
            candidates.add(r.record());
        }
        settingChoice = true;
        try {
            choice.set(candidates.stream().filter(c -> c.id().equals(r.id())).findFirst().orElse(r.record()));
        } finally {
            settingChoice = false;
        }
        pass.set(null);
        look.set(null);
        teacherForced.set(null);
        knockOuts.set(List.of());
        geometry.set(null);
        problem.set("");
        String why = modelProblem(r);
        if (why != null) {
            for (LatestWins<?> w : List.of(opening, looking, reading, knockingCurves, measuring)) {
                w.cancel();
            }
            knocking.set(false);
            problem.set(why);
            status.set("");
            return;
        }
        ModelSession s = wb.session();
        opening.request(() -> s.submit(m -> FittedPass.of(r, m)), p -> {
            pass.set(p);
            readLens();
            readGeometry(r, p);
            knockOut();
        }, e -> problem.set(Dialogs.describe(e)));
    }

    /** Why the open model cannot look inside {@code r}, or null. */
    private String modelProblem(Run r) {
        ModelSession s = wb.session();
        RunRecord rec = r.record();
        if (s == null) {
            return "Open " + rec.model().name() + " (Ctrl+O) to look inside this run.";
        }
        if (!s.model().identity().equals(rec.model().identity())) {
            return "This run was fitted with " + rec.model().name() + " and the open model is " + s.model().name()
                    + ". Open " + rec.model().name() + " (Ctrl+O) to look inside it.";
        }
        return null;
    }

    // ---- the pieces ----

    /** The lens and attention, then the teacher-forced lens, at the current site and thinning. */
    private void readLens() {
        FittedPass p = pass.get();
        ModelSession s = wb.session();
        if (p == null || s == null) {
            return;
        }
        PassProbe.Site at = site.get();
        int k = effectiveEvery();
        status.set("reading the lens and the attention…");
        look.set(null);
        teacherForced.set(null);
        long t0 = System.nanoTime();
        // both are queued at once, so the knock-outs and the geometry asked for next wait behind them
        looking.request(() -> s.submit(m -> new Inside(m).look(p, at, k)), l -> {
            look.set(l);
            status.set(String.format(Locale.ROOT, "lens and attention in %.2f s; reading the text normally…",
                    l.millis() / 1000.0));
        }, this::failed);
        reading.request(() -> s.submit(m -> new Inside(m).teacherForced(p, at, k)), t -> {
            teacherForced.set(t);
            if (look.get() != null) {
                status.set(String.format(Locale.ROOT, "lens and attention in %.2f s, both lenses in %.2f s",
                        look.get().millis() / 1000.0, (System.nanoTime() - t0) / 1e9));
            }
        }, this::failed);
    }

    private void failed(Throwable e) {
        problem.set(Dialogs.describe(e));
        status.set("");
    }

    /** Both knock-outs (attention to e, among m) for every ℓ of the current scope. */
    private void knockOut() {
        FittedPass p = pass.get();
        ModelSession s = wb.session();
        if (p == null || s == null) {
            return;
        }
        KnockOut.Scope sc = scope.get();
        knockStop.set(true);
        AtomicBoolean stop = new AtomicBoolean();
        knockStop = stop;
        knockOuts.set(List.of());
        knocking.set(true);
        knockingCurves.request(() -> s.submit(m -> {
            Inside in = new Inside(m);
            List<KnockOutCurve> curves = new ArrayList<>();
            for (KnockOut what : KnockOut.values()) {
                curves.add(in.knockOuts(p, what, sc, stop::get));
            }
            return curves;
        }), c -> {
            knocking.set(false);
            knockOuts.set(c);
        }, e -> {
            knocking.set(false);
            failed(e);
        });
    }

    private void readGeometry(Run r, FittedPass p) {
        RunLibrary lib = wb.library();
        ModelSession s = wb.session();
        // the batch's run files are read on the worker too, so the geometry keeps its place in the queue
        measuring.request(() -> s.submit(m -> new Inside(m).geometry(p, Inside.sharedMBatch(lib, r))), geometry::set,
                this::failed);
    }

    // ---- export ----

    /** Whether everything is computed, so that an export has all of it. */
    public boolean complete() {
        return look.get() != null && teacherForced.get() != null && !knockOuts.get().isEmpty() && geometry.get() != null;
    }

    /**
     * Writes what the screen shows (arrays and figures in PNG, SVG and PDF, the current knock-out scope) into
     * {@code dir} in the background; the status bar shows it and a dialog reports a failure.
     */
    public CompletableFuture<List<Path>> exportAll(Path dir) {
        if (!complete()) {
            UserError notYet = new UserError("Wait until the lens, the attention, the knock-outs and the geometry are"
                    + " all shown, then export.");
            host.error("Nothing to export yet", notYet);
            return CompletableFuture.failedFuture(notYet);
        }
        InsideReport report = new InsideReport(pass.get(), wb.session().model().name(), look.get(),
                teacherForced.get(), knockOuts.get(), geometry.get());
        RunningTask t = new RunningTask("Exporting " + report.pass().runId(), null);
        t.update(-1, "writing figures and arrays to " + dir);
        wb.beginTask(t);
        return Tasks.when(host, CompletableFuture.supplyAsync(() -> {
            try {
                return InsideExport.write(report, dir, EnumSet.allOf(FigureExport.Format.class));
            } catch (java.io.IOException e) {
                throw new UserError("Could not write into " + dir + ": " + e.getMessage()
                        + ". Choose a folder you can write to.", e);
            }
        }, wb.io())).onSuccess(files -> {
            status.set("exported " + files.size() + " files to " + dir);
            dev.protolens.app.ui.SaveDialogs.saved(dir);
        })
                .onErrorShow("Export failed").andFinally(() -> wb.endTask(t)).start();
    }
}
