package dev.protolens.app.cluster;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.engine.cluster.ShardStatus;
import java.util.Locale;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.InvalidationListener;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Window;
import javafx.util.Duration;
import javafx.util.StringConverter;

/**
 * "Submit to Slurm…": the settings and the batch script they give, then the run's shards, refreshed every few
 * seconds while the window is open. The Experiments screen opens it for a saved plan with {@link #show}; a plan
 * submitted before opens straight on its run.
 */
public final class SlurmDialog {
    private SlurmDialog() {}

    /**
     * The hook for a screen's "Submit to Slurm…": the dialog for a saved plan file whose shards write into
     * {@code results} (null: beside the plan), each started like this app.
     */
    public static Dialog<Void> open(Window owner, dev.protolens.app.ui.Host host, java.nio.file.Path planFile,
                                    java.nio.file.Path results) {
        return show(owner, SlurmViewModel.of(host, planFile, results,
                ThisApp.launcher()));
    }

    public static Dialog<Void> show(Window owner, SlurmViewModel vm) {
        Dialog<Void> d = new Dialog<>();
        d.setTitle("Submit to Slurm");
        d.setHeaderText("Run " + vm.plan().getFileName() + " on a Slurm cluster");
        Dialogs.prepare(d, owner);
        d.initModality(Modality.NONE);
        d.getDialogPane().setId("slurm-dialog");
        VBox settings = settings(vm);
        VBox run = run(vm);
        VBox content = new VBox(12, settings, run);
        content.setPrefWidth(680);
        settings.visibleProperty().bind(vm.statusProperty().isNull());
        settings.managedProperty().bind(settings.visibleProperty());
        run.visibleProperty().bind(vm.statusProperty().isNotNull());
        run.managedProperty().bind(run.visibleProperty());
        d.getDialogPane().setContent(content);
        d.getDialogPane().getButtonTypes().setAll(ButtonType.CLOSE);
        // the scheduler is asked again every 5 s while the window shows, never after (a running timeline is a GC root)
        Timeline poll = new Timeline(new KeyFrame(Duration.seconds(5), e -> {
            if (!vm.busyProperty().get()) {
                vm.refresh();
            }
        }));
        poll.setCycleCount(Timeline.INDEFINITE);
        d.setOnShown(e -> poll.play());
        d.setOnHidden(e -> poll.stop());
        vm.preview();
        vm.refresh();
        d.show();
        return d;
    }

    private static VBox settings(SlurmViewModel vm) {
        ChoiceBox<SlurmViewModel.Where> where = new ChoiceBox<>(FXCollections.observableArrayList(
                SlurmViewModel.Where.values()));
        where.setConverter(new StringConverter<>() {
            @Override
            public String toString(SlurmViewModel.Where w) {
                return w == SlurmViewModel.Where.SSH ? "A login node over ssh" : "This machine (sbatch here)";
            }

            @Override
            public SlurmViewModel.Where fromString(String s) {
                return null;
            }
        });
        where.valueProperty().bindBidirectional(vm.whereProperty());
        TextField ssh = field(vm.sshHostProperty(), "login1 or me@hpc.example.org (your ssh config and keys)");
        ssh.disableProperty().bind(vm.whereProperty().isNotEqualTo(SlurmViewModel.Where.SSH));
        Spinner<Integer> shards = new Spinner<>(1, 1000, vm.shardsProperty().get());
        shards.setEditable(true);
        shards.valueProperty().addListener((o, a, b) -> vm.shardsProperty().set(b));
        vm.shardsProperty().addListener((o, a, b) -> shards.getValueFactory().setValue(b.intValue()));
        Spinner<Integer> gpus = new Spinner<>(0, 16, vm.gpusPerTaskProperty().get());
        gpus.setId("slurm-gpus");
        gpus.valueProperty().addListener((o, a, b) -> vm.gpusPerTaskProperty().set(b));
        vm.gpusPerTaskProperty().addListener((o, a, b) -> gpus.getValueFactory().setValue(b.intValue()));
        GridPane g = new GridPane(10, 8);
        int r = 0;
        g.addRow(r++, new Label("Submit from"), where, ssh);
        g.addRow(r++, new Label("Shards (array tasks)"), shards);
        g.addRow(r++, new Label("Partition"), field(vm.partitionProperty(), "the cluster's default"));
        g.addRow(r++, new Label("GPUs per shard"), gpus);
        g.addRow(r++, new Label("Time limit"), field(vm.timeProperty(), "e.g. 02:00:00"));
        g.addRow(r, new Label("Memory per shard"), field(vm.memProperty(), "e.g. 16G"));
        TextArea script = new TextArea();
        script.setId("slurm-script");
        script.setEditable(false);
        script.setPrefRowCount(12);
        script.setStyle("-fx-font-family: monospace;");
        script.textProperty().bind(vm.scriptProperty());
        InvalidationListener again = o -> vm.preview();
        for (javafx.beans.Observable p : java.util.List.of(vm.shardsProperty(), vm.partitionProperty(),
                vm.gpusPerTaskProperty(), vm.timeProperty(), vm.memProperty())) {
            p.addListener(again);
        }
        Label note = new Label("The plan, the run folder " + vm.runDir().getFileName() + " and ProtoLens itself must be"
                + " on a file system the cluster's nodes share, at the same path.");
        note.setWrapText(true);
        note.setMinHeight(Region.USE_PREF_SIZE);
        note.getStyleClass().add("muted");
        Button submit = new Button("Submit");
        submit.setId("slurm-submit");
        submit.setDefaultButton(true);
        submit.disableProperty().bind(vm.busyProperty());
        submit.setOnAction(e -> vm.submit());
        return new VBox(10, g, new Label("Batch script"), script, note, new HBox(submit));
    }

    private static VBox run(SlurmViewModel vm) {
        Label summary = new Label();
        summary.setId("slurm-summary");
        summary.textProperty().bind(vm.summaryProperty());
        TableView<ShardStatus> table = new TableView<>();
        table.setId("slurm-shards");
        table.setPrefHeight(200);
        table.getColumns().add(column("Shard", s -> Integer.toString(s.shard())));
        table.getColumns().add(column("State", s -> s.state().name().toLowerCase(Locale.ROOT)));
        table.getColumns().add(column("Job", s -> s.jobId() + "_" + s.shard()));
        table.getColumns().add(column("Slurm", s -> s.slurmState().isEmpty() ? "–" : s.slurmState()));
        table.getColumns().add(column("Items", s -> s.fitsDone() + " / " + s.fits()));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TextArea log = new TextArea();
        log.setEditable(false);
        log.setPrefRowCount(6);
        log.setStyle("-fx-font-family: monospace;");
        table.getSelectionModel().selectedItemProperty().addListener((o, a, s) ->
                log.setText(s == null || s.logTail().isEmpty() ? "" : String.join("\n", s.logTail())));
        vm.statusProperty().addListener((o, a, s) -> {
            if (s != null) {
                int sel = table.getSelectionModel().getSelectedIndex();
                table.getItems().setAll(s.shards());
                table.getSelectionModel().select(sel);
            }
        });
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> vm.refresh());
        Button resubmit = new Button("Resubmit failed shards");
        resubmit.setId("slurm-resubmit");
        resubmit.disableProperty().bind(vm.busyProperty().or(javafx.beans.binding.Bindings.createBooleanBinding(
                () -> vm.statusProperty().get() == null || vm.statusProperty().get().failed().isEmpty(),
                vm.statusProperty())));
        resubmit.setOnAction(e -> vm.resubmit());
        Button collect = new Button("Collect results");
        collect.setId("slurm-collect");
        collect.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                () -> vm.statusProperty().get() == null || !vm.statusProperty().get().complete(), vm.statusProperty()));
        collect.setOnAction(e -> vm.collect());
        Label where = new Label("Run folder: " + vm.runDir() + " (script, logs; `protolens slurm status "
                + vm.plan() + "` shows the same)");
        where.setWrapText(true);
        where.setMinHeight(Region.USE_PREF_SIZE);
        where.getStyleClass().add("muted");
        VBox box = new VBox(10, summary, table, new Label("Log of the selected shard (its last lines)"), log,
                new HBox(8, refresh, resubmit, collect), where);
        box.setPadding(Insets.EMPTY);
        return box;
    }

    private static TextField field(javafx.beans.property.StringProperty p, String prompt) {
        TextField f = new TextField();
        f.textProperty().bindBidirectional(p);
        f.setPromptText(prompt);
        return f;
    }

    private static TableColumn<ShardStatus, String> column(String title,
                                                           java.util.function.Function<ShardStatus, String> value) {
        TableColumn<ShardStatus, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        return c;
    }
}
