package dev.protolens.app;

import dev.protolens.app.ui.Workbench;
import dev.protolens.app.ui.Theme;
import dev.protolens.app.ui.StatusBar;
import dev.protolens.app.ui.Screen;
import dev.protolens.app.ui.DisplayConverter;
import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.AppIcon;
import dev.protolens.app.models.ModelCandidates;
import dev.protolens.engine.Version;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The window's frame: navigation on the left (Fit · Library · Atlas · Interpolate, the theme, About), the
 * current screen in the middle, the status bar at the bottom. Screens are built on first visit. Files
 * dropped anywhere on the window are routed: a model folder or .gguf opens the model, any other file is
 * read as the text to fit.
 */
public final class MainWindow extends BorderPane {
    private final Workbench wb;
    private final StackPane content = new StackPane();
    private final Map<Screen, Supplier<Node>> factories;
    private final Map<Screen, Node> built = new EnumMap<>(Screen.class);
    private final Map<Screen, ToggleButton> buttons = new EnumMap<>(Screen.class);
    private final VBox navBottom = new VBox(6);

    public MainWindow(Workbench wb, Map<Screen, Supplier<Node>> factories) {
        this.wb = wb;
        this.factories = factories;
        setId("main-window");
        setLeft(navigation());
        setCenter(content);
        setBottom(new StatusBar(wb));
        wb.screenProperty().addListener((o, was, now) -> show(now));
        show(wb.screenProperty().get());
        setOnDragOver(this::dragOver);
        setOnDragDropped(this::dropped);
    }

    private VBox navigation() {
        VBox nav = new VBox();
        nav.getStyleClass().add("nav");
        nav.setId("nav");
        Label brand = new Label("ProtoLens");
        brand.getStyleClass().add("brand");
        brand.setGraphic(AppIcon.view(22));
        brand.setGraphicTextGap(8);
        nav.getChildren().add(brand);
        ToggleGroup group = new ToggleGroup();
        for (Screen s : Screen.values()) {
            ToggleButton b = new ToggleButton(s.label());
            b.setId("nav-" + s.name().toLowerCase(java.util.Locale.ROOT));
            b.getStyleClass().add("nav-button");
            b.setToggleGroup(group);
            b.setTooltip(new Tooltip(s.hint()));
            b.setOnAction(e -> {
                wb.screenProperty().set(s);
                b.setSelected(true); // a toggle group lets a click deselect; navigation always has one place
            });
            buttons.put(s, b);
            nav.getChildren().add(b);
        }
        Region gap = new Region();
        VBox.setVgrow(gap, Priority.ALWAYS);
        ChoiceBox<Theme> theme = new ChoiceBox<>();
        theme.setId("theme-choice");
        theme.getItems().setAll(Theme.values());
        theme.setConverter(DisplayConverter.of(t -> t.label() + " theme"));
        theme.valueProperty().bindBidirectional(wb.theme().themeProperty());
        theme.setMaxWidth(Double.MAX_VALUE);
        Button about = new Button("About");
        about.setId("about");
        about.setMaxWidth(Double.MAX_VALUE);
        about.setOnAction(e -> Dialogs.info(getScene().getWindow(), "About ProtoLens " + Version.VALUE, ABOUT));
        navBottom.getChildren().setAll(theme, about);
        navBottom.setAlignment(Pos.BOTTOM_LEFT);
        nav.getChildren().addAll(gap, navBottom);
        return nav;
    }

    /** A button at the bottom of the left bar, above the theme, for a place that is not a screen (GPU). */
    public Button addNavAction(String label, String id, String hint, Runnable action) {
        Button b = new Button(label);
        b.setId(id);
        b.setMaxWidth(Double.MAX_VALUE);
        b.setTooltip(new Tooltip(hint));
        b.setOnAction(e -> action.run());
        navBottom.getChildren().add(0, b);
        return b;
    }

    private void show(Screen s) {
        Node n = built.computeIfAbsent(s, k -> factories.get(k).get());
        content.getChildren().setAll(n);
        buttons.get(s).setSelected(true);
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles() && e.getDragboard().getFiles().size() == 1) {
            e.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
        }
        e.consume();
    }

    private void dropped(DragEvent e) {
        List<File> files = e.getDragboard().hasFiles() ? e.getDragboard().getFiles() : List.of();
        boolean ok = files.size() == 1;
        if (ok) {
            route(files.getFirst().toPath());
        }
        e.setDropCompleted(ok);
        e.consume();
    }

    /** A dropped path: a model (folder or .gguf) is opened, anything else is read as the text to fit. */
    public void route(Path p) {
        if (Files.isDirectory(p) || dev.protolens.engine.hub.LocalModel.isGguf(p)) {
            wb.openModel(p);
        } else {
            wb.openTextFile(p);
        }
    }

    static final String ABOUT = """
            ProtoLens finds, for any text, the two input vectors e and m from which a frozen language model \
            writes the whole text in one forward pass, and lets you study the space of those vectors.

            Method: G. Mezentsev, I. Oseledets. Exploring the Hidden Capacity of LLMs for One-Step Text \
            Generation. EMNLP 2025. arXiv:2505.21189.
            Parent work: Y. Kuratov et al. Cramming 1568 Tokens into a Single Vector and Back Again. ACL 2025. \
            arXiv:2502.13063.

            Licence: GPL-3.0-or-later.""";
}
