package dev.protolens.app.library;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.SaveDialogs;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.store.RunRecord;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.Duration;

/**
 * The Library screen: every saved run and checkpoint in a table (text, label, model, N, accuracy, steps, seed,
 * status, date; see {@link LibraryTable}), filtered, grouped by batch or text, named, opened into the Fit view by
 * double-click or Enter, deleted with undo, exported, and shown in the file manager.
 */
public final class LibraryView extends VBox {
    private final LibraryViewModel vm;
    private final Workbench wb;
    private final LibraryTable table;

    public LibraryView(Workbench wb, LibraryViewModel vm) {
        this.wb = wb;
        this.vm = vm;
        this.table = new LibraryTable(vm);
        setId("library-view");
        getStyleClass().add("view");

        Label heading = new Label("Library");
        heading.getStyleClass().add("heading");
        // the folder takes the room left in the row and shows what fits (whole in its tooltip)
        Label where = dev.protolens.app.ui.Layout.slot(new Label(vm.library().root().toString()));
        where.getStyleClass().add("muted");
        HBox.setHgrow(where, Priority.ALWAYS);
        TextField filter = new TextField();
        filter.setId("library-filter");
        filter.setPromptText("Filter by text, model or id");
        filter.textProperty().bindBidirectional(vm.filterProperty());
        filter.setPrefColumnCount(22);
        ChoiceBox<LibraryRows.Grouping> group = new ChoiceBox<>(FXCollections.observableArrayList(
                LibraryRows.Grouping.values()));
        group.setId("library-group-by");
        group.setConverter(dev.protolens.app.ui.DisplayConverter.of(LibraryRows.Grouping::label));
        group.valueProperty().bindBidirectional(vm.groupingProperty());
        group.setTooltip(new Tooltip("Gather the runs fitted together (batch) or of one text; a group shows its"
                + " run count and best accuracy"));
        Label groupBy = new Label("Group by");
        groupBy.setLabelFor(group);
        HBox head = new HBox(12, heading, where, groupBy, group, filter);
        head.setAlignment(Pos.BASELINE_LEFT);

        Button open = new Button("Open in Fit view");
        open.setId("library-open");
        open.getStyleClass().add("primary");
        open.setOnAction(e -> openSelected());
        Button delete = new Button("Delete");
        delete.setId("library-delete");
        delete.setTooltip(new Tooltip("Moves the run to the library's trash; Undo brings it back (Delete key)"));
        delete.setOnAction(e -> vm.delete(table.selectedRuns()));
        MenuButton export = new MenuButton("Export");
        export.setId("library-export");
        export.getItems().addAll(
                exportItem("Run records (JSON)…", "json", "runs.json", this::exportJson),
                exportItem("Loss and accuracy histories (CSV)…", "csv", "histories.csv", this::exportHistory),
                exportItem("Table of runs (CSV)…", "csv", "runs.csv", this::exportTable),
                exportItem("Vectors e, m (safetensors)…", "safetensors", "vectors.safetensors", this::exportVectors));
        Button reveal = new Button("Show folder");
        reveal.setId("library-reveal");
        reveal.setOnAction(e -> reveal());
        Button refresh = new Button("Refresh");
        refresh.setId("library-refresh");
        refresh.setOnAction(e -> vm.refresh());
        var none = Bindings.isEmpty(table.getSelectionModel().getSelectedItems());
        open.disableProperty().bind(Bindings.createBooleanBinding(() -> table.selectedRun() == null,
                table.getSelectionModel().getSelectedItems()));
        delete.disableProperty().bind(none);
        export.disableProperty().bind(none);
        Region gap2 = new Region();
        HBox.setHgrow(gap2, Priority.ALWAYS);
        HBox actions = new HBox(8, open, delete, export, reveal, gap2, refresh);
        actions.setAlignment(Pos.CENTER_LEFT);

        HBox undoBar = undoBar();
        Label problems = new Label();
        problems.setId("library-problems");
        problems.setWrapText(true);
        problems.textProperty().bind(vm.problemsProperty().map(p -> p.isEmpty() ? "" : "Some runs could not be read:\n" + p));
        HBox problemBox = new HBox(problems);
        problemBox.getStyleClass().addAll("banner", "warn");
        problemBox.visibleProperty().bind(vm.problemsProperty().isNotEmpty());
        problemBox.managedProperty().bind(problemBox.visibleProperty());

        getChildren().addAll(head, actions, undoBar, problemBox, table);
        VBox.setVgrow(table, Priority.ALWAYS);

        wb.refreshWhileShown(this, () -> vm.refresh());
        vm.refresh().thenRun(() -> Platform.runLater(() -> table.setPlaceholder(new Label("No runs yet. Fit a text"
                + " and press \"Save to library\"; running fits are kept here as checkpoints."))));
        table.setContextMenu(contextMenu());
        keys();
    }

    /** Enter opens the selected run, Delete deletes the selection (F2 names a run: see {@link LibraryTable}). */
    private void keys() {
        table.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && table.getEditingCell() == null) {
                openSelected();
            } else if (e.getCode() == KeyCode.DELETE && table.getEditingCell() == null) {
                vm.delete(table.selectedRuns());
            }
        });
    }

    private HBox undoBar() {
        Label msg = new Label();
        msg.setId("undo-message");
        Button undo = new Button("Undo");
        undo.setId("undo-delete");
        undo.setOnAction(e -> vm.undoDelete());
        HBox bar = new HBox(10, msg, undo);
        bar.getStyleClass().add("undo-bar");
        bar.setId("undo-bar");
        bar.setVisible(false);
        bar.setManaged(false);
        PauseTransition hide = new PauseTransition(Duration.seconds(20));
        hide.setOnFinished(e -> vm.forgetUndo());
        vm.lastDeletedProperty().addListener((o, was, now) -> {
            bar.setVisible(now != null);
            bar.setManaged(now != null);
            if (now != null) {
                msg.setText("Deleted " + (now.ids().size() == 1 ? "run " + now.ids().getFirst()
                        : now.ids().size() + " runs") + " (kept in the library's trash).");
                hide.playFromStart();
            } else {
                hide.stop();
            }
        });
        return bar;
    }

    /** Right-click on runs: the same commands as the buttons above the table. */
    private javafx.scene.control.ContextMenu contextMenu() {
        MenuItem open = new MenuItem("Open in Fit view");
        open.setOnAction(e -> openSelected());
        javafx.scene.control.Menu export = new javafx.scene.control.Menu("Export");
        export.getItems().addAll(
                exportItem("Run records (JSON)…", "json", "runs.json", this::exportJson),
                exportItem("Loss and accuracy histories (CSV)…", "csv", "histories.csv", this::exportHistory),
                exportItem("Table of runs (CSV)…", "csv", "runs.csv", this::exportTable),
                exportItem("Vectors e, m (safetensors)…", "safetensors", "vectors.safetensors", this::exportVectors));
        export.getItems().forEach(i -> i.setId(i.getId() + "-menu"));
        MenuItem label = new MenuItem("Label…");
        label.setId("library-label");
        label.setOnAction(e -> table.editLabel());
        MenuItem reveal = new MenuItem("Show in folder");
        reveal.setOnAction(e -> reveal());
        MenuItem delete = new MenuItem("Delete");
        delete.setOnAction(e -> vm.delete(table.selectedRuns()));
        javafx.scene.control.ContextMenu menu = new javafx.scene.control.ContextMenu(open, label, export, reveal,
                new javafx.scene.control.SeparatorMenuItem(), delete);
        menu.setId("library-context-menu");
        menu.setOnShowing(e -> {
            int n = table.selectedRuns().size();
            open.setDisable(table.selectedRun() == null);
            label.setDisable(table.selectedRun() == null);
            export.setDisable(n == 0);
            delete.setDisable(n == 0);
        });
        return menu;
    }

    private void openSelected() {
        RunRecord r = table.selectedRun();
        if (r != null) {
            vm.open(r);
        }
    }

    private interface Exporter {
        void write(List<RunRecord> runs, Path target) throws IOException;
    }

    private MenuItem exportItem(String label, String ext, String defaultName, Exporter exporter) {
        MenuItem item = new MenuItem(label);
        item.setId("export-" + defaultName.replace('.', '-'));
        item.setOnAction(e -> {
            List<RunRecord> runs = table.selectedRuns();
            if (runs.isEmpty()) {
                return;
            }
            String what = defaultName.substring(0, defaultName.lastIndexOf('.'));
            FileChooser c = SaveDialogs.saveChooser(label.replace("…", ""), (runs.size() == 1
                    ? SaveDialogs.fileName(what, runs.getFirst().model().name(), runs.getFirst().text())
                    : SaveDialogs.fileName(what, runs.size() + " runs")) + "." + ext,
                    new FileChooser.ExtensionFilter(ext.toUpperCase(Locale.ROOT), "*." + ext));
            Path f = SaveDialogs.chosen(c.showSaveDialog(getScene().getWindow()));
            if (f == null) {
                return;
            }
            CompletableFuture.runAsync(() -> {
                try {
                    exporter.write(runs, f);
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }, wb.io()).whenComplete((v, ex) -> Platform.runLater(() -> {
                if (ex != null) {
                    Dialogs.error(wb.window(), "Export failed", "Writing " + f + " failed: "
                            + Dialogs.unwrap(ex).getMessage());
                } else {
                    SaveDialogs.saved(f);
                }
            }));
        });
        return item;
    }

    private void exportJson(List<RunRecord> runs, Path target) throws IOException {
        RunExport.write(target, RunExport.json(runs));
    }

    private void exportHistory(List<RunRecord> runs, Path target) throws IOException {
        RunExport.write(target, RunExport.historyCsv(runs));
    }

    private void exportTable(List<RunRecord> runs, Path target) throws IOException {
        RunExport.write(target, RunExport.tableCsv(runs));
    }

    private void exportVectors(List<RunRecord> runs, Path target) throws IOException {
        RunExport.vectors(vm.folder(runs.getFirst()), target);
    }

    private void reveal() {
        RunRecord r = table.selectedRun();
        Path p = r != null ? vm.folder(r) : vm.library().root();
        wb.showDocument(p.toUri().toString());
    }
}
