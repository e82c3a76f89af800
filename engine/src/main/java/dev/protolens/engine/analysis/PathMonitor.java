package dev.protolens.engine.analysis;

import dev.protolens.engine.task.TaskMonitor;
import java.util.function.Consumer;

/** The {@link TaskMonitor} of a Bézier path being learned. */
public final class PathMonitor extends TaskMonitor<PathProgress> {

    public PathMonitor(Consumer<PathProgress> listener, int every) {
        super("path-progress", listener, every);
    }

    public static PathMonitor none() {
        return new PathMonitor(null, 1);
    }

    public PathMonitor betweenSteps(Runnable r) {
        setBetweenSteps(r);
        return this;
    }
}
