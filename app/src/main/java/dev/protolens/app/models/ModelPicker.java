package dev.protolens.app.models;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.hub.CachedModel;
import dev.protolens.engine.session.ModelSession;
import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ChangeListener;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

/**
 * The model picker: the models ProtoLens can find (recent, project, local folder, Hugging Face cache), a path
 * to type or browse to (folder or .gguf), downloads from the Hugging Face hub ({@link DownloadPane}), and the
 * details of the selected and of the open model. Open loads the model with the picker still up (its steps also in
 * the status bar) and closes it once the model is open; a model that does not load leaves the picker open with the
 * reason under the path. A download goes on in the background and opens its model when it ends.
 * With no model configured yet (a first run) it greets and offers small models to download.
 */
public final class ModelPicker {
    static final String HOW_TO_GET_ONE = "Pick one found on this computer, download a small one from Hugging Face"
            + " below, or open a model folder (config.json, *.safetensors, tokenizer.json of the Llama, Qwen,"
            + " GPT-NeoX or GPT-2 family) or a Llama .gguf file.";

    private final Workbench wb;
    private final ModelCandidates candidates;
    private final java.util.function.Supplier<ModelDownloads> downloads;

    /**
     * @param candidates the models found on this computer and the recent ones
     * @param downloads  the one download manager of the window (one download at a time; the status bar shows it)
     */
    public ModelPicker(Workbench wb, ModelCandidates candidates, java.util.function.Supplier<ModelDownloads> downloads) {
        this.wb = wb;
        this.candidates = candidates;
        this.downloads = downloads;
    }

    /** No model open and none remembered: the first start (or settings that were reset). */
    private boolean firstRun() {
        return wb.session() == null && wb.settings().lastModel() == null;
    }

    /** Shows the picker (not blocking); an accepted path is opened through the workbench. */
    public void show() {
        Dialog<String> d = new Dialog<>();
        boolean first = firstRun();
        d.setTitle(first ? "Choose a model" : "Open a model");
        d.setHeaderText(null);
        Dialogs.prepare(d, wb.window());
        d.getDialogPane().setId("model-picker");
        ButtonType openType = new ButtonType("Open", ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().setAll(openType, ButtonType.CANCEL);
        Button open = (Button) d.getDialogPane().lookupButton(openType);
        open.setId("open-model");

        Label heading = new Label(first ? "Welcome to ProtoLens" : "Open a model");
        heading.getStyleClass().add("heading");
        heading.setId("picker-heading");
        ModelSession current = wb.session();
        String last = wb.settings().lastModel();
        Label intro = new Label(first
                ? "ProtoLens needs a language model to fit texts with. " + HOW_TO_GET_ONE
                : current == null && last != null
                ? "The model used last (" + last + ") is no longer there. " + HOW_TO_GET_ONE
                : "Open another model; runs remember which model they were fitted with. " + HOW_TO_GET_ONE);
        intro.setWrapText(true);
        intro.setMinHeight(Region.USE_PREF_SIZE);
        intro.setId("picker-intro");

        ListView<ModelCandidates.Candidate> list = new ListView<>();
        list.setId("model-candidates");
        list.getStyleClass().add("candidate-list");
        list.setPlaceholder(new Label("Looking for models…"));
        list.setCellFactory(v -> new CandidateCell());
        list.setPrefHeight(190);

        TextField path = new TextField();
        path.setId("model-path");
        path.setPromptText("Path to a model folder or a .gguf file");
        HBox.setHgrow(path, Priority.ALWAYS);
        MenuItem folder = new MenuItem("Model folder…");
        folder.setId("browse-folder");
        MenuItem gguf = new MenuItem(".gguf file…");
        gguf.setId("browse-gguf");
        MenuButton browse = new MenuButton("Open a folder or .gguf…", null, folder, gguf);
        browse.setId("browse");
        HBox pathRow = new HBox(6, path, browse);
        pathRow.setAlignment(Pos.CENTER_LEFT);
        // what became of the last Open, under the path it was about: "Opening …" while it loads, else the error
        Label pathError = new Label();
        pathError.setId("model-open-error");
        pathError.getStyleClass().add("error-text");
        pathError.setWrapText(true);
        pathError.setMinHeight(Region.USE_PREF_SIZE);
        // as wide as the column, wrapping there: its one-line width must not widen the column and squeeze the details
        pathError.setPrefWidth(100);
        pathError.setMaxWidth(Double.MAX_VALUE);
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(16, 16);
        Label opening = new Label();
        opening.setId("model-opening");
        opening.getStyleClass().add("muted");
        HBox openingRow = new HBox(6, spinner, opening);
        openingRow.setAlignment(Pos.CENTER_LEFT);
        show(pathError, false);
        show(openingRow, false);

        VBox details = new VBox(6);
        details.setId("model-details");
        ScrollPane detailsScroll = new ScrollPane(details);
        detailsScroll.setFitToWidth(true);
        detailsScroll.setPrefWidth(330);
        detailsScroll.setPrefHeight(250);
        Runnable showCurrent = () -> {
            details.getChildren().clear();
            if (current != null) {
                Label h = new Label("Open now");
                h.getStyleClass().add("subheading");
                details.getChildren().addAll(h, ModelDetails.grid(ModelDetails.of(current.model())));
            } else {
                Label none = new Label("No model is open.");
                none.getStyleClass().add("muted");
                details.getChildren().add(none);
            }
        };
        showCurrent.run();
        list.getSelectionModel().selectedItemProperty().addListener((o, was, c) -> {
            if (c == null) {
                showCurrent.run();
                return;
            }
            path.setText(c.path().toString());
            Label h = new Label("Selected");
            h.getStyleClass().add("subheading");
            details.getChildren().setAll(h, ModelDetails.grid(ModelDetails.of(c)));
            if (current != null) {
                Label h2 = new Label("Open now");
                h2.getStyleClass().addAll("subheading");
                VBox.setMargin(h2, new Insets(10, 0, 0, 0));
                details.getChildren().addAll(h2, ModelDetails.grid(ModelDetails.of(current.model())));
            }
        });
        list.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && list.getSelectionModel().getSelectedItem() != null) {
                open.fire();
            }
        });

        folder.setOnAction(e -> {
            DirectoryChooser c = new DirectoryChooser();
            c.setTitle("A model folder (config.json, *.safetensors, tokenizer.json)");
            File f = c.showDialog(d.getDialogPane().getScene().getWindow());
            if (f != null) {
                path.setText(f.getAbsolutePath());
            }
        });
        gguf.setOnAction(e -> {
            FileChooser c = new FileChooser();
            c.setTitle("A .gguf model file");
            c.getExtensionFilters().add(new FileChooser.ExtensionFilter("GGUF models", "*.gguf"));
            File f = c.showOpenDialog(d.getDialogPane().getScene().getWindow());
            if (f != null) {
                path.setText(f.getAbsolutePath());
            }
        });
        BooleanProperty busy = new SimpleBooleanProperty(false);
        open.disableProperty().bind(path.textProperty().isEmpty().or(busy));
        list.disableProperty().bind(busy);
        pathRow.disableProperty().bind(busy);
        path.textProperty().addListener((o, was, now) -> show(pathError, false));
        // Open loads the model with the picker still up and closes it only once the model is open: an error (no
        // config.json, broken weights, an unknown architecture, a bad GGUF) is shown here, beside the path the
        // user can then correct, instead of in a dialog after the picker has gone
        open.addEventFilter(ActionEvent.ACTION, e -> {
            e.consume();
            String chosen = path.getText().trim();
            Path p;
            try {
                p = Path.of(expandHome(chosen));
            } catch (InvalidPathException ex) {
                pathError.setText("'" + chosen + "' is not a valid path.");
                show(pathError, true);
                return;
            }
            busy.set(true);
            show(pathError, false);
            opening.setText("Opening " + dev.protolens.engine.hub.LocalModel.displayName(p)
                    + "… (the first model of a session also starts the compute engine, about 10 s)");
            show(openingRow, true);
            wb.loadModel(p).whenComplete((s, err) -> Platform.runLater(() -> {
                busy.set(false);
                show(openingRow, false);
                if (err == null) {
                    d.close();
                } else if (d.isShowing()) {
                    pathError.setText(Dialogs.describe(err));
                    show(pathError, true);
                } else {
                    // cancelled while loading: the picker is gone, so the error gets the usual dialog
                    Dialogs.error(wb.window(), "Could not open the model", err);
                }
            }));
        });

        Label foundLabel = new Label("On this computer");
        foundLabel.getStyleClass().add("subheading");
        VBox left = new VBox(8, foundLabel, list, pathRow, openingRow, pathError);
        VBox.setVgrow(list, Priority.ALWAYS);
        HBox.setHgrow(left, Priority.ALWAYS);
        HBox body = new HBox(14, left, detailsScroll);
        ModelDownloads downloads = this.downloads.get();
        DownloadPane download = new DownloadPane(downloads);
        downloads.setShownInline(true);
        VBox content = new VBox(10, heading, intro, body, new Separator(), download);
        content.setPadding(new Insets(4));
        content.setPrefWidth(940);
        d.getDialogPane().setContent(content);

        // a finished download opens its model itself; the picker has done its job
        ChangeListener<ModelDownloads.State> downloaded = (o, was, now) -> {
            if (now == ModelDownloads.State.DONE && d.isShowing()) {
                d.close();
            }
        };
        downloads.stateProperty().addListener(downloaded);

        d.setResultConverter(b -> null);
        d.setOnHidden(e -> {
            downloads.stateProperty().removeListener(downloaded);
            downloads.setShownInline(false);
            download.dispose();
        });

        record Found(List<ModelCandidates.Candidate> models, List<CachedModel> unfinished) {}
        CompletableFuture.supplyAsync(() -> {
            List<ModelCandidates.Candidate> all = new ArrayList<>(candidates.recent());
            all.addAll(candidates.found());
            return new Found(all, ModelDownloads.unfinished());
        }, wb.io()).whenComplete((found, err) -> Platform.runLater(() -> {
            if (err != null || found.models().isEmpty()) {
                list.setPlaceholder(new Label("No models found on this computer yet: download one below, or open"
                        + " a folder or .gguf file."));
                list.getPlaceholder().setId("no-models-found");
                ((Label) list.getPlaceholder()).setWrapText(true);
            } else {
                list.getItems().setAll(found.models());
                if (path.getText().isEmpty()) {
                    // a Hugging Face folder first: it carries the full config and tokenizer
                    found.models().stream().filter(ModelCandidates.Candidate::loadable)
                            .min(java.util.Comparator.comparing(c -> "gguf".equals(c.family())))
                            .ifPresent(c -> list.getSelectionModel().select(c));
                }
            }
            if (err == null) {
                download.setUnfinished(found.unfinished());
            }
        }));
        // HF_HUB_OFFLINE is said at once (no network involved); the reachability check, a TCP connect to the
        // endpoint, only when the user turns to the download section
        Runnable check = () -> ModelDownloads.offlineReason()
                .thenAccept(reason -> Platform.runLater(() -> download.setOffline(reason)));
        if (ModelCandidates.hubEnvironment().offline()) {
            check.run();
        } else {
            download.onFirstUse(check);
        }
        d.show();
        Platform.runLater(path::requestFocus);
    }

    private static void show(javafx.scene.Node n, boolean on) {
        n.setVisible(on);
        n.setManaged(on);
    }

    static String expandHome(String p) {
        if (p.equals("~") || p.startsWith("~/")) {
            return System.getProperty("user.home") + p.substring(1);
        }
        return p;
    }

    private static final class CandidateCell extends ListCell<ModelCandidates.Candidate> {
        @Override
        protected void updateItem(ModelCandidates.Candidate c, boolean empty) {
            super.updateItem(c, empty);
            if (empty || c == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            Label name = new Label(c.name());
            name.getStyleClass().add("name");
            Label source = new Label(c.source().label());
            source.getStyleClass().add("where");
            HBox top = new HBox(8, name, source);
            top.setAlignment(Pos.BASELINE_LEFT);
            Label summary = new Label(c.summary());
            summary.getStyleClass().add("where");
            VBox box = new VBox(1, top, summary);
            if (c.problem() != null) {
                Label p = new Label(c.problem());
                p.getStyleClass().add("warn-text");
                box.getChildren().add(p);
            }
            box.getStyleClass().add("candidate");
            setText(null);
            setGraphic(box);
        }
    }
}
