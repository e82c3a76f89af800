package dev.protolens.engine.task;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-slot mailbox with its own delivery thread: {@link #offer} never blocks (it replaces an undelivered
 * value), so the producer (a fit, a path being learned, a t-SNE) runs at full speed whatever the consumer does.
 */
public final class ProgressChannel<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressChannel.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Consumer<T> listener;
    private final Thread thread;
    private T pending;
    private boolean closed;
    private boolean delivering;

    public ProgressChannel(String name, Consumer<T> listener) {
        this.listener = listener;
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    public void offer(T value) {
        lock.lock();
        try {
            pending = value;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops after delivering what is pending; waits at most a second for that. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while ((pending != null || delivering) && System.nanoTime() < deadline) {
                changed.await(50, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            T next;
            lock.lock();
            try {
                while (pending == null && !closed) {
                    changed.await();
                }
                if (pending == null) {
                    return;
                }
                next = pending;
                pending = null;
                delivering = true;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("progress listener failed", e);
            } finally {
                lock.lock();
                try {
                    delivering = false;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }
}
