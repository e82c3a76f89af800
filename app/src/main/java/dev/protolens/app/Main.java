package dev.protolens.app;

import dev.protolens.app.cli.ProtoLensCommand;

/**
 * The one launcher: no arguments opens the window, anything else is the command line. This class must not
 * extend {@code javafx.application.Application}: JavaFX is on the class path, not the module path, and the
 * launcher refuses an Application main class there.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(dev.protolens.engine.gpu.probe.ProbeMain.LAUNCHER_ARG)) {
            // the GPU runtime's check, started through this launcher where the runtime has no java command
            dev.protolens.engine.gpu.probe.ProbeMain.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length == 0) {
            dev.protolens.app.ProtoLensApp.launchWindow(args);
            return;
        }
        System.exit(ProtoLensCommand.run(args));
    }
}
