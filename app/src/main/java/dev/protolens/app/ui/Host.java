package dev.protolens.app.ui;

/**
 * What a view model needs from the desktop: the UI thread, dialogs and the clipboard. Behind one interface so
 * that every view model runs in a headless unit test, where a test host runs UI work on the test's thread and
 * records the dialogs it would have shown.
 */
public interface Host {
    /** Runs {@code r} on the UI thread (later, in order). */
    void fx(Runnable r);

    /** Shows an error a person can act on (the message of a UserError, else a short description). */
    void error(String title, Throwable problem);

    void error(String title, String message);

    /** Asks a yes/no question; true for {@code yes}. */
    boolean confirm(String title, String message, String yes);

    /** Puts text on the clipboard. */
    void copy(String text);
}
