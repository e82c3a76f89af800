package dev.protolens.app.models;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.engine.UserError;
import dev.protolens.engine.hub.CachedModel;
import dev.protolens.engine.hub.HubError;
import dev.protolens.engine.hub.Sizes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.value.ChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The picker's "Download from Hugging Face" part: small models to start with, a repo id (and revision) to download,
 * the running download's overall and per-file progress with a cancel button, downloads left unfinished, the last
 * error in words, and a field to save an access token. It shows the window's {@link ModelDownloads}, which outlives
 * the picker: a download goes on (in the status bar) after the picker closes.
 */
final class DownloadPane extends VBox {
    private final ModelDownloads downloads;
    private final TextField repo = new TextField();
    private final TextField revision = new TextField();
    private final PasswordField token = new PasswordField();
    private final Label offline = new Label();
    private final FlowPane unfinished = new FlowPane(6, 6);
    private final List<Runnable> detach = new ArrayList<>();

    DownloadPane(ModelDownloads downloads) {
        super(8);
        this.downloads = downloads;
        setId("download-pane");
        Label heading = new Label("Download from Hugging Face");
        heading.getStyleClass().add("subheading");

        offline.setId("download-offline");
        wrapping(offline);
        offline.getStyleClass().add("warn-text");
        show(offline, false);

        FlowPane suggestions = new FlowPane(6, 6);
        suggestions.setId("download-suggestions");
        for (SuggestedModel s : SuggestedModel.SMALL) {
            Button b = new Button(s.buttonText());
            b.setId("suggest-" + s.label().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
            b.setTooltip(new Tooltip(s.repoId() + "\n" + s.note()));
            b.setOnAction(e -> {
                repo.setText(s.repoId());
                revision.clear();
                start();
            });
            b.disableProperty().bind(downloads.stateProperty().isEqualTo(ModelDownloads.State.RUNNING));
            suggestions.getChildren().add(b);
        }

        unfinished.setId("download-unfinished");
        show(unfinished, false);

        repo.setId("download-repo");
        repo.setPromptText("Repo id, e.g. HuggingFaceTB/SmolLM2-135M");
        HBox.setHgrow(repo, Priority.ALWAYS);
        revision.setId("download-revision");
        revision.setPromptText("revision (main)");
        revision.setPrefColumnCount(10);
        Button download = new Button("Download");
        download.setId("download-button");
        download.disableProperty().bind(repo.textProperty().isEmpty()
                .or(downloads.stateProperty().isEqualTo(ModelDownloads.State.RUNNING)));
        download.setOnAction(e -> start());
        repo.setOnAction(e -> {
            if (!download.isDisabled()) {
                start();
            }
        });
        Button cancel = new Button("Cancel download");
        cancel.setId("download-cancel");
        cancel.setOnAction(e -> downloads.cancel());
        cancel.visibleProperty().bind(downloads.stateProperty().isEqualTo(ModelDownloads.State.RUNNING));
        cancel.managedProperty().bind(cancel.visibleProperty());
        HBox idRow = new HBox(6, new Label("By id"), repo, revision, download, cancel);
        idRow.setAlignment(Pos.CENTER_LEFT);

        ProgressBar bar = new ProgressBar();
        bar.setId("download-progress");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.progressProperty().bind(downloads.fractionProperty());
        Label summary = new Label();
        summary.setId("download-summary");
        wrapping(summary);
        summary.textProperty().bind(downloads.summaryProperty());
        ListView<ModelDownloads.FileProgress> fileList = new ListView<>(downloads.files());
        fileList.setId("download-files");
        fileList.setPrefHeight(104);
        fileList.setFocusTraversable(false);
        fileList.setCellFactory(v -> new FileCell());
        VBox progress = new VBox(4, bar, summary, fileList);
        Runnable showProgress = () -> {
            ModelDownloads.State s = downloads.state();
            show(progress, s != ModelDownloads.State.IDLE && s != ModelDownloads.State.FAILED);
            show(bar, s == ModelDownloads.State.RUNNING || s == ModelDownloads.State.DONE);
            show(fileList, !downloads.files().isEmpty());
        };

        Label error = new Label();
        error.setId("download-error");
        wrapping(error);
        error.getStyleClass().add("error-text");
        Runnable showError = () -> {
            ModelDownloads.Failure f = downloads.failureProperty().get();
            error.setText(f == null ? "" : f.message());
            show(error, f != null);
            if (f != null && f.kind() == HubError.Kind.GATED) {
                token.requestFocus();
            }
        };

        token.setId("hf-token");
        token.setPromptText("hf_… access token, for gated models");
        HBox.setHgrow(token, Priority.ALWAYS);
        Button save = new Button("Save token");
        save.setId("save-token");
        save.disableProperty().bind(token.textProperty().isEmpty());
        save.setOnAction(e -> {
            try {
                downloads.saveToken(token.getText());
            } catch (UserError ex) {
                Dialogs.error(getScene().getWindow(), "Could not save the token", ex);
            } finally {
                token.clear();
            }
        });
        Button forget = new Button("Forget");
        forget.setId("forget-token");
        forget.setTooltip(new Tooltip("Remove the token saved in ProtoLens settings (HF_TOKEN is left alone)"));
        forget.setOnAction(e -> downloads.forgetToken());
        HBox tokenRow = new HBox(6, new Label("Access token"), token, save, forget);
        tokenRow.setAlignment(Pos.CENTER_LEFT);
        Label tokenStatus = new Label();
        tokenStatus.setId("token-status");
        tokenStatus.getStyleClass().add("muted");
        wrapping(tokenStatus);
        tokenStatus.textProperty().bind(downloads.tokenStatusProperty());

        getChildren().addAll(heading, offline, suggestions, unfinished, idRow, progress, error, tokenRow, tokenStatus);
        showProgress.run();
        showError.run();
        listen(downloads.stateProperty(), (o, was, now) -> showProgress.run());
        listen(downloads.failureProperty(), (o, was, now) -> showError.run());
        javafx.collections.ListChangeListener<ModelDownloads.FileProgress> filesChanged = c -> showProgress.run();
        downloads.files().addListener(filesChanged);
        detach.add(() -> downloads.files().removeListener(filesChanged));
        downloads.refreshTokenStatus();
        if (downloads.state() == ModelDownloads.State.RUNNING) {
            repo.setText(downloads.repoIdProperty().get());
        }
    }

    /**
     * Runs {@code action} once, the first time the user turns to this section: a click in it, or the keyboard
     * focus entering it. The hub's reachability check waits for this, so opening the picker to pick a local
     * model touches no network (issue 18: it used to connect to huggingface.co on every opening).
     */
    void onFirstUse(Runnable action) {
        boolean[] done = {false};
        Runnable once = () -> {
            if (!done[0]) {
                done[0] = true;
                action.run();
            }
        };
        javafx.event.EventHandler<javafx.scene.input.MouseEvent> pressed = e -> once.run();
        addEventFilter(javafx.scene.input.MouseEvent.MOUSE_PRESSED, pressed);
        detach.add(() -> removeEventFilter(javafx.scene.input.MouseEvent.MOUSE_PRESSED, pressed));
        listen(focusWithinProperty(), (o, was, now) -> {
            if (now) {
                once.run();
            }
        });
    }

    /** Says in one sentence that downloads will not work now (the local models above still open). */
    void setOffline(String reason) {
        offline.setText(reason == null ? "" : reason);
        show(offline, reason != null);
    }

    /** Offers to resume downloads that stopped part-way. */
    void setUnfinished(List<CachedModel> partial) {
        unfinished.getChildren().clear();
        for (CachedModel m : partial) {
            Button b = new Button("Resume " + m.repoId() + " (" + Sizes.human(m.partialBytes()) + " kept)");
            b.setId("resume-" + m.repoId().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
            b.disableProperty().bind(downloads.stateProperty().isEqualTo(ModelDownloads.State.RUNNING));
            b.setOnAction(e -> {
                repo.setText(m.repoId());
                revision.clear();
                start();
            });
            unfinished.getChildren().add(b);
        }
        if (!partial.isEmpty()) {
            unfinished.getChildren().addFirst(new Label("Unfinished:"));
        }
        show(unfinished, !partial.isEmpty());
    }

    /** The picker closes: stop listening to the window-long download state. */
    void dispose() {
        detach.forEach(Runnable::run);
        detach.clear();
    }

    private void start() {
        downloads.download(repo.getText(), revision.getText());
    }

    private <T> void listen(javafx.beans.value.ObservableValue<T> v, ChangeListener<T> l) {
        v.addListener(l);
        detach.add(() -> v.removeListener(l));
    }

    private static Label wrapping(Label l) {
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        return l;
    }

    private static void show(javafx.scene.Node n, boolean on) {
        n.setVisible(on);
        n.setManaged(on);
    }

    private static final class FileCell extends ListCell<ModelDownloads.FileProgress> {
        private final Label name = new Label();
        private final ProgressBar bar = new ProgressBar();
        private final Label what = new Label();
        private final HBox box = new HBox(8, name, bar, what);

        FileCell() {
            bar.setPrefWidth(120);
            what.getStyleClass().add("muted");
            name.setMinWidth(180);
            box.setAlignment(Pos.CENTER_LEFT);
            box.getStyleClass().add("download-file");
        }

        @Override
        protected void updateItem(ModelDownloads.FileProgress f, boolean empty) {
            super.updateItem(f, empty);
            setText(null);
            if (empty || f == null) {
                setGraphic(null);
                return;
            }
            name.setText(f.name());
            bar.setProgress(f.fraction());
            what.setText(f.describe());
            setGraphic(box);
        }
    }
}
