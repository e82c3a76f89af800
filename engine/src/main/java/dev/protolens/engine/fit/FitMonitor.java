package dev.protolens.engine.fit;

import java.util.function.Consumer;

/**
 * The fit's ways out while it runs, all optional: progress snapshots (delivered on their own thread,
 * latest-wins, so a slow listener drops snapshots and never slows the fit), a cancel flag checked before
 * every step, checkpoints every few seconds, and a hook run between steps (the model worker serves queued
 * decodes there).
 */
public final class FitMonitor {
    private final ProgressChannel<FitProgress> progress;
    private final int progressEvery;
    private volatile boolean cancelled;
    private Consumer<FitState> checkpoint;
    private long checkpointMillis = 5000;
    private Runnable betweenSteps = () -> { };

    public FitMonitor(Consumer<FitProgress> listener, int progressEvery) {
        this.progress = listener == null ? null : new ProgressChannel<>("fit-progress", listener);
        this.progressEvery = Math.max(1, progressEvery);
    }

    public static FitMonitor none() {
        return new FitMonitor(null, 1);
    }

    public FitMonitor onCheckpoint(Consumer<FitState> c, long everyMillis) {
        this.checkpoint = c;
        this.checkpointMillis = everyMillis;
        return this;
    }

    public FitMonitor betweenSteps(Runnable r) {
        this.betweenSteps = r;
        return this;
    }

    /** Asks the fit to stop; it does before its next step and returns the best vectors so far. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    boolean wantsProgress(int step) {
        return progress != null && step % progressEvery == 0;
    }

    boolean hasListener() {
        return progress != null;
    }

    void publish(FitProgress p) {
        if (progress != null) {
            progress.offer(p);
        }
    }

    /** Delivers the final snapshot and waits (briefly) until the listener has seen it. */
    void finish(FitProgress p) {
        if (progress != null) {
            progress.offer(p);
            progress.close();
        }
    }

    Consumer<FitState> checkpoint() {
        return checkpoint;
    }

    long checkpointMillis() {
        return checkpointMillis;
    }

    void between() {
        betweenSteps.run();
    }
}
