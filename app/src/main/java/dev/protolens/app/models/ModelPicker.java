package dev.protolens.app.models;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.session.ModelSession;
import java.io.File;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

/**
 * The model picker: the models ProtoLens can find (recent, project, local folder, Hugging Face cache), a path
 * to type or browse to (folder or .gguf), and the details of the selected and of the open model. Opening
 * closes the dialog at once; the model loads in the background with its steps in the status bar.
 */
public final class ModelPicker {
    static final String HOW_TO_GET_ONE = "To get a model, download a Hugging Face checkpoint of the Llama, Qwen,"
            + " GPT-NeoX or GPT-2 family (e.g. `hf download HuggingFaceTB/SmolLM2-135M`, which lands in the cache"
            + " listed here) or a Llama .gguf file, then pick it below.";

    private final Workbench wb;

    public ModelPicker(Workbench wb) {
        this.wb = wb;
    }

    /** Shows the picker (not blocking); an accepted path is opened through the workbench. */
    public void show() {
        Dialog<String> d = new Dialog<>();
        d.setTitle("Open a model");
        d.setHeaderText(null);
        Dialogs.prepare(d, wb.window());
        d.getDialogPane().setId("model-picker");
        ButtonType openType = new ButtonType("Open", ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().setAll(openType, ButtonType.CANCEL);
        Button open = (Button) d.getDialogPane().lookupButton(openType);
        open.setId("open-model");

        Label heading = new Label("Open a model");
        heading.getStyleClass().add("heading");
        ModelSession current = wb.session();
        Label intro = new Label(current == null
                ? "ProtoLens needs a language model to fit texts with. " + HOW_TO_GET_ONE
                : "Open another model; runs remember which model they were fitted with. " + HOW_TO_GET_ONE);
        intro.setWrapText(true);
        intro.setId("picker-intro");

        ListView<ModelCandidates.Candidate> list = new ListView<>();
        list.setId("model-candidates");
        list.getStyleClass().add("candidate-list");
        list.setPlaceholder(new Label("Looking for models…"));
        list.setCellFactory(v -> new CandidateCell());

        TextField path = new TextField();
        path.setId("model-path");
        path.setPromptText("Path to a model folder or a .gguf file");
        HBox.setHgrow(path, Priority.ALWAYS);
        Button folder = new Button("Folder…");
        folder.setId("browse-folder");
        Button gguf = new Button(".gguf file…");
        gguf.setId("browse-gguf");
        HBox pathRow = new HBox(6, path, folder, gguf);
        pathRow.setAlignment(Pos.CENTER_LEFT);

        VBox details = new VBox(6);
        details.setId("model-details");
        ScrollPane detailsScroll = new ScrollPane(details);
        detailsScroll.setFitToWidth(true);
        detailsScroll.setPrefWidth(330);
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
        open.disableProperty().bind(path.textProperty().isEmpty());

        VBox left = new VBox(8, new Label("Models found"), list, new Label("Or a path"), pathRow);
        VBox.setVgrow(list, Priority.ALWAYS);
        HBox.setHgrow(left, Priority.ALWAYS);
        HBox body = new HBox(14, left, detailsScroll);
        VBox content = new VBox(10, heading, intro, body);
        content.setPadding(new Insets(4));
        content.setPrefWidth(880);
        d.getDialogPane().setContent(content);

        d.setResultConverter(b -> b == openType ? path.getText().trim() : null);
        d.setOnHidden(e -> {
            String chosen = d.getResult();
            if (chosen == null) {
                return;
            }
            try {
                wb.openModel(Path.of(expandHome(chosen)));
            } catch (InvalidPathException ex) {
                Dialogs.error(wb.window(), "Could not open the model", "'" + chosen + "' is not a valid path.");
            }
        });

        CompletableFuture.supplyAsync(() -> {
            List<ModelCandidates.Candidate> all = new ArrayList<>(wb.candidates().recent());
            all.addAll(wb.candidates().found());
            return all;
        }, wb.io()).whenComplete((all, err) -> Platform.runLater(() -> {
            if (err != null || all.isEmpty()) {
                list.setPlaceholder(new Label("No models found in the usual places; type a path below."));
                return;
            }
            list.getItems().setAll(all);
            if (path.getText().isEmpty()) {
                // a Hugging Face folder first: it carries the full config and tokenizer
                all.stream().filter(ModelCandidates.Candidate::loadable)
                        .min(java.util.Comparator.comparing(c -> "gguf".equals(c.family())))
                        .ifPresent(c -> list.getSelectionModel().select(c));
            }
        }));
        d.show();
        Platform.runLater(path::requestFocus);
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
