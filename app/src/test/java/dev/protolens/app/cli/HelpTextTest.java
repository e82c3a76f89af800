package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's --help prints clean: picocli reads descriptions as format strings, so a lone '%' ("100 %")
 * made `protolens bench --help` print "[picocli WARN] Could not format …" above the help.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpPrintsWithoutWarnings() {
        List<String> names = new ArrayList<>();
        collect(new CommandLine(new ProtoLensCommand()), names);
        assertThat(names).contains("protolens bench", "protolens fit", "protolens slurm submit");
        for (String name : names) {
            String[] args = (name.replaceFirst("^protolens ?", "") + " --help").trim().split(" ");
            Cli.Result r = Cli.run(args);
            assertThat(r.exit()).as(name).isZero();
            assertThat(r.err()).as(name + " --help, stderr").doesNotContain("WARN");
            assertThat(r.out()).as(name + " --help").contains("Usage:").doesNotContain("%n");
        }
    }

    private static void collect(CommandLine c, List<String> names) {
        names.add(c.getCommandSpec().qualifiedName());
        c.getSubcommands().values().forEach(s -> collect(s, names));
    }
}
