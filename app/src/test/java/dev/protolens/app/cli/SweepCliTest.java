package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A small capacity sweep on stories260K writes the table; short prefixes are reconstructed. */
class SweepCliTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheCapacityTableAsCsvAndJson() throws Exception {
        Path model = Shared.model("stories260k-hf");
        Path texts = Files.createDirectories(tmp.resolve("texts"));
        Files.writeString(texts.resolve("lily.txt"), "Lily and Ben went to the park to play with a red ball.\n");
        Files.writeString(texts.resolve("max.txt"), "Once upon a time, there was a little dog named Max.\n");
        Path out = tmp.resolve("out/sweep");
        Cli.Result r = Cli.run("sweep", "--model", model.toString(), "--texts", texts.toString(), "--lengths", "4,8,11",
                "--seeds", "1", "--steps", "1500", "--out", out.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        String csv = Files.readString(Path.of(out + ".csv"));
        assertThat(csv.lines().findFirst()).hasValue("text,length,seed,accuracy,c_tokens,h_lm_nats,steps,reached,millis,shared_m");
        assertThat(csv.lines().count()).isEqualTo(1 + 2 * 3);
        JsonNode j = RunLibrary.JSON.readTree(Files.readString(Path.of(out + ".json")));
        System.out.println("capacity " + j.get("capacity") + "\n" + csv);
        assertThat(j.get("capacity").get("lily.txt").asInt()).isEqualTo(11);
        assertThat(j.get("capacity").get("max.txt").asInt()).isEqualTo(11);
        for (JsonNode row : j.get("table")) {
            assertThat(row.get("mean_h_lm_nats").asDouble()).isPositive();
            assertThat(row.get("success_rate").asDouble()).isEqualTo(1.0);
        }
    }
}
