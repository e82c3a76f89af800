package dev.protolens.app.experiments;

import dev.protolens.app.figures.ChartFigure;
import dev.protolens.app.figures.Figure;
import dev.protolens.app.figures.FigureCanvas;
import dev.protolens.app.ui.DisplayConverter;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.experiment.Chart;
import dev.protolens.engine.experiment.Experiment;
import dev.protolens.engine.experiment.ExperimentReport;
import java.io.File;
import java.util.List;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The Experiments screen: pick an experiment and its budget, see the plan's size, Run here (Stop keeps what is
 * done), follow each item, and read the table, figures and findings beside the paper's claim when it ends.
 */
public final class ExperimentsView extends VBox {
    private final ExperimentsViewModel vm;
    private final TableView<List<String>> table = new TableView<>();
    private final TabPane figures = new TabPane();
    private final Label findings = new Label();

    public ExperimentsView(Workbench wb, ExperimentsViewModel vm) {
        this.vm = vm;
        setId("experiments-view");
        getStyleClass().add("view");
        setSpacing(8);
        setPadding(new Insets(12));

        ComboBox<Experiment> pick = new ComboBox<>(vm.experiments());
        pick.setId("experiments-pick");
        pick.valueProperty().bindBidirectional(vm.experimentProperty());
        pick.setConverter(DisplayConverter.of(Experiment::title));
        pick.setCellFactory(l -> cell());
        CheckBox quick = new CheckBox("Quick (a laptop budget)");
        quick.setId("experiments-quick");
        quick.selectedProperty().bindBidirectional(vm.quickProperty());
        TextField seeds = number("seeds", vm.seedsProperty());
        TextField steps = number("steps", vm.stepsProperty());
        Button run = new Button("Run here");
        run.setId("experiments-run");
        run.setDefaultButton(true);
        run.setOnAction(e -> vm.run());
        Button stop = new Button("Stop");
        stop.setId("experiments-stop");
        stop.setOnAction(e -> vm.stop());
        Button writePlan = new Button("Write plan…");
        writePlan.setId("experiments-write-plan");
        writePlan.setOnAction(e -> {
            FileChooser c = new FileChooser();
            c.setInitialFileName(vm.experimentProperty().get().name() + "-plan.json");
            c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Plan (JSON)", "*.json"));
            File f = c.showSaveDialog(getScene().getWindow());
            if (f != null) {
                vm.writePlan(f.toPath());
            }
        });
        run.disableProperty().bind(vm.stateProperty().isEqualTo(ExperimentsViewModel.State.RUNNING)
                .or(vm.stateProperty().isEqualTo(ExperimentsViewModel.State.STOPPING)));
        stop.disableProperty().bind(vm.stateProperty().isNotEqualTo(ExperimentsViewModel.State.RUNNING));
        Button slurm = new Button("Submit to Slurm…");
        slurm.setId("experiments-slurm");
        slurm.setOnAction(e -> {
            // the shards write into this experiment's folder, so this screen's table and report read their results;
            // a plan already submitted is followed, never rewritten under its running shards
            java.nio.file.Path file = vm.folder().resolve("slurm-plan.json");
            boolean submitted = java.nio.file.Files.isRegularFile(dev.protolens.engine.cluster.SlurmRuns
                    .defaultRunDir(file).resolve(dev.protolens.engine.cluster.ClusterRun.RECORD));
            if (submitted || vm.writePlan(file)) {
                dev.protolens.app.cluster.SlurmDialog.open(getScene().getWindow(), wb.host(), file, vm.folder());
            }
        });
        // wraps onto a second line in a narrow window, each control whole (the 1024 x 700 layout check)
        var controls = dev.protolens.app.ui.Layout.row(8, pick, quick, new Label("seeds"), seeds, new Label("steps"),
                steps, run, stop, writePlan, slurm);

        Label claim = new Label();
        claim.setId("experiments-claim");
        claim.setWrapText(true);
        claim.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> "Paper: " + vm.experimentProperty().get().claim(), vm.experimentProperty()));
        Label plan = new Label();
        plan.setId("experiments-plan");
        plan.textProperty().bind(vm.planSummaryProperty());
        Label problem = new Label();
        problem.getStyleClass().add("error");
        problem.textProperty().bind(vm.problemProperty());
        problem.setWrapText(true);
        ProgressBar bar = new ProgressBar();
        bar.setId("experiments-progress");
        bar.progressProperty().bind(vm.progressProperty());
        bar.setMaxWidth(Double.MAX_VALUE);
        Label line = new Label();
        line.setId("experiments-line");
        line.textProperty().bind(vm.progressLineProperty());

        TableView<ExperimentsViewModel.ItemRow> itemsTable = new TableView<>(vm.items());
        itemsTable.setId("experiments-items");
        itemsTable.getColumns().add(column("status", ExperimentsViewModel.ItemRow::status, 300));
        itemsTable.getColumns().add(column("group", ExperimentsViewModel.ItemRow::group, 70));
        itemsTable.getColumns().add(column("item", ExperimentsViewModel.ItemRow::id, 260));
        itemsTable.setPlaceholder(new Label("Run the experiment to see its items here."));

        table.setId("experiments-table");
        table.setPlaceholder(new Label("The table appears when the experiment ends."));
        findings.setId("experiments-findings");
        findings.setWrapText(true);
        findings.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        table.setPrefHeight(190);
        table.setMinHeight(120);
        figures.setId("experiments-figures");
        figures.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        VBox results = new VBox(8, findings, table, figures);
        VBox.setVgrow(figures, Priority.ALWAYS);
        SplitPane split = new SplitPane(itemsTable, results);
        split.setDividerPositions(0.42);
        VBox.setVgrow(split, Priority.ALWAYS);
        getChildren().addAll(controls, claim, plan, problem, bar, line, split);

        vm.reportProperty().addListener((o, was, now) -> show(now, wb));
    }

    public ExperimentsViewModel model() {
        return vm;
    }

    private void show(ExperimentReport r, Workbench wb) {
        table.getColumns().clear();
        table.getItems().clear();
        figures.getTabs().clear();
        if (r == null) {
            findings.setText("");
            return;
        }
        findings.setText("Measured: " + String.join(" ", r.findings()));
        for (int i = 0; i < r.columns().size(); i++) {
            int col = i;
            TableColumn<List<String>, String> c = new TableColumn<>(r.columns().get(i));
            c.setCellValueFactory(d -> new ReadOnlyStringWrapper(col < d.getValue().size() ? d.getValue().get(col) : ""));
            table.getColumns().add(c);
        }
        table.getItems().setAll(r.rows());
        for (Chart c : r.charts()) {
            Figure f = ChartFigure.of(c);
            FigureCanvas canvas = new FigureCanvas(() -> f, wb.theme()::isDark);
            canvas.setId("experiments-figure-" + c.file());
            canvas.setMinHeight(260);
            figures.getTabs().add(new Tab(c.title(), canvas));
        }
    }

    private static ListCell<Experiment> cell() {
        return new ListCell<>() {
            @Override
            protected void updateItem(Experiment e, boolean empty) {
                super.updateItem(e, empty);
                setText(empty || e == null ? "" : e.title());
            }
        };
    }

    private static <T> TableColumn<T, String> column(String name, java.util.function.Function<T, String> f, double w) {
        TableColumn<T, String> c = new TableColumn<>(name);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(f.apply(d.getValue())));
        c.setPrefWidth(w);
        return c;
    }

    /** A small field for a whole number; empty means the experiment's default. */
    private static TextField number(String id, javafx.beans.property.ObjectProperty<Integer> p) {
        TextField t = new TextField();
        t.setId("experiments-" + id);
        t.setPrefColumnCount(5);
        t.setPromptText("default");
        p.addListener((o, a, b) -> {
            String shown = b == null ? "" : b.toString();
            if (!t.getText().trim().equals(shown)) {
                t.setText(shown);
            }
        });
        t.textProperty().addListener((o, a, b) -> {
            String s = b.trim();
            if (s.isEmpty()) {
                p.set(null);
            } else if (s.matches("\\d{1,6}") && Integer.parseInt(s) > 0) {
                p.set(Integer.parseInt(s));
            }
        });
        return t;
    }
}
