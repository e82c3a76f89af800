package dev.protolens.app.atlas;

import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.MapColouring;
import java.util.Locale;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

/** Two small parts of the Atlas's left column: the search box, and the card of a picked unfinished fit. */
final class AtlasPanels {
    private AtlasPanels() {}

    /** The search box and its count ("3 of 41 runs match"); Esc in the box clears it. */
    static VBox searchBox(AtlasSearch search) {
        javafx.scene.control.TextField box = new javafx.scene.control.TextField();
        box.setId("atlas-search");
        box.setPromptText("Search the runs' texts");
        box.textProperty().bindBidirectional(search.queryProperty());
        box.setTooltip(new Tooltip("Highlights the runs whose text or label contains this; Esc clears"));
        box.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE) {
                search.clear();
                e.consume();
            }
        });
        Label found = new Label();
        found.setId("atlas-search-count");
        found.getStyleClass().add("muted");
        found.textProperty().bind(search.summaryProperty());
        found.managedProperty().bind(found.textProperty().isNotEmpty());
        return new VBox(8, box, found);
    }

    /** A picked unfinished fit: what it is, and the way to go on with it. */
    static VBox checkpointCard(Run cp, Runnable resume) {
        RunRecord r = cp.record();
        Label l = new Label("○  “" + MapColouring.oneLine(r.text()) + "”");
        l.setWrapText(true);
        l.getStyleClass().add("subheading");
        Label d = new Label("Unfinished fit (checkpoint)" + (r.metrics() == null ? ""
                : String.format(Locale.ROOT, " at step %d · %.0f %% right", r.metrics().updates(),
                100 * r.metrics().accuracy())));
        d.getStyleClass().add("muted");
        d.setWrapText(true);
        Button open = new Button("Resume in Fit");
        open.setId("atlas-resume");
        open.setTooltip(new Tooltip("Opens this checkpoint in Fit, where Resume continues it from its optimiser state"));
        open.setOnAction(e -> resume.run());
        return new VBox(4, l, d, open);
    }
}
