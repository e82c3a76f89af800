package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.figures.ExportedFiles;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code protolens inside} on runs fitted through the command line (stories260K, two seeds sharing m): every figure
 * in PNG, SVG and PDF opens in the tools a reader would use, the arrays and the summary are written, the summary
 * knows the shared-m batch; and the mistakes a person can make are refused with a message.
 */
class InsideCliTest {
    static final String TEXT = "Tom had a big blue boat.";

    @TempDir
    static Path tmp;
    static Path lib;
    static final List<String> runs = new ArrayList<>();

    @BeforeAll
    static void fit() throws Exception {
        Path m = Shared.model("stories260k-hf");
        lib = tmp.resolve("lib");
        Cli.Result r = Cli.run("fit", "--model", m.toString(), "--text", TEXT, "--restarts", "2", "--shared-m",
                "--library", lib.toString(), "--json", "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        for (JsonNode it : RunLibrary.JSON.readTree(r.out()).get("items")) {
            runs.add(it.get("run_id").asString());
        }
    }

    @Test
    void writesEveryFigureAndArrayOfARun() throws Exception {
        Path out = tmp.resolve("inside");
        Cli.Result r = Cli.run("inside", "--run", runs.getFirst(), "--library", lib.toString(), "--out", out.toString(),
                "--knockouts", "layer,from");
        assertThat(r.exit()).as(r.err()).isZero();
        System.out.print(r.out());
        assertThat(r.out()).contains("lens one-step").contains("lens teacher-forced").contains("sink heads")
                .contains("knock-out: attention to e in layer ℓ only").contains("shared-m batch of 2");
        for (String figure : List.of("lens", "attention-heads", "attention-layers", "knockouts-layer", "knockouts-from",
                "geometry")) {
            ExportedFiles.pngDrawn(out.resolve(figure + ".png"));
            ExportedFiles.svgRenders(out.resolve(figure + ".svg"));
            ExportedFiles.pdfOpens(out.resolve(figure + ".pdf"));
        }
        try (var s = Files.list(out)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("attention-head-L")
                    && p.toString().endsWith(".svg")).count()).isEqualTo(1);
        }
        for (String array : List.of("lens.csv", "attention.npy", "attention_to_e.csv", "attention_layers.csv",
                "knockouts.csv", "knockouts_accuracy.npy", "nearest_tokens.csv", "token_norms.csv", "batch_e_cosine.npy",
                "inside.safetensors")) {
            assertThat(out.resolve(array)).isRegularFile();
        }
        JsonNode summary = RunLibrary.JSON.readTree(Files.readString(out.resolve("inside.json")));
        assertThat(summary.get("run").asString()).isEqualTo(runs.getFirst());
        assertThat(summary.get("knockouts").size()).isEqualTo(4);
        assertThat(summary.get("geometry").get("batch").get("runs").size()).isEqualTo(2);
        assertThat(summary.get("layers_read").size()).isEqualTo(6);

        Cli.Result json = Cli.run("inside", "--run", lib.resolve(runs.get(1)).toString(), "--out",
                tmp.resolve("second").toString(), "--knockouts", "none", "--formats", "svg", "--every", "2",
                "--site", "after-attention", "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode j = RunLibrary.JSON.readTree(json.out());
        assertThat(j.get("site").asString()).isEqualTo("after-attention");
        assertThat(j.get("layers_read").toString()).isEqualTo("[0,2,4,5]");
        assertThat(j.get("knockouts").size()).isZero();
        assertThat(tmp.resolve("second/lens.svg")).isRegularFile();
        assertThat(tmp.resolve("second/lens.png")).doesNotExist();
    }

    @Test
    void mistakesAreRefusedWithAMessage() throws Exception {
        Cli.Result site = Cli.run("inside", "--run", runs.getFirst(), "--library", lib.toString(), "--out",
                tmp.resolve("x").toString(), "--site", "middle");
        assertThat(site.exit()).isEqualTo(2);
        assertThat(site.err()).contains("--site is after-layer or after-attention");
        Cli.Result missing = Cli.run("inside", "--run", "no-such-run", "--library", lib.toString(), "--out",
                tmp.resolve("x").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("error: ").doesNotContain("Exception");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Cli.Result intoFile = Cli.run("inside", "--run", runs.getFirst(), "--library", lib.toString(), "--out",
                file.toString());
        assertThat(intoFile.exit()).isEqualTo(2);
        assertThat(intoFile.err()).contains("is a file");
        Cli.Result format = Cli.run("inside", "--run", runs.getFirst(), "--library", lib.toString(), "--out",
                tmp.resolve("y").toString(), "--formats", "gif");
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("--formats takes png, svg and pdf");
    }
}
