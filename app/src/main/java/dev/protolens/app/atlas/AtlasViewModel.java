package dev.protolens.app.atlas;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.LatestWins;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.analysis.RunSpace;
import dev.protolens.engine.analysis.VectorKind;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.LibraryProjection;
import dev.protolens.engine.work.LibraryProjection.Method;
import dev.protolens.engine.work.MapColouring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Atlas screen without its nodes: which model's runs are mapped, with which vectors and method, the
 * colouring, the selection (at most two runs, A and B) and "Fit seeds…". The map itself is the engine's
 * {@link LibraryProjection}, computed on this screen's own thread ({@code atlas-map}); a newer request (another
 * method, a third click) supersedes the running one ({@link LatestWins}). A t-SNE hands its states over as it
 * runs; each is parked for the view's frame loop ({@link AtlasMap#takeFrame()}), so the map animates at most once per
 * frame. Properties change on the UI thread only.
 */
public final class AtlasViewModel {
    private final Workbench wb;
    private final BiConsumer<Run, Run> openInInterpolate;
    private final ObservableList<RunSpace.Model> models = FXCollections.observableArrayList();
    private final ObjectProperty<RunSpace.Model> model = new SimpleObjectProperty<>();
    private final ObjectProperty<VectorKind> kind = new SimpleObjectProperty<>(VectorKind.E);
    private final ObjectProperty<Method> method = new SimpleObjectProperty<>(Method.PCA);
    private final ObjectProperty<MapColouring.By> colourBy = new SimpleObjectProperty<>(MapColouring.By.TEXT);
    private final MethodPaths paths;
    private final AtlasSearch search = new AtlasSearch();
    private final AtlasCheckpoints checkpoints = new AtlasCheckpoints();
    private final BooleanProperty paused = new SimpleBooleanProperty(false);
    private final ObservableList<Run> selection = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<List<Run>> shownRuns = new ReadOnlyObjectWrapper<>(List.of());

    private final AtlasSeeds seeds;
    private final AtlasMap map;
    private final LatestWins<LibraryProjection.Library> loads;
    private final List<CompletableFuture<Void>> refreshing = new ArrayList<>();
    private List<Run> all = List.of();
    private List<RunRecord> notFinite = List.of();
    private RunSpace space;
    private List<String> drawnPair;
    private boolean settingModels;

    public AtlasViewModel(Workbench wb, BiConsumer<Run, Run> openInInterpolate) {
        this.wb = wb;
        this.openInInterpolate = openInInterpolate;
        this.loads = new LatestWins<>(wb.host(), 0);
        this.map = new AtlasMap(wb.host(), message::set);
        this.seeds = new AtlasSeeds(wb, selection, () -> space, this::refresh, message::set);
        model.addListener((o, was, now) -> {
            if (!settingModels && !Objects.equals(was, now)) {
                selection.clear();
                rebuildSpace();
            }
        });
        kind.addListener((o, was, now) -> recompute());
        paths = new MethodPaths(method, this::recompute); // before the next listener: a method brings its tick
        method.addListener((o, was, now) -> recompute());
        paused.addListener((o, was, now) -> map.pause(now));
        wb.sessionProperty().addListener((o, was, now) -> {
            if (now != null) {
                String id = now.model().identity();
                models.stream().filter(c -> c.identity().equals(id)).findFirst().ifPresent(model::set);
            }
        });
    }

    // ---- properties ----

    public ObservableList<RunSpace.Model> models() {
        return models;
    }

    public ObjectProperty<RunSpace.Model> modelProperty() {
        return model;
    }

    public ObjectProperty<VectorKind> kindProperty() {
        return kind;
    }

    public ObjectProperty<Method> methodProperty() {
        return method;
    }

    public ObjectProperty<MapColouring.By> colourByProperty() {
        return colourBy;
    }

    /** Paths between A and B; on for PCA, off for t-SNE until ticked (each method keeps the user's choice). */
    public BooleanProperty showPathsProperty() {
        return paths.shownProperty();
    }

    /** The search box: which runs' texts (or labels) contain the query, and "3 of 41 runs match". */
    public AtlasSearch search() {
        return search;
    }

    /** The chosen model's unfinished fits (checkpoints): drawn hollow, picked apart from A and B to resume. */
    public AtlasCheckpoints checkpoints() {
        return checkpoints;
    }

    /** Pauses and resumes a running t-SNE. */
    public BooleanProperty pausedProperty() {
        return paused;
    }

    /** The map as computed: each frame of a running t-SNE, whether one runs, and the locality of the texts. */
    public AtlasMap map() {
        return map;
    }

    /** "Fit seeds…" of the selected runs' texts. */
    public AtlasSeeds seeds() {
        return seeds;
    }

    /** The selected runs, in the order they were picked (at most two: A, then B). */
    public ObservableList<Run> selection() {
        return selection;
    }

    /** Why the map is empty or incomplete (no runs, a damaged run, too few points), or "". */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** The runs of the chosen model, as mapped. */
    public ReadOnlyObjectProperty<List<Run>> shownRunsProperty() {
        return shownRuns.getReadOnlyProperty();
    }

    /** Everything the map shows: the runs, then the unfinished fits. */
    public List<Run> onMap() {
        List<Run> l = new ArrayList<>(shownRuns.get());
        l.addAll(checkpoints.shownProperty().get());
        return l;
    }

    /** The markers' colours of the shown runs. */
    public MapColouring colouring(List<Run> runs) {
        return MapColouring.of(runs, colourBy.get());
    }

    // ---- library ----

    /**
     * Reads the library's runs (with their vectors) in the background, then maps the chosen model's. A refresh
     * asked for while one is reading supersedes it; the returned future completes when the newest has landed.
     */
    public CompletableFuture<Void> refresh() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        refreshing.add(done);
        var lib = wb.library();
        loads.request(() -> CompletableFuture.supplyAsync(() -> LibraryProjection.load(lib), wb.io()), loaded -> {
            all = loaded.runs();
            checkpoints.setAll(loaded.checkpoints());
            notFinite = loaded.notFinite();
            setModels(loaded.problems().size());
            settle();
        }, e -> {
            message.set(Dialogs.describe(e));
            settle();
        });
        return done;
    }

    private void settle() {
        List<CompletableFuture<Void>> done = List.copyOf(refreshing);
        refreshing.clear();
        done.forEach(f -> f.complete(null));
    }

    private void setModels(int problems) {
        List<RunSpace.Model> choices = RunSpace.models(all);
        RunSpace.Model was = model.get();
        ModelSession s = wb.session();
        RunSpace.Model keep = RunSpace.choose(choices, was, s == null ? null : s.model().identity());
        // replacing the chooser's items may clear its value for a moment; that is not the user choosing
        settingModels = true;
        try {
            models.setAll(choices);
            model.set(keep);
        } finally {
            settingModels = false;
        }
        if (!Objects.equals(was, keep)) {
            selection.clear();
        }
        rebuildSpace();
        if (problems > 0) {
            String line = problems + (problems == 1 ? " run could not be read and is" : " runs could not be read and are")
                    + " left out (the Library names them).";
            message.set(message.get().isEmpty() ? line : message.get() + " " + line);
        }
    }

    private void rebuildSpace() {
        RunSpace.Model m = model.get();
        message.set("");
        if (m == null) {
            space = null;
            shownRuns.set(List.of());
            checkpoints.showModel(null);
            search.setRuns(List.of());
            message.set(all.isEmpty() ? "No finished runs yet. Fit a text (several seeds make a map worth looking at),"
                    + " or select a run here and use \"Fit seeds…\"." : "");
            recompute();
            return;
        }
        space = RunSpace.of(all, m.identity());
        long bad = notFinite.stream().filter(r -> r.model() != null && m.identity().equals(r.model().identity())).count();
        if (bad > 0) {
            // said, not silently dropped: the library holds more runs of this model than the map shows
            message.set(LibraryProjection.notFiniteLine((int) bad) + ".");
        }
        checkpoints.showModel(m.identity());
        // the selection follows the runs as reloaded (a deleted run drops out of it)
        Map<String, Run> byId = new LinkedHashMap<>();
        space.runs().forEach(r -> byId.put(r.id(), r));
        List<Run> kept = selection.stream().map(r -> byId.get(r.id())).filter(Objects::nonNull).toList();
        if (!kept.equals(List.copyOf(selection))) {
            selection.setAll(kept);
        }
        shownRuns.set(space.runs());
        search.setRuns(onMap());
        recompute();
    }

    // ---- selection ----

    /**
     * A click on a run: selects it (the older of two selections gives way), or deselects it if selected. A
     * checkpoint is picked apart from A and B, to be resumed.
     */
    public void toggle(Run r) {
        if (r.record().isCheckpoint()) {
            checkpoints.toggle(r);
            return;
        }
        if (!selection.removeIf(s -> s.id().equals(r.id()))) {
            if (selection.size() == 2) {
                selection.removeFirst();
            }
            selection.add(r);
        }
        selectionChanged();
    }

    public void clearSelection() {
        checkpoints.unpick();
        if (!selection.isEmpty()) {
            selection.clear();
            selectionChanged();
        }
    }

    /** The map changes only when the pair whose paths it draws changes (a third click, a second one). */
    private void selectionChanged() {
        List<String> pair = selection.size() == 2 ? List.of(selection.get(0).id(), selection.get(1).id()) : null;
        if (paths.shownProperty().get() && !Objects.equals(pair, drawnPair)) {
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

    /** Asks for the map again; a running t-SNE gives way to it, and a new map always starts moving. */
    private void recompute() {
        paused.set(false);
        if (space == null) {
            map.clear();
            return;
        }
        List<Run> pair = paths.shownProperty().get() && selection.size() == 2 ? List.copyOf(selection) : List.of();
        drawnPair = pair.isEmpty() ? null : List.of(pair.get(0).id(), pair.get(1).id());
        map.request(wb.library(), space, checkpoints.shownProperty().get(), kind.get(), method.get(), pair);
    }

    /** Stops the map's computation (the window is closing). */
    public void close() {
        loads.cancel();
        map.close();
    }
}
