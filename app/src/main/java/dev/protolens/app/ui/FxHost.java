package dev.protolens.app.ui;

import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.stage.Window;

/** The real desktop: JavaFX's thread, its dialogs (owned by the main window) and the system clipboard. */
public final class FxHost implements Host {
    private final Supplier<Window> owner;

    public FxHost(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public void fx(Runnable r) {
        Platform.runLater(r);
    }

    @Override
    public void error(String title, Throwable problem) {
        Dialogs.error(owner.get(), title, problem);
    }

    @Override
    public void error(String title, String message) {
        Dialogs.error(owner.get(), title, message);
    }

    @Override
    public boolean confirm(String title, String message, String yes) {
        return Dialogs.confirm(owner.get(), title, message, yes);
    }

    @Override
    public void copy(String text) {
        ClipboardContent c = new ClipboardContent();
        c.putString(text);
        Clipboard.getSystemClipboard().setContent(c);
    }
}
