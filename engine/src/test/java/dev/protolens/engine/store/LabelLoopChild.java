package dev.protolens.engine.store;

import java.nio.file.Path;

/**
 * The child process of {@link RunLabelTest}: names one run {@code count} times ("child 1", "child 2", …) while the
 * parent saves the same run, as a `protolens library label` beside a window whose fit checkpoints.
 *
 * <p>Arguments: library folder, run id, count.
 */
final class LabelLoopChild {
    private LabelLoopChild() {}

    public static void main(String[] args) {
        RunLibrary lib = new RunLibrary(Path.of(args[0]));
        int count = Integer.parseInt(args[2]);
        for (int i = 1; i <= count; i++) {
            lib.label(args[1], "child " + i);
        }
    }
}
