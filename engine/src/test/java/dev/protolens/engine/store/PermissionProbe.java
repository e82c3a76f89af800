package dev.protolens.engine.store;

import dev.protolens.engine.proto.ProtoTokens;
import java.nio.file.Path;
import java.util.Random;

/**
 * Runs one library operation and prints its outcome, in a child process that file permissions apply to (root
 * without the capability to override them), because a test running as root would read any file.
 */
public final class PermissionProbe {
    private PermissionProbe() {}

    public static void main(String[] args) {
        RunLibrary lib = new RunLibrary(Path.of(args[1]));
        try {
            switch (args[0]) {
                case "load" -> lib.load(args[2]);
                case "list" -> lib.list().problems().forEach(p -> System.out.println("problem: " + p.message()));
                case "save" -> lib.save(RandomRuns.record(new Random(1), args[2], 8), new ProtoTokens(new float[8],
                        new float[8]), null);
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.out.println("ok");
        } catch (RuntimeException e) {
            System.out.println("error: " + e.getMessage());
        }
    }

    /** The command that runs this probe with file permissions in force. */
    static java.util.List<String> command(String... args) {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // root reads everything; without these two capabilities its reads and writes are checked like anyone's
            cmd.addAll(java.util.List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search",
                    "--inh-caps=-dac_override,-dac_read_search"));
        }
        cmd.addAll(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), PermissionProbe.class.getName()));
        cmd.addAll(java.util.List.of(args));
        return cmd;
    }
}
