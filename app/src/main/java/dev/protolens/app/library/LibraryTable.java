package dev.protolens.app.library;

import dev.protolens.app.library.LibraryRows.GroupRow;
import dev.protolens.app.library.LibraryRows.Row;
import dev.protolens.app.library.LibraryRows.RunRow;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseEvent;

/**
 * The Library's table: one row per run, or with a grouping one row per batch or text with its runs beneath. A click
 * on a header sorts the groups and the runs within each. The Label column names a run (double-click it, or F2);
 * a double-click elsewhere on a run opens it. Groups stay open or closed, and the selection stays on the same runs,
 * when the library is read again.
 */
final class LibraryTable extends TreeTableView<Row> {
    private final LibraryViewModel vm;
    private final TreeTableColumn<Row, String> labelColumn;
    private final Set<String> collapsed = new HashSet<>();

    LibraryTable(LibraryViewModel vm) {
        super(new TreeItem<>());
        this.vm = vm;
        setId("library-table");
        setShowRoot(false);
        setEditable(true);
        getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        // every column keeps at least what its header and values need (its minimum); the rest is shared out
        setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        // until the first listing arrives the table says it is loading, not that the library is empty
        setPlaceholder(new Label("Loading the library…"));

        TreeTableColumn<Row, String> text = column("Text", Row::text, 330);
        text.setId("col-text");
        text.setMinWidth(120);
        text.setCellFactory(c -> new ElidingCell());
        labelColumn = column("Label", Row::label, 120);
        labelColumn.setId("col-label");
        labelColumn.setEditable(true);
        labelColumn.setCellFactory(c -> new LabelCell());
        TreeTableColumn<Row, String> model = column("Model", Row::model, 120);
        model.setCellFactory(c -> new ElidingCell());
        TreeTableColumn<Row, Integer> n = column("N", Row::tokens, 44);
        TreeTableColumn<Row, Double> acc = column("Accuracy", Row::accuracy, 84);
        acc.setCellFactory(c -> new TreeTableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null || v.isNaN() ? null : String.format(Locale.ROOT, "%.1f %%", v * 100));
            }
        });
        TreeTableColumn<Row, Integer> steps = column("Steps", Row::steps, 56);
        TreeTableColumn<Row, Long> seed = column("Seed", Row::seed, 50);
        TreeTableColumn<Row, String> status = column("Status", Row::status, 140);
        status.setId("col-status");
        status.setCellFactory(c -> new ElidingCell());
        TreeTableColumn<Row, String> date = column("Date", Row::date, 124);
        date.setId("col-date");
        getColumns().setAll(List.of(text, labelColumn, model, n, acc, steps, seed, status, date));
        getColumns().forEach(col -> col.setEditable(col == labelColumn));

        setRowFactory(t -> {
            TreeTableRow<Row> row = new TreeTableRow<>() {
                @Override
                protected void updateItem(Row r, boolean empty) {
                    super.updateItem(r, empty);
                    getStyleClass().removeAll("status-checkpoint", "library-group");
                    setTooltip(empty || r == null ? null : new Tooltip(tip(r)));
                    if (!empty && r instanceof RunRow rr && rr.run().isCheckpoint()) {
                        getStyleClass().add("status-checkpoint");
                    } else if (!empty && r instanceof GroupRow) {
                        getStyleClass().add("library-group");
                    }
                }
            };
            row.addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
                if (e.getClickCount() == 2 && !row.isEmpty() && row.getItem() instanceof RunRow rr
                        && !inLabelCell(e.getPickResult().getIntersectedNode())) {
                    vm.open(rr.run());
                }
            });
            return row;
        });
        addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.F2 && getEditingCell() == null) {
                editLabel();
                e.consume();
            }
        });
        vm.rowsProperty().addListener((o, a, rows) -> show(rows));
        show(vm.rowsProperty().get());
    }

    private static <T> TreeTableColumn<Row, T> column(String name, Function<Row, T> f, double width) {
        TreeTableColumn<Row, T> c = new TreeTableColumn<>(name);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue().getValue() == null ? null
                : f.apply(cd.getValue().getValue())));
        c.setPrefWidth(width);
        c.setMinWidth(width);
        return c;
    }

    /** Replaces the rows, keeping which groups were closed, the selected runs and the sort. */
    private void show(List<Row> rows) {
        Set<String> selected = new HashSet<>();
        selectedRuns().forEach(r -> selected.add(r.id()));
        List<TreeItem<Row>> items = new ArrayList<>();
        for (Row r : rows) {
            TreeItem<Row> item = new TreeItem<>(r);
            if (r instanceof GroupRow g) {
                g.runs().forEach(run -> item.getChildren().add(new TreeItem<>(new RunRow(run))));
                item.setExpanded(!collapsed.contains(g.key()));
                item.expandedProperty().addListener((o, was, open) -> {
                    if (open) {
                        collapsed.remove(g.key());
                    } else {
                        collapsed.add(g.key());
                    }
                });
            }
            items.add(item);
        }
        getSelectionModel().clearSelection();
        getRoot().getChildren().setAll(items);
        sort();
        for (int i = 0; i < getExpandedItemCount(); i++) {
            if (getTreeItem(i).getValue() instanceof RunRow rr && selected.contains(rr.run().id())) {
                getSelectionModel().select(i);
            }
        }
    }

    /** The runs the selected rows stand for, each once (a selected group stands for all its runs). */
    List<RunRecord> selectedRuns() {
        LinkedHashMap<String, RunRecord> runs = new LinkedHashMap<>();
        for (TreeItem<Row> item : List.copyOf(getSelectionModel().getSelectedItems())) {
            if (item != null && item.getValue() != null) {
                item.getValue().runs().forEach(r -> runs.putIfAbsent(r.id(), r));
            }
        }
        return List.copyOf(runs.values());
    }

    /** The one selected run (null when none, several, or a group is selected). */
    RunRecord selectedRun() {
        var items = getSelectionModel().getSelectedItems();
        return items.size() == 1 && items.getFirst() != null && items.getFirst().getValue() instanceof RunRow rr
                ? rr.run() : null;
    }

    /** Starts editing the label of the one selected run. */
    void editLabel() {
        int i = getSelectionModel().getSelectedIndex();
        if (selectedRun() != null && i >= 0) {
            scrollTo(i);
            edit(i, labelColumn);
        }
    }

    private boolean inLabelCell(Node n) {
        for (Node p = n; p != null && p != this; p = p.getParent()) {
            if (p instanceof LabelCell) {
                return true;
            }
        }
        return false;
    }

    /** The whole of what the row's cells may show cut (see {@link ElidingCell}). */
    private static String tip(Row r) {
        if (r instanceof GroupRow g) {
            return g.text() + (g.accuracy() == null ? ""
                    : String.format(Locale.ROOT, ", best %.1f %%", 100 * g.accuracy())) + "\n" + g.model() + " · "
                    + g.status();
        }
        RunRecord run = r.runs().getFirst();
        String t = run.text().length() > 600 ? run.text().substring(0, 600) + "…" : run.text();
        return (run.label() != null ? run.label() + "\n\n" : "") + t + "\n\nrun " + run.id() + " · " + r.model()
                + " · " + r.status() + "\nDouble-click the Label column (or press F2) to name the run.";
    }

    /** A cell that shows what fits of a long value; the row's tooltip has it whole. */
    private static class ElidingCell extends TreeTableCell<Row, String> {
        ElidingCell() {
            getStyleClass().add(dev.protolens.app.ui.Layout.ELIDES);
        }

        @Override
        protected void updateItem(String v, boolean empty) {
            super.updateItem(v, empty);
            setText(empty ? null : v);
        }
    }

    /** A run's label, edited in place: Enter or leaving the field stores it, Esc keeps the old one. */
    private final class LabelCell extends ElidingCell {
        private TextField field;

        @Override
        public void startEdit() {
            if (!(getTableRow() != null && getTableRow().getItem() instanceof RunRow)) {
                return; // groups are named by their batch or text
            }
            super.startEdit();
            if (!isEditing()) {
                return;
            }
            field = new TextField(getItem() == null ? "" : getItem());
            field.setId("library-label-field");
            field.setPromptText("name this run");
            // at most RunLibrary.MAX_LABEL characters: the field takes no more, so the store never refuses one
            field.setTextFormatter(new TextFormatter<String>(ch -> ch.getControlNewText().codePointCount(0,
                    ch.getControlNewText().length()) <= RunLibrary.MAX_LABEL ? ch : null));
            field.setOnAction(e -> {
                commitEdit(field.getText());
                e.consume(); // the Enter that stores the label does not also open the run (the table's Enter)
            });
            field.setOnKeyPressed(e -> {
                if (e.getCode() == KeyCode.ESCAPE) {
                    cancelEdit();
                    e.consume();
                }
            });
            field.focusedProperty().addListener((o, was, now) -> {
                if (!now && isEditing()) {
                    commitEdit(field.getText());
                }
            });
            setText(null);
            setGraphic(field);
            field.selectAll();
            field.requestFocus();
        }

        @Override
        public void cancelEdit() {
            super.cancelEdit();
            setGraphic(null);
            setText(getItem());
        }

        @Override
        public void commitEdit(String value) {
            Row row = getTableRow() == null ? null : getTableRow().getItem();
            super.commitEdit(value);
            setGraphic(null);
            String clean = value == null || value.isBlank() ? null : value.strip();
            setText(clean);
            if (row instanceof RunRow rr && !java.util.Objects.equals(clean, rr.run().label())) {
                vm.label(rr.run(), value);
            }
        }

        @Override
        protected void updateItem(String v, boolean empty) {
            super.updateItem(v, empty);
            if (isEditing() && field != null) {
                setText(null);
                setGraphic(field);
            } else {
                setGraphic(null);
            }
        }
    }
}
