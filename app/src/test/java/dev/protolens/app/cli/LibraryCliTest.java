package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.library.LibraryFixture;
import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code protolens library list} and {@code library label}: naming a run from a shell, and what a typo says. */
class LibraryCliTest {
    @TempDir
    Path tmp;

    @Test
    void aRunNamedFromTheShellIsListedByItsNameAndCanBeCleared() {
        Path dir = tmp.resolve("lib");
        RunLibrary lib = new RunLibrary(dir);
        LibraryFixture.save(lib, LibraryFixture.record("lily", "Lily wanted to get a cat.", 0, 1.0,
                "2026-12-01T10:00:00Z", null));

        Cli.Result named = Cli.run("library", "label", "lily", "Lily, first try", "--library", dir.toString());
        assertThat(named.exit()).as(named.err()).isZero();
        assertThat(named.out()).contains("Run lily is now called \"Lily, first try\".");
        assertThat(lib.load("lily").record().label()).isEqualTo("Lily, first try");

        Cli.Result list = Cli.run("library", "list", "--library", dir.toString());
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("lily").contains("100.0%").contains("Lily, first try")
                .doesNotContain("Lily wanted");
        JsonNode json = RunLibrary.JSON.readTree(Cli.run("library", "list", "--library", dir.toString(), "--json").out());
        assertThat(json.get("runs").get(0).get("label").asString()).isEqualTo("Lily, first try");

        Cli.Result cleared = Cli.run("library", "label", "lily", "", "--library", dir.toString());
        assertThat(cleared.exit()).as(cleared.err()).isZero();
        assertThat(cleared.out()).contains("has no label now");
        assertThat(lib.load("lily").record().label()).isNull();
        assertThat(Cli.run("library", "list", "--library", dir.toString()).out()).contains("“Lily wanted");
    }

    @Test
    void mistakesAreExplainedAndChangeNothing() {
        Path dir = tmp.resolve("lib");
        RunLibrary lib = new RunLibrary(dir);
        LibraryFixture.save(lib, LibraryFixture.record("lily", "Lily.", 0, 1.0, "2026-12-01T10:00:00Z", null));

        Cli.Result unknown = Cli.run("library", "label", "mia", "x", "--library", dir.toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("There is no run 'mia'").contains("protolens library list")
                .doesNotContain("Exception");

        Cli.Result tooLong = Cli.run("library", "label", "lily", "x".repeat(RunLibrary.MAX_LABEL + 1), "--library",
                dir.toString());
        assertThat(tooLong.exit()).isEqualTo(2);
        assertThat(tooLong.err()).contains("at most " + RunLibrary.MAX_LABEL + " characters; this one has "
                + (RunLibrary.MAX_LABEL + 1));
        assertThat(lib.load("lily").record().label()).isNull();

        Cli.Result noLibrary = Cli.run("library", "label", "lily", "x", "--library", tmp.resolve("nowhere").toString());
        assertThat(noLibrary.exit()).isEqualTo(2);
        assertThat(noLibrary.err()).contains("There is no run library at").contains("--library");
        assertThat(tmp.resolve("nowhere")).doesNotExist();
    }
}
