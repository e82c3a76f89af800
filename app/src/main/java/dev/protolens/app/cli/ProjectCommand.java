package dev.protolens.app.cli;

import dev.protolens.app.figures.ProjectionFigure;
import dev.protolens.engine.UserError;
import dev.protolens.engine.analysis.Locality;
import dev.protolens.engine.analysis.Metric;
import dev.protolens.engine.analysis.RunSpace;
import dev.protolens.engine.analysis.Tsne;
import dev.protolens.engine.analysis.VectorKind;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.LibraryProjection;
import dev.protolens.engine.work.MapColouring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "project", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Map a library's solutions to 2-D with PCA or t-SNE: one point per run of one model, with its",
            "text, seed and accuracy. The JSON also holds the same-text and different-text distance distributions."})
final class ProjectCommand implements Callable<Integer> {

    @Option(names = "--method", defaultValue = "pca", description = "pca or tsne. Default ${DEFAULT-VALUE}, as in the Atlas.")
    String method;

    @Option(names = "--vectors", defaultValue = "e", description = "e, m or both (e and m concatenated). Default ${DEFAULT-VALUE}.")
    String vectors;

    @Option(names = "--model-identity", description = "Map only the runs of this model (identity, its first characters, or the model's name); needed when the library holds runs of several models.")
    String modelIdentity;

    @Option(names = "--perplexity", defaultValue = "20", description = "t-SNE perplexity (lowered to (runs-1)/3 for small libraries). Default ${DEFAULT-VALUE}.")
    double perplexity;

    @Option(names = "--iterations", defaultValue = "1000", description = "t-SNE iterations. Default ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--seed", defaultValue = "0", description = "t-SNE seed. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, description = "Output: .csv or .json (coordinates with run ids), or the map as .svg, .png (2×) or .pdf.")
    Path out;

    @Option(names = "--colour-by", defaultValue = "text", description = "The figure's marker colours: text, seed, accuracy or date. Default ${DEFAULT-VALUE}.")
    String colourBy;

    @Option(names = "--width", defaultValue = "820", description = "Figure width in points (PNG: pixels at 1×). Default ${DEFAULT-VALUE}.")
    double width;

    @Option(names = "--height", defaultValue = "540", description = "Figure height in points. Default ${DEFAULT-VALUE}.")
    double height;


    @Mixin
    LibraryOption libraryOption;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() throws IOException {
        OutputFormat format = OutputFormat.of(out);
        VectorKind kind = VectorKind.parse(vectors);
        LibraryProjection.Method m = LibraryProjection.Method.parse(method);
        MapColouring.By colours = MapColouring.By.parse(colourBy);
        OutputFormat.checkFigureSize(width, height);
        RunLibrary lib = libraryOption.library();
        if (!Files.isDirectory(lib.root())) {
            throw new UserError("There is no run library at " + lib.root() + ".");
        }
        LibraryProjection.Library loaded = LibraryProjection.load(lib);
        loaded.problems().forEach(p -> System.err.println("skipped " + p));
        if (!loaded.notFinite().isEmpty()) {
            System.err.println(LibraryProjection.notFiniteLine(loaded.notFinite().size()) + ": "
                    + String.join(", ", loaded.notFinite().stream().map(RunRecord::id).toList()));
        }
        RunSpace space = RunSpace.of(loaded.runs(), modelIdentity);
        Tsne.Options options = Tsne.Options.defaults().withPerplexity(perplexity).withIterations(iterations)
                .withSeed(seed);
        LibraryProjection projection = LibraryProjection.of(space, kind, m, List.of(), options);
        LibraryProjection.Frame map = projection.run(null, Integer.MAX_VALUE);
        double[][] xy = map.xy();
        boolean tsne = m == LibraryProjection.Method.TSNE;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("library", lib.root().toString());
        o.put("model", Map.of("identity", space.modelIdentity(), "name", space.modelName()));
        o.put("method", tsne ? "tsne" : "pca");
        o.put("vectors", kind.cliName());
        if (tsne) {
            Tsne.Result r = map.tsne();
            o.put("perplexity", r.perplexity());
            o.put("iterations", r.iterations());
            o.put("seed", seed);
            o.put("kl_divergence", r.cost());
            if (r.perplexity() < perplexity) {
                System.err.printf(Locale.ROOT, "perplexity lowered from %s to %.2f: t-SNE needs more than 3 × perplexity"
                        + " runs and there are %d%n", perplexity, r.perplexity(), space.size());
            }
        } else {
            o.put("variance_explained", map.varianceExplained());
        }
        List<Map<String, Object>> points = new ArrayList<>();
        for (int i = 0; i < space.size(); i++) {
            RunRecord r = space.runs().get(i).record();
            Map<String, Object> pt = new LinkedHashMap<>();
            pt.put("run_id", r.id());
            pt.put("x", xy[i][0]);
            pt.put("y", xy[i].length > 1 ? xy[i][1] : 0.0);
            pt.put("text", r.text());
            pt.put("seed", r.settings() != null ? r.settings().seed() : null);
            pt.put("accuracy", r.metrics() != null ? r.metrics().accuracy() : null);
            pt.put("created_at", r.createdAt());
            points.add(pt);
        }
        o.put("points", points);
        Locality loc = space.locality(kind, Metric.COSINE);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("metric", loc.metric().cliName());
        d.put("mean_same_text", finite(loc.meanSameText()));
        d.put("mean_different_texts", finite(loc.meanDifferentTexts()));
        d.put("nearest_is_same_text", finite(loc.nearestIsSameText()));
        d.put("same_text", loc.sameText());
        d.put("different_texts", loc.differentTexts());
        o.put("distances", d);

        switch (format) {
            case CSV -> OutputFormat.write(out, csv(points));
            case JSON -> OutputFormat.write(out, Json.MAPPER.writeValueAsString(o));
            case SVG, PNG, PDF -> {
                // the Atlas's map, drawn by the same figure (light, for pages)
                List<ProjectionFigure.Point> pts = new ArrayList<>();
                for (int i = 0; i < space.size(); i++) {
                    pts.add(new ProjectionFigure.Point(space.runs().get(i).id(), xy[i][0], xy[i].length > 1 ? xy[i][1] : 0));
                }
                ProjectionFigure f = new ProjectionFigure();
                f.setData(map.title(), map.xLabel(), map.yLabel(), pts, MapColouring.of(space.runs(), colours));
                f.setNote(map.note());
                format.writeFigure(out, f, width, height);
            }
        }
        if (output.json) {
            Json.print(o);
        } else {
            System.out.printf(Locale.ROOT, "%s of %d runs of %s (%s vectors)%s%n", m.label(), space.size(),
                    space.modelName(), kind.cliName(), tsne ? "" : String.format(Locale.ROOT, ": variance explained %s",
                            varianceText(map.varianceExplained())));
            System.out.printf(Locale.ROOT, "mean cosine distance: same text %.4f (%d pairs), different texts %.4f (%d pairs)%n",
                    loc.meanSameText(), loc.sameText().length, loc.meanDifferentTexts(), loc.differentTexts().length);
            System.out.println("wrote " + out);
        }
        return 0;
    }

    private static String csv(List<Map<String, Object>> points) {
        StringBuilder b = new StringBuilder("run_id,x,y,text,seed,accuracy,created_at\n");
        for (Map<String, Object> p : points) {
            b.append(OutputFormat.csv((String) p.get("run_id"))).append(',')
                    .append(String.format(Locale.ROOT, "%.6f,%.6f", (double) p.get("x"), (double) p.get("y"))).append(',')
                    .append(OutputFormat.csv((String) p.get("text"))).append(',')
                    .append(p.get("seed") == null ? "" : p.get("seed")).append(',')
                    .append(p.get("accuracy") == null ? "" : String.format(Locale.ROOT, "%.4f", (double) p.get("accuracy")))
                    .append(',').append(OutputFormat.csv((String) p.get("created_at"))).append('\n');
        }
        return b.toString();
    }

    private static String varianceText(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.isEmpty() ? "" : " + ").append(String.format(Locale.ROOT, "%.1f%%", 100 * x));
        }
        return b.toString();
    }

    /** JSON has no NaN: a mean of nothing is null. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
