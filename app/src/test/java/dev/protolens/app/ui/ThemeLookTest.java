package dev.protolens.app.ui;

import static dev.protolens.app.GuiTesting.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Bounds;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testfx.api.FxToolkit;

/**
 * What the eye needs from each theme, measured on the rendered pixels: the selected one of a pair of toggles (the
 * Atlas's PCA | t-SNE) stands out from the other, a disabled button's text has clearly less contrast than an
 * enabled one's (issue 16: in the dark theme neither held), and a table's selected row can be read when the table
 * has no focus (the dark Library's showed light text on Modena's light grey).
 */
class ThemeLookTest {
    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    record Look(Sample selected, Sample unselected, Sample enabled, Sample disabled, Sample primary,
                Sample primaryDisabled, Sample selectedRow, Color labelText) {}

    /** A control's background (a pixel inside its padding) and its text's contrast against that background. */
    record Sample(Color background, double textContrast) {}

    @ParameterizedTest
    @EnumSource(value = Theme.class, names = {"LIGHT", "DARK"})
    void theSelectedToggleStandsOutAndDisabledButtonsLookDisabled(Theme theme) throws Exception {
        Look look = onFx(() -> render(theme));
        System.out.println(theme + ": " + look);
        // the selected toggle differs from the unselected one by a visible step in lightness or hue
        assertThat(contrast(look.selected().background(), look.unselected().background())).isGreaterThan(1.8);
        // a disabled button's text is at most 60 % as contrasted as an enabled button's, for plain and primary ones
        assertThat(look.disabled().textContrast()).isLessThan(0.6 * look.enabled().textContrast());
        assertThat(look.primaryDisabled().textContrast()).isLessThan(0.6 * look.primary().textContrast());
        // a disabled primary button is grey like any disabled one: a pale accent still reads as "press me"
        assertThat(chroma(look.primary().background())).isGreaterThan(0.3);
        assertThat(chroma(look.primaryDisabled().background())).isLessThan(0.06);
        // a table's selected row stays readable when the table has no focus (the Library after a click elsewhere): with
        // the table's own text colour, and with the theme's text colour that the Library's cells show (in the dark
        // theme Modena's light grey row put light text on light grey)
        assertThat(look.selectedRow().textContrast()).isGreaterThan(4.5);
        assertThat(contrast(look.selectedRow().background(), look.labelText())).isGreaterThan(4.5);
        // and an enabled button's text stays readable (WCAG's 4.5:1 for body text)
        assertThat(look.enabled().textContrast()).isGreaterThan(4.5);
        assertThat(look.primary().textContrast()).isGreaterThan(4.5);
    }

    private static Look render(Theme theme) throws Exception {
        ToggleGroup group = new ToggleGroup();
        ToggleButton pca = new ToggleButton("PCA PCA");
        ToggleButton tsne = new ToggleButton("t-SNE t-SNE");
        pca.setToggleGroup(group);
        tsne.setToggleGroup(group);
        tsne.setSelected(true);
        Button enabled = new Button("Fit seeds…");
        Button disabled = new Button("Fit seeds…");
        disabled.setDisable(true);
        Button primary = new Button("Fit");
        primary.getStyleClass().add("primary");
        Button primaryDisabled = new Button("Fit");
        primaryDisabled.getStyleClass().add("primary");
        primaryDisabled.setDisable(true);
        // the Library's kind of table: a tree table whose cells show text
        javafx.scene.control.TreeItem<String> top = new javafx.scene.control.TreeItem<>("runs");
        top.getChildren().addAll(List.of(new javafx.scene.control.TreeItem<>("Lily and Ben went"),
                new javafx.scene.control.TreeItem<>("Tom had a small dog")));
        javafx.scene.control.TreeTableView<String> table = new javafx.scene.control.TreeTableView<>(top);
        table.setShowRoot(false);
        javafx.scene.control.TreeTableColumn<String, String> text = new javafx.scene.control.TreeTableColumn<>("Text");
        text.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(c.getValue().getValue()));
        text.setPrefWidth(300);
        table.getColumns().add(text);
        table.setPrefHeight(90);
        table.setFocusTraversable(false);
        table.getSelectionModel().select(0);
        javafx.scene.control.Label label = new javafx.scene.control.Label("a label");
        VBox root = new VBox(12, new HBox(0, pca, tsne), new HBox(8, enabled, disabled),
                new HBox(8, primary, primaryDisabled), table, label);
        root.setPadding(new Insets(16));
        Scene scene = new Scene(root, 360, 290);
        new Theme.Choice(theme).applyTo(scene);
        // a stage of its own: the primary stage, shown at this size, would keep it for the next test's window
        Stage stage = new Stage();
        stage.setScene(scene);
        stage.show();
        // twice: the table makes its rows in the first layout and places them in the second
        for (int i = 0; i < 2; i++) {
            root.applyCss();
            root.layout();
        }
        WritableImage img = scene.snapshot(null);
        stage.close();
        Path out = Path.of("target", "theme-look-" + theme.settingsName() + ".png");
        Files.createDirectories(out.getParent());
        javax.imageio.ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", out.toFile());
        PixelReader px = img.getPixelReader();
        javafx.scene.Node row = table.lookupAll(".tree-table-row-cell").stream()
                .filter(n -> ((javafx.scene.control.TreeTableRow<?>) n).getIndex() == 0).findFirst().orElseThrow();
        return new Look(sample(px, tsne), sample(px, pca), sample(px, enabled), sample(px, disabled),
                sample(px, primary), sample(px, primaryDisabled), sample(px, row.lookup(".tree-table-cell")),
                (Color) label.getTextFill());
    }

    /** The background 4 px inside the right edge at mid-height (text starts at the left); the text's most contrasted pixel against it. */
    private static Sample sample(PixelReader px, Node n) {
        Bounds b = n.localToScene(n.getLayoutBounds());
        Color bg = px.getColor((int) b.getMaxX() - 4, (int) b.getCenterY());
        double best = 1;
        for (int x = (int) b.getMinX() + 6; x < (int) b.getMaxX() - 6; x++) {
            for (int y = (int) b.getMinY() + 4; y < (int) b.getMaxY() - 4; y++) {
                best = Math.max(best, contrast(bg, px.getColor(x, y)));
            }
        }
        return new Sample(bg, best);
    }

    /** How far from grey: the spread of the RGB channels, 0 for greys (HSB saturation is large for dark greys). */
    private static double chroma(Color c) {
        return Math.max(c.getRed(), Math.max(c.getGreen(), c.getBlue()))
                - Math.min(c.getRed(), Math.min(c.getGreen(), c.getBlue()));
    }

    /** WCAG contrast ratio of two opaque colours, 1 (same) to 21 (black on white). */
    static double contrast(Color a, Color b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(Color c) {
        return 0.2126 * lin(c.getRed()) + 0.7152 * lin(c.getGreen()) + 0.0722 * lin(c.getBlue());
    }

    private static double lin(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
}
