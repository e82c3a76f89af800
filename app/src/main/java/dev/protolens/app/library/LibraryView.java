package dev.protolens.app.library;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.SaveDialogs;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.store.RunRecord;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
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
 * The Library screen: every saved run and checkpoint in a table (text, model, N, accuracy, steps, seed,
 * status, date), opened into the Fit view by double-click or Enter, deleted with undo, exported, and shown
 * in the file manager.
 */
public final class LibraryView extends VBox {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    private final LibraryViewModel vm;
    private final Workbench wb;
    private final TableView<RunRecord> table = new TableView<>();

    public LibraryView(Workbench wb, LibraryViewModel vm) {
        this.wb = wb;
        this.vm = vm;
        setId("library-view");
        getStyleClass().add("view");

        Label heading = new Label("Library");
        heading.getStyleClass().add("heading");
        Label where = new Label(vm.library().root().toString());
        where.getStyleClass().add("muted");
        TextField filter = new TextField();
        filter.setId("library-filter");
        filter.setPromptText("Filter by text, model or id");
        filter.textProperty().bindBidirectional(vm.filterProperty());
        filter.setPrefColumnCount(22);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox head = new HBox(12, heading, where, gap, filter);
        head.setAlignment(Pos.BASELINE_LEFT);

        buildTable();

        Button open = new Button("Open in Fit view");
        open.setId("library-open");
        open.getStyleClass().add("primary");
        open.setOnAction(e -> openSelected());
        Button delete = new Button("Delete");
        delete.setId("library-delete");
        delete.setTooltip(new Tooltip("Moves the run to the library's trash; Undo brings it back (Delete key)"));
        delete.setOnAction(e -> vm.delete(List.copyOf(table.getSelectionModel().getSelectedItems())));
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
        open.disableProperty().bind(Bindings.size(table.getSelectionModel().getSelectedItems()).isNotEqualTo(1));
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
    }

    @SuppressWarnings("unchecked")
    private void buildTable() {
        table.setId("library-table");
        // a sorted view over the filtered runs: a click on a header sorts (the filtered list alone cannot be sorted)
        javafx.collections.transformation.SortedList<RunRecord> sorted =
                new javafx.collections.transformation.SortedList<>(vm.visibleRuns());
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        // every column keeps at least what its header and values need (its minimum); the rest is shared out
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        // until the first listing arrives the table says it is loading, not that the library is empty
        table.setPlaceholder(new Label("Loading the library…"));
        TableColumn<RunRecord, String> text = column("Text", r -> snippet(r.text()), 360);
        text.setId("col-text");
        text.setMinWidth(120);
        // a text is read whole in the row's tooltip; the column shows what fits
        text.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty ? null : v);
            }

            {
                getStyleClass().add(dev.protolens.app.ui.Layout.ELIDES);
            }
        });
        TableColumn<RunRecord, String> model = column("Model", r -> r.model().name(), 130);
        TableColumn<RunRecord, Integer> n = column("N", r -> r.tokenIds().length, 44);
        TableColumn<RunRecord, Double> acc = column("Accuracy",
                r -> r.metrics() == null ? Double.NaN : r.metrics().accuracy(), 90);
        acc.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null || v.isNaN() ? null : String.format(Locale.ROOT, "%.1f %%", v * 100));
            }
        });
        // steps to reach 100 % where reached (restarts of one batch differ), else the updates done
        TableColumn<RunRecord, Integer> steps = column("Steps", r -> r.metrics() == null ? 0
                : r.metrics().stepsToReach() >= 0 ? r.metrics().stepsToReach() : r.metrics().updates(), 60);
        TableColumn<RunRecord, Long> seed = column("Seed", r -> r.settings() == null ? 0L : r.settings().seed(), 50);
        TableColumn<RunRecord, String> status = column("Status", r -> r.isCheckpoint() ? "checkpoint (unsaved)"
                : r.status().replace('_', ' '), 150);
        status.setId("col-status");
        TableColumn<RunRecord, String> date = column("Date", r -> date(r.createdAt()), 130);
        date.setId("col-date");
        table.getColumns().setAll(text, model, n, acc, steps, seed, status, date);
        table.setRowFactory(t -> {
            TableRow<RunRecord> row = new TableRow<>() {
                @Override
                protected void updateItem(RunRecord r, boolean empty) {
                    super.updateItem(r, empty);
                    getStyleClass().remove("status-checkpoint");
                    setTooltip(empty || r == null ? null : new Tooltip(r.text().length() > 600
                            ? r.text().substring(0, 600) + "…" : r.text()));
                    if (!empty && r != null && r.isCheckpoint()) {
                        getStyleClass().add("status-checkpoint");
                    }
                }
            };
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    vm.open(row.getItem());
                }
            });
            return row;
        });
        table.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                openSelected();
            } else if (e.getCode() == KeyCode.DELETE) {
                vm.delete(List.copyOf(table.getSelectionModel().getSelectedItems()));
            }
        });
    }

    private static <T> TableColumn<RunRecord, T> column(String name, java.util.function.Function<RunRecord, T> f,
                                                       double width) {
        TableColumn<RunRecord, T> c = new TableColumn<>(name);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(f.apply(cd.getValue())));
        c.setPrefWidth(width);
        c.setMinWidth(width);
        return c;
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
        MenuItem reveal = new MenuItem("Show in folder");
        reveal.setOnAction(e -> reveal());
        MenuItem delete = new MenuItem("Delete");
        delete.setOnAction(e -> vm.delete(List.copyOf(table.getSelectionModel().getSelectedItems())));
        javafx.scene.control.ContextMenu menu = new javafx.scene.control.ContextMenu(open, export, reveal,
                new javafx.scene.control.SeparatorMenuItem(), delete);
        menu.setId("library-context-menu");
        menu.setOnShowing(e -> {
            int n = table.getSelectionModel().getSelectedItems().size();
            open.setDisable(n != 1);
            export.setDisable(n == 0);
            delete.setDisable(n == 0);
        });
        return menu;
    }

    private void openSelected() {
        RunRecord r = table.getSelectionModel().getSelectedItem();
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
            List<RunRecord> runs = List.copyOf(table.getSelectionModel().getSelectedItems());
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
        RunRecord r = table.getSelectionModel().getSelectedItem();
        Path p = r != null ? vm.folder(r) : vm.library().root();
        wb.showDocument(p.toUri().toString());
    }

    static String snippet(String text) {
        String one = text.replaceAll("\\s+", " ").strip();
        return one.length() > 90 ? one.substring(0, 89) + "…" : one;
    }

    private static String date(String iso) {
        try {
            return DATE.format(Instant.parse(iso));
        } catch (RuntimeException e) {
            return iso == null ? "" : iso;
        }
    }
}
