package dev.protolens.app.ui;

import dev.protolens.engine.UserError;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's message boxes. A {@link UserError} is shown as its message alone (it is written for a person);
 * anything else is a bug: the dialog says so in one line and the stack trace goes to the log, never into
 * the dialog.
 */
public final class Dialogs {
    private static final Logger LOG = LoggerFactory.getLogger(Dialogs.class);

    private Dialogs() {}

    /** The exception a person should read: completion/execution wrappers removed. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The message for a failure: the UserError's own words, or a one-line description of a bug. */
    public static String describe(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof UserError) {
            return e.getMessage();
        }
        if (e instanceof OutOfMemoryError) {
            return "ProtoLens ran out of memory. Close other programs or use a smaller model.";
        }
        String m = e.getMessage();
        return "Something went wrong inside ProtoLens (" + e.getClass().getSimpleName()
                + (m != null && !m.isBlank() ? ": " + firstLine(m) : "") + "). The details are in the log.";
    }

    public static void error(Window owner, String title, Throwable t) {
        Throwable e = unwrap(t);
        if (!(e instanceof UserError)) {
            LOG.error("{}", title, e);
        }
        error(owner, title, describe(e));
    }

    public static void error(Window owner, String title, String message) {
        Alert a = new Alert(Alert.AlertType.ERROR, message, ButtonType.OK);
        a.setTitle(title);
        a.setHeaderText(title);
        prepare(a, owner);
        a.getDialogPane().getStyleClass().add("error-dialog");
        a.show();
    }

    public static void info(Window owner, String title, String message) {
        Alert a = new Alert(Alert.AlertType.INFORMATION, message, ButtonType.OK);
        a.setTitle(title);
        a.setHeaderText(title);
        prepare(a, owner);
        a.show();
    }

    /** Asks a yes/no question; {@code yes} names the action ("Stop and quit"). Blocks (nested event loop). */
    public static boolean confirm(Window owner, String title, String message, String yes) {
        ButtonType ok = new ButtonType(yes, ButtonBar.ButtonData.OK_DONE);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, message, ok, ButtonType.CANCEL);
        a.setTitle(title);
        a.setHeaderText(title);
        prepare(a, owner);
        Optional<ButtonType> r = a.showAndWait();
        return r.isPresent() && r.get() == ok;
    }

    /** Owner, modality and the owner's stylesheets (so dialogs follow the theme). */
    public static void prepare(Dialog<?> d, Window owner) {
        if (owner != null) {
            d.initOwner(owner);
            if (owner.getScene() != null) {
                d.getDialogPane().getStylesheets().setAll(owner.getScene().getStylesheets());
            }
        }
        d.setResizable(true);
        d.getDialogPane().setMinWidth(460);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
