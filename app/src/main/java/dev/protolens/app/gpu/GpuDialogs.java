package dev.protolens.app.gpu;

import dev.protolens.app.ui.Dialogs;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Window;
import java.util.List;

/**
 * The two ways the GPU place opens: from GPU in the left bar (a window that stays open while an install runs, and
 * may be closed without stopping it: the status bar shows it), and as the first-run offer on a machine whose NVIDIA
 * driver can run the GPU runtime.
 */
public final class GpuDialogs {
    static final ButtonType INSTALL = new ButtonType("Install GPU runtime", ButtonBar.ButtonData.OK_DONE);
    static final ButtonType LATER = new ButtonType("Not now", ButtonBar.ButtonData.CANCEL_CLOSE);

    private GpuDialogs() {}

    /** The GPU place, refreshed as it opens. */
    public static Dialog<Void> showSettings(Window owner, GpuViewModel vm) {
        Dialog<Void> d = new Dialog<>();
        d.setTitle("GPU");
        d.setHeaderText("GPU");
        Dialogs.prepare(d, owner);
        d.initModality(Modality.NONE);
        d.getDialogPane().setId("gpu-dialog");
        d.getDialogPane().setContent(new GpuView(vm));
        d.getDialogPane().getButtonTypes().setAll(ButtonType.CLOSE);
        // the texts arrive after the window is sized (the driver is read in the background): grow with them
        javafx.beans.InvalidationListener fit = o -> javafx.application.Platform.runLater(() -> {
            if (d.isShowing()) {
                d.getDialogPane().getScene().getWindow().sizeToScene();
            }
        });
        List<javafx.beans.Observable> texts = List.of(vm.detectedProperty(), vm.gpusProperty(), vm.runtimeProperty(),
                vm.checkProperty(), vm.nextProperty(), vm.messageProperty(), vm.stateProperty());
        texts.forEach(t -> t.addListener(fit));
        d.setOnHidden(e -> texts.forEach(t -> t.removeListener(fit)));
        if (!vm.busy()) {
            vm.refresh();
        }
        d.show();
        return d;
    }

    /**
     * The first-run offer: what was found, the size and where it goes. "Install GPU runtime" opens the GPU place and
     * starts the download; "Not now" is remembered (the GPU place stays in the left bar).
     */
    public static Dialog<ButtonType> offer(Window owner, GpuViewModel vm) {
        Dialog<ButtonType> d = new Dialog<>();
        d.setTitle("Use your NVIDIA GPU?");
        d.setHeaderText("Use your NVIDIA GPU?");
        Dialogs.prepare(d, owner);
        d.getDialogPane().setId("gpu-offer");
        Label found = text("ProtoLens found an " + vm.firstGpu() + ". Until now it has computed on the CPU.");
        Label what = text("To compute on the GPU it needs the GPU runtime: the CUDA build of PyTorch (libtorch 2.7.1,"
                + " cu128), published by DJL. It is a download of about 2–3 GB from "
                + vm.destinationHost() + " into " + vm.destination() + ".");
        Label after = text("After the download ProtoLens checks the runtime on the GPU in a separate process; when the"
                + " check passes, the next start uses the GPU. You can install it later, or remove it, under GPU in the"
                + " left bar.");
        after.getStyleClass().add("muted");
        VBox box = new VBox(10, found, what, after);
        box.setPrefWidth(560);
        d.getDialogPane().setContent(box);
        d.getDialogPane().getButtonTypes().setAll(INSTALL, LATER);
        d.setResultConverter(b -> b);
        return d;
    }

    private static Label text(String s) {
        Label l = new Label(s);
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        return l;
    }
}
