package dev.protolens.app.ui;

/**
 * The one long task the status bar shows (loading a model, a fit): a title, a progress fraction and a
 * message that any thread may update (the status bar reads them at most a few times a second), and an
 * optional cancel action.
 */
public final class RunningTask {
    private final String title;
    private final Runnable cancel;
    private volatile double progress = -1;
    private volatile String message = "";

    /** @param cancel what the status bar's stop button does; null when the task cannot be stopped */
    public RunningTask(String title, Runnable cancel) {
        this.title = title;
        this.cancel = cancel;
    }

    public String title() {
        return title;
    }

    /** Fraction done in [0, 1], or a negative number while unknown. */
    public double progress() {
        return progress;
    }

    public String message() {
        return message;
    }

    public boolean cancellable() {
        return cancel != null;
    }

    public void cancel() {
        if (cancel != null) {
            cancel.run();
        }
    }

    public void update(double fraction, String msg) {
        this.progress = fraction;
        this.message = msg == null ? "" : msg;
    }
}
