package dev.protolens.engine.task;

import java.util.function.Consumer;

/**
 * The ways out of a long task on the model worker (a fit, a path being learned), all optional: progress
 * snapshots (delivered on their own thread, latest-wins, so a slow listener drops snapshots and never slows
 * the task), a cancel flag checked before every step, and a hook run between steps (the model worker serves
 * queued decodes there). The task calls {@link #wantsProgress}, {@link #publish}, {@link #between} and
 * {@link #finish}; everyone else only {@link #cancel}.
 */
public abstract class TaskMonitor<P> {
    private final ProgressChannel<P> progress;
    private final int progressEvery;
    private volatile boolean cancelled;
    private Runnable betweenSteps = () -> { };

    protected TaskMonitor(String threadName, Consumer<P> listener, int progressEvery) {
        this.progress = listener == null ? null : new ProgressChannel<>(threadName, listener);
        this.progressEvery = Math.max(1, progressEvery);
    }

    protected void setBetweenSteps(Runnable r) {
        this.betweenSteps = r;
    }

    /** Asks the task to stop; it does before its next step and returns its best result so far. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public boolean wantsProgress(int step) {
        return progress != null && step % progressEvery == 0;
    }

    public boolean hasListener() {
        return progress != null;
    }

    public void publish(P p) {
        if (progress != null) {
            progress.offer(p);
        }
    }

    /** Delivers the final snapshot and waits (briefly) until the listener has seen it. */
    public void finish(P p) {
        if (progress != null) {
            progress.offer(p);
            progress.close();
        }
    }

    public void between() {
        betweenSteps.run();
    }
}
