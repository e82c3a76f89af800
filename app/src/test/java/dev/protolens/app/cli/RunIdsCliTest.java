package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every item of a batch gets its own run, whatever the batch's size: the ids were time + text + 2 random bytes,
 * so 500 seeds of one text in one second collided with ~85 % odds and one run silently replaced another.
 */
class RunIdsCliTest {
    @TempDir
    Path tmp;

    @Test
    void fiveHundredSeedsGiveFiveHundredRuns() throws Exception {
        Path lib = tmp.resolve("lib");
        Cli.Result r = Cli.run("fit", "--model", Shared.model("stories260k-hf").toString(), "--text",
                "The cat sat on the mat.", "--steps", "3", "--restarts", "500", "--library", lib.toString(), "--json",
                "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode items = RunLibrary.JSON.readTree(r.out()).get("items");
        Set<String> ids = new HashSet<>();
        for (JsonNode it : items) {
            ids.add(it.get("run_id").asString());
        }
        assertThat(items).hasSize(500);
        assertThat(ids).hasSize(500);
        try (Stream<Path> s = Files.list(lib)) {
            assertThat(s.filter(p -> !p.getFileName().toString().startsWith(".")).count()).isEqualTo(500);
        }
        assertThat(new RunLibrary(lib).list().runs()).hasSize(500)
                .extracting(x -> x.settings().seed()).doesNotHaveDuplicates();
    }

    @Test
    void aTypoInTheNumberOfSeedsIsRefusedBeforeAnyWorkWithTheLimitNamed() {
        Cli.Result r = Cli.run("fit", "--model", Shared.model("stories260k-hf").toString(), "--text", "x",
                "--restarts", "100000", "--no-save");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("between 1 and 1024").contains("100000").doesNotContain("Exception");
    }
}
