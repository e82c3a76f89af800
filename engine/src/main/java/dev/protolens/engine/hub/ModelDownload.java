package dev.protolens.engine.hub;

import dev.protolens.engine.UserError;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pull in progress. {@link #cancel()} stops it within a second and leaves the partial files
 * ({@code blobs/*.incomplete}) in the cache, so the next pull of the same repo resumes where this one stopped.
 */
public final class ModelDownload {
    private final String repoId;
    private final String revision;
    private final CompletableFuture<PulledModel> result = new CompletableFuture<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    ModelDownload(String repoId, String revision) {
        this.repoId = repoId;
        this.revision = revision;
    }

    public String repoId() {
        return repoId;
    }

    public String revision() {
        return revision;
    }

    /** Completes with the pulled model, a {@link HubError}, or a CancellationException after {@link #cancel()}. */
    public CompletableFuture<PulledModel> result() {
        return result;
    }

    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            threads.forEach(Thread::interrupt);
        }
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** Waits for the end; a failure comes out as the HubError (or other UserError) it was. */
    public PulledModel await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UserError u) {
                throw u;
            }
            if (c instanceof CancellationException ce) {
                throw ce;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Registers a thread working for this pull, so cancel() can wake it from a blocking read. */
    void enter(Thread t) {
        threads.add(t);
        if (cancelled.get()) {
            t.interrupt();
        }
    }

    void leave(Thread t) {
        threads.remove(t);
    }

    void checkCancelled() {
        if (cancelled.get()) {
            throw new CancellationException("download of " + repoId + " cancelled; the partial files are kept");
        }
    }
}
