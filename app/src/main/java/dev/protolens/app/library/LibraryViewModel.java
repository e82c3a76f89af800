package dev.protolens.app.library;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.LatestWins;
import dev.protolens.app.ui.Tasks;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The Library screen without its nodes: the runs of the library (read in the background), a text filter,
 * grouping by batch or text, naming runs, delete with undo (runs go to the library's trash and come back from it), and opening a run in the Fit view.
 */
public final class LibraryViewModel {
    /** Runs deleted by the last delete, for undo. */
    public record Deleted(List<String> ids, List<Path> trashed) {}

    private final Workbench wb;
    private final Consumer<Run> openInFit;
    private final ObservableList<RunRecord> runs = FXCollections.observableArrayList();
    private final FilteredList<RunRecord> visible = new FilteredList<>(runs, r -> true);
    private final StringProperty filter = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper problems = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Deleted> lastDeleted = new ReadOnlyObjectWrapper<>();
    private final LatestWins<RunLibrary.Listing> listings;
    private final ObjectProperty<LibraryRows.Grouping> grouping =
            new SimpleObjectProperty<>(LibraryRows.Grouping.NONE);
    private final ReadOnlyObjectWrapper<List<LibraryRows.Row>> rows = new ReadOnlyObjectWrapper<>(List.of());

    public LibraryViewModel(Workbench wb, Consumer<Run> openInFit) {
        this.wb = wb;
        this.openInFit = openInFit;
        this.listings = new LatestWins<>(wb.host(), 0);
        filter.addListener((o, a, b) -> {
            String f = b == null ? "" : b.trim().toLowerCase(Locale.ROOT);
            visible.setPredicate(r -> LibraryRows.matches(r, f));
        });
        // the table's rows follow the filtered runs and the grouping
        visible.addListener((javafx.collections.ListChangeListener<RunRecord>) c -> regroup());
        grouping.addListener((o, a, b) -> regroup());
    }

    private void regroup() {
        rows.set(List.copyOf(LibraryRows.of(List.copyOf(visible), grouping.get())));
    }

    /** The table's top rows: the visible runs, gathered into groups by {@link #groupingProperty()}. */
    public ReadOnlyObjectProperty<List<LibraryRows.Row>> rowsProperty() {
        return rows.getReadOnlyProperty();
    }

    public ObjectProperty<LibraryRows.Grouping> groupingProperty() {
        return grouping;
    }

    public ObservableList<RunRecord> visibleRuns() {
        return visible;
    }

    public StringProperty filterProperty() {
        return filter;
    }

    /** Runs that could not be read, in one line each (empty when none). */
    public ReadOnlyStringProperty problemsProperty() {
        return problems.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Deleted> lastDeletedProperty() {
        return lastDeleted.getReadOnlyProperty();
    }

    public RunLibrary library() {
        return wb.library();
    }

    /**
     * Reads the library in the background (run.json files only). A refresh asked for while one reads supersedes
     * it; the returned future completes when the newest has landed.
     */
    public CompletableFuture<Void> refresh() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        listings.request(() -> CompletableFuture.supplyAsync(() -> wb.library().list(), wb.io()), listing -> {
            runs.setAll(listing.runs());
            problems.set(String.join("\n", listing.problems().stream().map(RunLibrary.Problem::message).toList()));
            done.complete(null);
        }, e -> {
            problems.set(Dialogs.describe(e));
            done.complete(null);
        });
        return done;
    }

    /** Moves the runs to the library's trash; {@link #undoDelete()} brings them back. */
    public void delete(List<RunRecord> selected) {
        if (selected.isEmpty()) {
            return;
        }
        List<String> ids = selected.stream().map(RunRecord::id).toList();
        Tasks.when(wb.host(), CompletableFuture.supplyAsync(() -> {
            List<Path> trashed = new ArrayList<>();
            for (String id : ids) {
                trashed.add(wb.library().delete(id));
            }
            return trashed;
        }, wb.io())).onSuccess(trashed -> lastDeleted.set(new Deleted(ids, trashed)))
                .onErrorShow("Could not delete").andFinally(this::changed).start();
    }

    public void undoDelete() {
        Deleted d = lastDeleted.get();
        if (d == null) {
            return;
        }
        lastDeleted.set(null);
        Tasks.when(wb.host(), CompletableFuture.runAsync(() -> {
            for (int i = 0; i < d.ids().size(); i++) {
                wb.library().restore(d.trashed().get(i), d.ids().get(i));
            }
        }, wb.io())).onErrorShow("Could not restore").andFinally(this::changed).start();
    }

    public void forgetUndo() {
        lastDeleted.set(null);
    }

    /** Loads the run (vectors checked against their checksum) and shows it in the Fit view. */
    public void open(RunRecord r) {
        Tasks.when(wb.host(), CompletableFuture.supplyAsync(() -> wb.library().load(r.id()), wb.io()))
                .onSuccess(openInFit).onErrorShow("Cannot open the run").start();
    }

    /**
     * Names the run (a blank label clears it; see {@link RunLibrary#label}); the Library and every screen that
     * names runs show it once it is stored. A label that cannot be stored (too long, the run gone) is explained
     * in a dialog and nothing changes.
     */
    public CompletableFuture<RunRecord> label(RunRecord r, String label) {
        return Tasks.when(wb.host(), CompletableFuture.supplyAsync(() -> wb.library().label(r.id(), label), wb.io()))
                .onErrorShow("Could not name the run").andFinally(this::changed).start();
    }

    /** After a label, a delete or an undo: this list and every other screen that shows runs read the library again. */
    private void changed() {
        refresh();
        wb.libraryChanged();
    }

    public Path folder(RunRecord r) {
        return wb.library().folder(r.id());
    }
}
