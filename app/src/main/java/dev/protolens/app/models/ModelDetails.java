package dev.protolens.app.models;

import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;

/** A model's facts as the picker and the Fit view show them: family, layers, d, vocab, parameters, dtype, device. */
public final class ModelDetails {
    private ModelDetails() {}

    public static Map<String, String> of(LoadedModel m) {
        ModelConfig c = m.config();
        Map<String, String> r = new LinkedHashMap<>();
        r.put("Model", m.name());
        r.put("Family", c.modelType() + " (" + m.format() + ")");
        r.put("Layers", Integer.toString(c.numLayers()));
        r.put("d (hidden size)", Integer.toString(c.hiddenSize()));
        r.put("Heads", c.numHeads() + (c.numKvHeads() != c.numHeads() ? " (" + c.numKvHeads() + " KV)" : ""));
        r.put("Vocabulary", c.vocabSize() + " tokens");
        r.put("Context", c.maxPositions() + " positions");
        r.put("Parameters", parameters(m.model().parameterCount()));
        r.put("Weights", c.storedDtype() + " on disk, " + m.computeDtype() + " in use");
        r.put("Device", m.device());
        r.put("Path", m.path().toString());
        return r;
    }

    public static Map<String, String> of(ModelCandidates.Candidate c) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("Model", c.name());
        r.put("Family", c.family() == null ? "unknown until loaded" : c.family());
        if (c.layers() > 0) {
            r.put("Layers", Integer.toString(c.layers()));
        }
        if (c.hiddenSize() > 0) {
            r.put("d (hidden size)", Integer.toString(c.hiddenSize()));
        }
        if (c.vocabSize() > 0) {
            r.put("Vocabulary", c.vocabSize() + " tokens");
        }
        if (c.sizeBytes() > 0) {
            r.put("On disk", ModelCandidates.size(c.sizeBytes()));
        }
        r.put("Found in", c.source().label());
        r.put("Path", c.path().toString());
        if (c.problem() != null) {
            r.put("Problem", c.problem());
        }
        return r;
    }

    /** "4.6 M", "1.24 B". */
    public static String parameters(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f B", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f M", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f K", n / 1e3);
    }

    public static GridPane grid(Map<String, String> facts) {
        GridPane g = new GridPane();
        g.getStyleClass().add("details-grid");
        javafx.scene.layout.ColumnConstraints keys = new javafx.scene.layout.ColumnConstraints();
        keys.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        g.getColumnConstraints().add(keys);
        int row = 0;
        for (var e : facts.entrySet()) {
            Label k = new Label(e.getKey());
            k.getStyleClass().add("key");
            Label v = new Label(e.getValue());
            v.setWrapText(true);
            v.setId("detail-" + e.getKey().toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-"));
            if (e.getKey().equals("Problem")) {
                v.getStyleClass().add("warn-text");
            }
            g.addRow(row++, k, v);
        }
        return g;
    }
}
