package dev.protolens.app.ui;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Work that a person asks for faster than it runs (typing, dragging a slider, a library that changes while it
 * is listed): only the newest request counts. A request waits {@code debounceMillis} for a newer one; a newer
 * one cancels the waiting or queued one (the model's worker skips a cancelled decode); a result reaches the UI
 * thread only if no newer request came meanwhile. mzmine's "latest task wins", as one class for every screen.
 * Call it from the UI thread.
 */
public final class LatestWins<T> {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "latest-wins-timer");
        t.setDaemon(true);
        return t;
    });

    private final Host host;
    private final long debounceMillis;
    private long generation;
    private ScheduledFuture<?> waiting;
    private CompletableFuture<T> running;

    public LatestWins(Host host, long debounceMillis) {
        this.host = host;
        this.debounceMillis = debounceMillis;
    }

    /**
     * Asks for new work: {@code start} launches it (on whatever thread it likes) and returns its future;
     * {@code onResult} and {@code onError} run on the UI thread, only if this is still the newest request.
     */
    public void request(Supplier<CompletableFuture<T>> start, Consumer<T> onResult, Consumer<Throwable> onError) {
        long gen = ++generation;
        cancelPending();
        Runnable launch = () -> host.fx(() -> {
            if (gen != generation) {
                return;
            }
            CompletableFuture<T> f;
            try {
                f = start.get();
            } catch (RuntimeException e) {
                onError.accept(e);
                return;
            }
            running = f;
            f.whenComplete((r, e) -> host.fx(() -> {
                if (gen != generation) {
                    return; // superseded: a newer request's result will come
                }
                if (e != null) {
                    Throwable t = Dialogs.unwrap(e);
                    if (!(t instanceof java.util.concurrent.CancellationException)) {
                        onError.accept(t);
                    }
                } else {
                    onResult.accept(r);
                }
            }));
        });
        if (debounceMillis > 0) {
            waiting = TIMER.schedule(launch, debounceMillis, TimeUnit.MILLISECONDS);
        } else {
            launch.run();
        }
    }

    /** Forgets every request: nothing pending reaches the UI thread any more. */
    public void cancel() {
        generation++;
        cancelPending();
    }

    /** Whether a request is waiting or running. */
    public boolean busy() {
        return (waiting != null && !waiting.isDone()) || (running != null && !running.isDone());
    }

    private void cancelPending() {
        if (waiting != null) {
            waiting.cancel(false);
        }
        if (running != null && !running.isDone()) {
            running.cancel(false);
        }
    }
}
