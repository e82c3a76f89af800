package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The paper's demo through the command line: fit the Lily text, save it, decode the saved run. */
class FitDecodeCliTest {
    static final String LILY = "Lily and Ben went to the park to play with a red ball.";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"stories260k-hf", "tinyllama-v0"})
    void fitsLilyWithSeedsZeroToTwoAndDecodesTheSavedRuns(String model) throws Exception {
        Path m = Shared.model(model);
        Path lib = tmp.resolve("lib");
        Cli.Result r = Cli.run("fit", "--model", m.toString(), "--text", LILY, "--seed", "0", "--restarts", "3",
                "--library", lib.toString(), "--json", "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode out = RunLibrary.JSON.readTree(r.out());
        assertThat(out.get("items")).hasSize(3);
        for (JsonNode it : out.get("items")) {
            System.out.printf("%s seed %d: accuracy %.3f after %d updates%n", model, it.get("seed").asInt(),
                    it.get("accuracy").asDouble(), it.get("steps_to_reach").asInt());
            assertThat(it.get("accuracy").asDouble()).isEqualTo(1.0);
            assertThat(it.get("decoded_text").asString()).isEqualTo(LILY);
            Cli.Result d = Cli.run("decode", "--run", it.get("run_id").asString(), "--library", lib.toString());
            assertThat(d.exit()).as(d.err()).isZero();
            assertThat(d.out().lines().findFirst()).hasValue(LILY);
            assertThat(d.out()).contains("accuracy 100.0%");
        }
        assertThat(new RunLibrary(lib).list().runs()).hasSize(3);
    }

    @Test
    void decodesABareVectorsFileWithATarget() throws Exception {
        Path m = Shared.model("stories260k-hf");
        Path lib = tmp.resolve("lib");
        Cli.Result r = Cli.run("fit", "--model", m.toString(), "--text", LILY, "--library", lib.toString(), "--json", "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        String id = RunLibrary.JSON.readTree(r.out()).get("items").get(0).get("run_id").asString();
        Path vectors = lib.resolve(id).resolve("vectors.safetensors");
        Cli.Result d = Cli.run("decode", "--model", m.toString(), "--vectors", vectors.toString(), "--target-text", LILY,
                "--top-k", "3", "--json");
        assertThat(d.exit()).as(d.err()).isZero();
        JsonNode j = RunLibrary.JSON.readTree(d.out());
        assertThat(j.get("text").asString()).isEqualTo(LILY);
        assertThat(j.get("accuracy").asDouble()).isEqualTo(1.0);
        assertThat(j.get("top_k").get(0)).hasSize(3);
        Cli.Result noLength = Cli.run("decode", "--model", m.toString(), "--vectors", vectors.toString());
        assertThat(noLength.exit()).isEqualTo(2);
        assertThat(noLength.err()).contains("--length");
    }

    @Test
    void badInputGivesAClearMessageANonZeroExitAndWritesNothing() throws Exception {
        Path m = Shared.model("stories260k-hf");
        Path lib = tmp.resolve("lib");
        Cli.Result empty = Cli.run("fit", "--model", m.toString(), "--text", "", "--library", lib.toString());
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("The text is empty");

        String longText = "Lily and Ben went to the park. ".repeat(80);
        Cli.Result tooLong = Cli.run("fit", "--model", m.toString(), "--text", longText, "--library", lib.toString());
        assertThat(tooLong.exit()).isEqualTo(2);
        assertThat(tooLong.err()).contains("context of 512").contains("Shorten the text");

        Cli.Result nan = Cli.run("fit", "--model", m.toString(), "--text", LILY, "--lr", "1e6", "--library",
                lib.toString(), "--quiet");
        assertThat(nan.exit()).isEqualTo(2);
        assertThat(nan.err()).containsPattern("loss became (NaN|infinite)").contains("learning rate");

        Cli.Result missing = Cli.run("fit", "--model", tmp.resolve("nope").toString(), "--text", LILY);
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");

        assertThat(!Files.exists(lib) || listing(lib) == 0).as("nothing written to the library").isTrue();

        Cli.Result ok = Cli.run("fit", "--model", m.toString(), "--text", LILY, "--library", lib.toString(), "--json", "--quiet");
        String id = RunLibrary.JSON.readTree(ok.out()).get("items").get(0).get("run_id").asString();
        Cli.Result other = Cli.run("decode", "--run", id, "--library", lib.toString(), "--model",
                Shared.model("tinyllama-v0").toString());
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("was fitted with stories260k-hf").contains("not with tinyllama-v0");
    }

    private static long listing(Path lib) throws Exception {
        try (Stream<Path> s = Files.list(lib)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }
}
