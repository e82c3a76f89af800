package dev.protolens.engine.fit;

import dev.protolens.engine.task.TaskMonitor;
import java.util.function.Consumer;

/** A fit's {@link TaskMonitor}, plus checkpoints of the full optimiser state every few seconds. */
public final class FitMonitor extends TaskMonitor<FitProgress> {
    private Consumer<FitState> checkpoint;
    private long checkpointMillis = 5000;

    public FitMonitor(Consumer<FitProgress> listener, int progressEvery) {
        super("fit-progress", listener, progressEvery);
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
        setBetweenSteps(r);
        return this;
    }

    Consumer<FitState> checkpoint() {
        return checkpoint;
    }

    long checkpointMillis() {
        return checkpointMillis;
    }
}
