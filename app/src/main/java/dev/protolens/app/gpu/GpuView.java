package dev.protolens.app.gpu;

import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The GPU place: what the driver says, the GPU runtime and its last check, what the next start uses, and the buttons
 * to install (with progress and cancel), check again and remove.
 */
public final class GpuView extends VBox {
    private final GpuViewModel vm;

    public GpuView(GpuViewModel vm) {
        super(12);
        this.vm = vm;
        setId("gpu-view");
        setPrefWidth(640);

        Label intro = wrapping(new Label("ProtoLens computes on the CPU with the PyTorch build it comes with. On an"
                + " NVIDIA GPU it can compute with the CUDA build instead, which is a separate download."));
        intro.getStyleClass().add("muted");

        GridPane g = new GridPane();
        g.getStyleClass().add("details-grid");
        g.setHgap(14);
        g.setVgap(8);
        ColumnConstraints key = new ColumnConstraints();
        key.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints value = new ColumnConstraints();
        value.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().setAll(key, value);
        row(g, 0, "Detected", bound("gpu-detected", vm.detectedProperty()));
        Label gpus = bound("gpu-devices", vm.gpusProperty());
        gpus.managedProperty().bind(vm.gpusProperty().isNotEmpty());
        gpus.visibleProperty().bind(gpus.managedProperty());
        g.add(gpus, 1, 1);
        row(g, 2, "GPU runtime", bound("gpu-runtime", vm.runtimeProperty()));
        row(g, 3, "Last check", bound("gpu-check", vm.checkProperty()));
        row(g, 4, "Next start", bound("gpu-next", vm.nextProperty()));

        ProgressBar bar = new ProgressBar();
        bar.setId("gpu-progress");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.progressProperty().bind(Bindings.createDoubleBinding(() -> vm.fractionProperty().get() < 0
                ? ProgressBar.INDETERMINATE_PROGRESS : vm.fractionProperty().get(), vm.fractionProperty()));
        Label summary = bound("gpu-summary", vm.summaryProperty());
        summary.getStyleClass().add("muted");
        VBox progress = new VBox(4, bar, summary);
        progress.managedProperty().bind(vm.stateProperty().isNotEqualTo(GpuViewModel.State.IDLE)
                .and(vm.stateProperty().isNotEqualTo(GpuViewModel.State.READING)));
        progress.visibleProperty().bind(progress.managedProperty());

        Label message = bound("gpu-message", vm.messageProperty());
        message.managedProperty().bind(vm.messageProperty().isNotEmpty());
        message.visibleProperty().bind(message.managedProperty());
        vm.toneProperty().subscribe(t -> message.getStyleClass().setAll("label", switch (t) {
            case OK -> "ok-text";
            case WARN -> "warn-text";
            case ERROR -> "error-text";
            case INFO -> "muted";
        }));

        Button install = new Button("Install GPU runtime");
        install.setId("gpu-install");
        install.getStyleClass().add("primary");
        install.setOnAction(e -> vm.install());
        install.disableProperty().bind(vm.installableProperty().not().or(vm.installedProperty())
                .or(vm.stateProperty().isNotEqualTo(GpuViewModel.State.IDLE)));
        Button cancel = new Button("Cancel download");
        cancel.setId("gpu-cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.managedProperty().bind(vm.stateProperty().isEqualTo(GpuViewModel.State.DOWNLOADING)
                .or(vm.stateProperty().isEqualTo(GpuViewModel.State.PLANNING)));
        cancel.visibleProperty().bind(cancel.managedProperty());
        Button check = new Button("Check again");
        check.setId("gpu-check-again");
        check.setOnAction(e -> vm.check());
        check.disableProperty().bind(vm.installedProperty().not()
                .or(vm.stateProperty().isNotEqualTo(GpuViewModel.State.IDLE)));
        Button remove = new Button("Remove");
        remove.setId("gpu-remove");
        remove.setOnAction(e -> vm.remove());
        remove.disableProperty().bind(check.disableProperty());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox buttons = new HBox(8, install, cancel, check, gap, remove);
        buttons.setAlignment(Pos.CENTER_LEFT);

        getChildren().addAll(intro, g, progress, message, buttons);
    }

    public GpuViewModel model() {
        return vm;
    }

    private static void row(GridPane g, int r, String name, Label value) {
        Label k = new Label(name);
        k.getStyleClass().add("key");
        k.setMinWidth(Region.USE_PREF_SIZE);
        g.add(k, 0, r);
        g.add(value, 1, r);
    }

    private static Label bound(String id, javafx.beans.value.ObservableStringValue text) {
        Label l = wrapping(new Label());
        l.setId(id);
        l.textProperty().bind(text);
        return l;
    }

    private static Label wrapping(Label l) {
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        l.setMaxWidth(Double.MAX_VALUE);
        return l;
    }
}
