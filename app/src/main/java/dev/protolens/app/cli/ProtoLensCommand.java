package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code protolens}: the command line. Results go to stdout (one JSON object with --json), logs to stderr. */
@Command(name = "protolens", mixinStandardHelpOptions = true, versionProvider = ProtoLensCommand.VersionInfo.class,
        description = "See a frozen LLM write a whole text in one forward pass from two learned vectors.",
        subcommands = {InspectCommand.class, GenerateCommand.class, FitCommand.class, DecodeCommand.class, BenchCommand.class, SweepCommand.class,
                ModelsCommand.class, ExperimentCommand.class, PlanCommand.class, ProjectCommand.class, InterpolateCommand.class, InsideCommand.class, GpuCommand.class,
                SlurmCommand.class, LibraryCommand.class})
public final class ProtoLensCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Runs the command line and returns the exit code: 0 ok, 1 failure, 2 usage or user error. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new ProtoLensCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            Throwable t = ex;
            while (!(t instanceof UserError) && t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            if (t instanceof UserError || t instanceof IllegalArgumentException) {
                err.println("error: " + t.getMessage());
                err.flush();
                return 2;
            }
            err.println("error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("error: out of memory. Give Java more heap, e.g. JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75,"
                    + " or pick a smaller model or a shorter text.");
            return 1;
        }
    }

    static final class VersionInfo implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ProtoLens " + Version.VALUE};
        }
    }
}
