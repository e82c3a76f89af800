package dev.protolens.app.fit;

import dev.protolens.engine.decode.Decoded;
import java.util.Locale;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/**
 * The result of a fit: the text the vectors write in one forward pass, with the tokens that differ from the
 * target marked, the paper's measures (C_tokens, H_LM), steps and time, and what to do next.
 */
final class ResultPanel extends VBox {
    private final TextFlow decoded = new TextFlow();
    private final FlowPane metrics = new FlowPane(22, 6);
    private final Label status = new Label();
    private final Button save = new Button("Save to library");
    private final Button again = new Button("Fit again with new seed");
    private final Button copy = new Button("Copy vectors");
    private final Button resume = new Button("Resume");
    private final Label empty = new Label("The text the two vectors write in one forward pass appears here when the"
            + " fit ends.");

    ResultPanel(FitViewModel vm) {
        getStyleClass().addAll("card", "result");
        setId("result-panel");
        setSpacing(8);
        decoded.setId("decoded-text");
        decoded.getStyleClass().add("decoded");
        status.setId("result-status");
        status.getStyleClass().add("subheading");
        dev.protolens.app.ui.Layout.wrapping(status);
        save.setId("save-run");
        save.getStyleClass().add("primary");
        again.setId("fit-again");
        copy.setId("copy-vectors");
        resume.setId("resume-fit");
        resume.setTooltip(new Tooltip("Continue the optimisation from where it stopped"));
        empty.getStyleClass().add("muted");
        empty.setWrapText(true);
        save.setOnAction(e -> vm.save());
        again.setOnAction(e -> vm.fitAgainWithNewSeed());
        copy.setOnAction(e -> vm.copyVectors());
        resume.setOnAction(e -> vm.resume());
        // the buttons wrap onto a second line in a narrow window, each one whole
        javafx.scene.layout.FlowPane buttons = dev.protolens.app.ui.Layout.row(8, save, again, copy, resume);
        Label heading = new Label("One forward pass writes");
        heading.getStyleClass().add("muted");
        getChildren().setAll(empty);
        vm.outcomeProperty().addListener((o, was, now) -> {
            if (now == null) {
                getChildren().setAll(empty);
                return;
            }
            show(now);
            getChildren().setAll(status, heading, decoded, metrics, buttons);
        });
        vm.phaseProperty().addListener((o, was, now) -> {
            boolean busy = now == FitViewModel.Phase.RUNNING || now == FitViewModel.Phase.STOPPING;
            again.setDisable(busy);
            resume.setDisable(busy);
        });
    }

    private void show(FitOutcome o) {
        Decoded d = o.bestDecoded();
        status.setText(capitalize(o.status()) + (o.seeds().size() > 1
                ? String.format(Locale.ROOT, " · best of %d restarts: seed %d", o.seeds().size(), o.seeds().get(o.best()))
                : String.format(Locale.ROOT, " · seed %d", o.seeds().get(o.best()))));
        decoded.getChildren().clear();
        String[] target = o.target().pieces();
        for (int j = 0; j < d.length(); j++) {
            String piece = TokenText.plain(d.pieces()[j]);
            if (j == 0) {
                piece = piece.stripLeading();
            }
            Text t = new Text(piece);
            boolean ok = d.correct()[j];
            t.getStyleClass().add(ok ? "right" : "wrong");
            if (!ok) {
                Tooltip.install(t, new Tooltip("position " + (j + 1) + ": the target is \""
                        + TokenText.clean(target[j]) + "\""));
            }
            decoded.getChildren().add(t);
        }
        decoded.setAccessibleText(d.text());
        decoded.setUserData(d.text());
        metrics.getChildren().setAll(
                metric("C_tokens", d.correctCount() + " / " + d.length(), "positions written correctly in one pass"),
                metric("accuracy", String.format(Locale.ROOT, "%.1f %%", d.accuracy() * 100), null),
                metric("H_LM", Double.isFinite(o.hLm()) ? String.format(Locale.ROOT, "%.1f nats", o.hLm()) : "–",
                        "the text's cross-entropy under the model read left to right: its information content"),
                metric("steps", Integer.toString(o.updates()), "AdamW updates"),
                metric("time", o.millis() > 0 ? String.format(Locale.ROOT, "%.1f s", o.millis() / 1000.0) : "–", null));
        metrics.getChildren().getFirst().setId("metric-c-tokens");
        save.setDisable(o.saved());
        save.setText(o.saved() ? "Saved ✓" : "Save to library");
        resume.setVisible(!o.resumable().isEmpty());
        resume.setManaged(!o.resumable().isEmpty());
    }

    private static VBox metric(String name, String value, String help) {
        Label v = new Label(value);
        v.getStyleClass().add("metric-value");
        Label n = new Label(name);
        n.getStyleClass().add("metric-name");
        VBox box = new VBox(0, v, n);
        if (help != null) {
            Tooltip.install(box, new Tooltip(help));
        }
        return box;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
