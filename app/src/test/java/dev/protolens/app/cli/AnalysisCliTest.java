package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.figures.ExportedFiles;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.store.PathLibrary;
import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code protolens project} and {@code protolens interpolate} on runs fitted through the command line. */
class AnalysisCliTest {
    static final String CAT = "The cat sat on the mat.";
    static final String BOAT = "Tom had a big blue boat.";

    @TempDir
    static Path tmp;
    static Path lib;
    static final List<String> cats = new ArrayList<>();
    static String boat;

    @BeforeAll
    static void fit() throws Exception {
        Path m = Shared.model("stories260k-hf");
        lib = tmp.resolve("lib");
        Cli.Result r = Cli.run("fit", "--model", m.toString(), "--text", CAT, "--restarts", "3", "--library",
                lib.toString(), "--json", "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        for (JsonNode it : RunLibrary.JSON.readTree(r.out()).get("items")) {
            cats.add(it.get("run_id").asString());
        }
        Cli.Result b = Cli.run("fit", "--model", m.toString(), "--text", BOAT, "--restarts", "2", "--seed", "10",
                "--library", lib.toString(), "--json", "--quiet");
        assertThat(b.exit()).as(b.err()).isZero();
        boat = RunLibrary.JSON.readTree(b.out()).get("items").get(0).get("run_id").asString();
    }

    @Test
    void projectWritesOnePointPerRunAsCsvOrJson() throws Exception {
        Path csv = tmp.resolve("out/pca.csv");
        Cli.Result r = Cli.run("project", "--library", lib.toString(), "--method", "pca", "--vectors", "both",
                "--out", csv.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        System.out.print(r.out());
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.getFirst()).isEqualTo("run_id,x,y,text,seed,accuracy,created_at");
        assertThat(lines).hasSize(6);
        assertThat(String.join("\n", lines)).contains(cats.getFirst()).contains(boat);
        assertThat(r.out()).contains("variance explained").contains("same text");

        Path json = tmp.resolve("tsne.json");
        Cli.Result t = Cli.run("project", "--library", lib.toString(), "--method", "tsne", "--iterations", "300",
                "--out", json.toString());
        assertThat(t.exit()).as(t.err()).isZero();
        JsonNode j = RunLibrary.JSON.readTree(Files.readString(json));
        assertThat(j.get("points")).hasSize(5);
        assertThat(j.get("method").asString()).isEqualTo("tsne");
        assertThat(j.get("perplexity").asDouble()).isEqualTo(4.0 / 3);
        assertThat(t.err()).contains("perplexity lowered");
        // 3 + 1 same-text pairs, 3 × 2 across texts
        assertThat(j.get("distances").get("same_text")).hasSize(4);
        assertThat(j.get("distances").get("different_texts")).hasSize(6);
        assertThat(j.get("distances").get("mean_same_text").asDouble())
                .isLessThan(j.get("distances").get("mean_different_texts").asDouble());

        // the map as a figure, drawn by the Atlas's figure: one marker per run, a legend entry per text
        Path svg = tmp.resolve("fig/map.svg");
        Cli.Result s = Cli.run("project", "--library", lib.toString(), "--method", "pca", "--out", svg.toString());
        assertThat(s.exit()).as(s.err()).isZero();
        String doc = Files.readString(svg);
        assertThat(doc).contains("Map of 5 runs of stories260k-hf").contains("PC 1 (").contains("× “The cat sat on the mat.”")
                .contains("2 × “Tom had a big blue");
        assertThat(ExportedFiles.svgRenders(svg).getWidth()).isEqualTo(820);
        Path pdf = tmp.resolve("fig/tsne.pdf");
        Cli.Result p = Cli.run("project", "--library", lib.toString(), "--method", "tsne", "--iterations", "200",
                "--colour-by", "accuracy", "--out", pdf.toString());
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(ExportedFiles.pdfOpens(pdf).getWidth()).isEqualTo(820);
        // every figure names its runs: the model and how many, in the PDF's text and the PNG's title
        assertThat(ExportedFiles.tool("pdftotext (poppler-utils)", "pdftotext", pdf.toString(), "-"))
                .contains("Map of 5 runs of stories260k-hf");
        Path png = tmp.resolve("fig/map.png");
        Cli.Result g = Cli.run("project", "--library", lib.toString(), "--width", "400", // PCA by default
                "--height", "300", "--out", png.toString());
        assertThat(g.exit()).as(g.err()).isZero();
        assertThat(ExportedFiles.pngDrawn(png).getWidth()).as("2×").isEqualTo(800);
        assertThat(ExportedFiles.pngTitle(png)).startsWith("Map of 5 runs of stories260k-hf");
        Cli.Result colour = Cli.run("project", "--library", lib.toString(), "--method", "pca", "--colour-by", "mood",
                "--out", png.toString());
        assertThat(colour.exit()).isEqualTo(2);
        assertThat(colour.err()).contains("text, seed, accuracy or date");
        Cli.Result bad = Cli.run("project", "--library", lib.toString(), "--method", "umap", "--out", csv.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("use pca or tsne");
    }

    @Test
    void projectRefusesToMixModelsAndNamesThem() throws Exception {
        Path mixed = tmp.resolve("mixed");
        copyTree(lib, mixed);
        // a copy of one run that claims another model
        Path src = mixed.resolve(boat);
        Path fake = mixed.resolve("fake-other-model");
        copyTree(src, fake);
        ObjectNode rec = (ObjectNode) RunLibrary.JSON.readTree(Files.readString(fake.resolve("run.json")));
        String identity = rec.get("model").get("identity").asString();
        rec.put("id", "fake-other-model");
        ((ObjectNode) rec.get("model")).put("identity", "feedfacefeedface");
        Files.writeString(fake.resolve("run.json"), RunLibrary.JSON.writeValueAsString(rec));
        Path out = tmp.resolve("mixed.csv");
        Cli.Result r = Cli.run("project", "--library", mixed.toString(), "--method", "pca", "--out", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("2 models").contains("feedfacefeedface").contains(identity + " (stories260k-hf");
        Cli.Result ok = Cli.run("project", "--library", mixed.toString(), "--method", "pca", "--model-identity",
                identity.substring(0, 6), "--out", out.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(6);
    }

    @Test
    void interpolateDecodesTheStraightLineAndALearnedPathAndKeepsIt() throws Exception {
        Path csv = tmp.resolve("line.csv");
        Cli.Result r = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(0), "--b", cats.get(1),
                "--out", csv.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        System.out.print(r.out());
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.getFirst()).isEqualTo("path,tau,accuracy,loss,match_a,match_b,text");
        assertThat(lines).hasSize(22);
        assertThat(lines.get(1)).startsWith("straight,0.000000,1.000000,").endsWith(CAT);
        assertThat(lines.getLast()).startsWith("straight,1.000000,1.000000,");
        assertThat(r.out()).contains("straight").contains("worst accuracy");

        Path json = tmp.resolve("bezier.json");
        Cli.Result b = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(0), "--b", cats.get(1),
                "--bezier", "--steps", "30", "--points", "11", "--out", json.toString(), "--quiet");
        assertThat(b.exit()).as(b.err()).isZero();
        JsonNode j = RunLibrary.JSON.readTree(Files.readString(json));
        assertThat(j.get("space").asString()).isEqualTo("pair");
        assertThat(j.get("same_text").asBoolean()).isTrue();
        assertThat(j.get("straight").get("points")).hasSize(11);
        assertThat(j.get("straight").get("length_ratio").asDouble()).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        JsonNode bz = j.get("bezier");
        assertThat(bz.get("points")).hasSize(11);
        assertThat(bz.get("updates").asInt()).isBetween(0, 30);
        String pathId = bz.get("path_id").asString();
        assertThat(new PathLibrary(new RunLibrary(lib)).between(cats.get(1), cats.get(0))).hasSize(1);

        Path again = tmp.resolve("saved.csv");
        Cli.Result s = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(1), "--b", cats.get(0),
                "--path", pathId, "--points", "11", "--out", again.toString());
        assertThat(s.exit()).as(s.err()).isZero();
        List<String> rows = Files.readAllLines(again);
        assertThat(rows).hasSize(23);
        // walked from b to a: the saved path's last point is this file's first
        String lastOfLearned = bz.get("points").get(10).get("text").asString();
        assertThat(rows.get(12)).startsWith("bezier,0.000000,").endsWith(OutputFormat.csv(lastOfLearned));

        // the same curves as a figure: both paths in the legend, valid SVG that librsvg renders, a PDF that opens
        Path svg = tmp.resolve("curves.svg");
        Cli.Result f = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(1), "--b", cats.get(0),
                "--path", pathId, "--out", svg.toString());
        assertThat(f.exit()).as(f.err()).isZero();
        assertThat(Files.readString(svg)).contains("Accuracy along the paths").contains("straight line")
                .contains("learned Bézier").contains("token accuracy")
                // the figure names its ends (walked from cats[1], seed 1, to cats[0], seed 0)
                .contains("A = “The cat sat on the mat.” (seed 1)").contains("B = “The cat sat on the mat.” (seed 0)");
        assertThat(ExportedFiles.svgRenders(svg).getWidth()).isEqualTo(760);
        Path pdf = tmp.resolve("curves.pdf");
        Cli.Result fp = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(1), "--b", cats.get(0),
                "--path", pathId, "--out", pdf.toString());
        assertThat(fp.exit()).as(fp.err()).isZero();
        assertThat(ExportedFiles.pdfOpens(pdf).getWidth()).isEqualTo(760);
    }

    @Test
    void interpolateBetweenDifferentTextsComparesWithBothEndsAndCannotLearn() throws Exception {
        Path json = tmp.resolve("mixed.json");
        Cli.Result r = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(0), "--b", boat,
                "--points", "5", "--out", json.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = RunLibrary.JSON.readTree(Files.readString(json));
        assertThat(j.get("same_text").asBoolean()).isFalse();
        JsonNode pts = j.get("straight").get("points");
        assertThat(pts.get(0).get("match_a").asDouble()).isEqualTo(1.0);
        assertThat(pts.get(4).get("match_b").asDouble()).isEqualTo(1.0);
        assertThat(pts.get(0).get("accuracy").isNull()).isTrue();
        assertThat(r.out()).contains("different texts");

        Cli.Result learn = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(0), "--b", boat,
                "--bezier", "--out", json.toString());
        assertThat(learn.exit()).isEqualTo(2);
        assertThat(learn.err()).contains("same text");
        Cli.Result eOnly = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(0), "--b", cats.get(1),
                "--space", "e", "--out", json.toString());
        assertThat(eOnly.exit()).isEqualTo(2);
        assertThat(eOnly.err()).contains("share m");
        Path png = tmp.resolve("mixed.png");
        Cli.Result fig = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(0), "--b", boat,
                "--points", "5", "--out", png.toString());
        assertThat(fig.exit()).as(fig.err()).isZero();
        assertThat(ExportedFiles.pngDrawn(png).getWidth()).isEqualTo(2 * 760);
        Cli.Result small = Cli.run("interpolate", "--library", lib.toString(), "--a", cats.get(0), "--b", boat,
                "--width", "20", "--out", png.toString());
        assertThat(small.exit()).isEqualTo(2);
        assertThat(small.err()).contains("--width and --height");
        Cli.Result missing = Cli.run("interpolate", "--library", lib.toString(), "--a", "no-such-run", "--b", boat,
                "--out", json.toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("There is no run 'no-such-run'");
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
