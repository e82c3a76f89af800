package dev.protolens.app.ui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The desktop window (placeholder until the explorer lands). */
public final class ProtoLensApp extends Application {
    public static void launchWindow(String[] args) {
        Application.launch(ProtoLensApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        stage.setTitle("ProtoLens");
        stage.setScene(new Scene(new Label("ProtoLens"), 800, 600));
        stage.show();
    }
}
