package dev.protolens.app.ui;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Background work seen from the UI thread: what to do with its result, with its error and afterwards, each run
 * on the UI thread. One place for the "when it completes, go back to the UI thread, show an error or use the
 * result" chain that every screen needs. An error without a handler is shown as a dialog with the given title.
 */
public final class Tasks<T> {
    private final Host host;
    private final CompletableFuture<T> future;
    private Consumer<T> onSuccess = r -> { };
    private Consumer<Throwable> onError;
    private Runnable andFinally = () -> { };

    private Tasks(Host host, CompletableFuture<T> future) {
        this.host = host;
        this.future = future;
    }

    public static <T> Tasks<T> when(Host host, CompletableFuture<T> future) {
        return new Tasks<>(host, future);
    }

    public Tasks<T> onSuccess(Consumer<T> c) {
        this.onSuccess = c;
        return this;
    }

    public Tasks<T> onError(Consumer<Throwable> c) {
        this.onError = c;
        return this;
    }

    /** Errors become a dialog with this title (the default when no handler is set is "Something failed"). */
    public Tasks<T> onErrorShow(String title) {
        this.onError = e -> host.error(title, e);
        return this;
    }

    public Tasks<T> andFinally(Runnable r) {
        this.andFinally = r;
        return this;
    }

    /** Registers the callbacks; returns the future for chaining. */
    public CompletableFuture<T> start() {
        Consumer<Throwable> err = onError != null ? onError : e -> host.error("Something failed", e);
        future.whenComplete((r, e) -> host.fx(() -> {
            try {
                if (e != null) {
                    if (!(Dialogs.unwrap(e) instanceof java.util.concurrent.CancellationException)) {
                        err.accept(Dialogs.unwrap(e));
                    }
                } else {
                    onSuccess.accept(r);
                }
            } finally {
                andFinally.run();
            }
        }));
        return future;
    }
}
