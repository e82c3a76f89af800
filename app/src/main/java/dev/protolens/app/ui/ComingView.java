package dev.protolens.app.ui;

import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/** A screen whose issue has not landed yet: says what it will show. */
public final class ComingView extends VBox {
    public ComingView(Screen screen, String what) {
        getStyleClass().addAll("view", "coming");
        setId("coming-" + screen.name().toLowerCase(java.util.Locale.ROOT));
        Label title = new Label(screen.label() + " — coming");
        title.getStyleClass().add("title");
        Label text = new Label(what);
        text.setWrapText(true);
        text.getStyleClass().add("muted");
        text.setMaxWidth(520);
        getChildren().addAll(title, text);
    }
}
