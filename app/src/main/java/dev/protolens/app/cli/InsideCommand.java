package dev.protolens.app.cli;

import dev.protolens.app.figures.FigureExport;
import dev.protolens.app.inside.InsideExport;
import dev.protolens.engine.UserError;
import dev.protolens.engine.inside.FittedPass;
import dev.protolens.engine.inside.Inside;
import dev.protolens.engine.inside.InsideFiles;
import dev.protolens.engine.inside.InsideReport;
import dev.protolens.engine.inside.KnockOut;
import dev.protolens.engine.inside.KnockOutCurve;
import dev.protolens.engine.inside.LensMap;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.PassProbe;
import dev.protolens.engine.store.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "inside", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Look inside a run's one forward pass, as the Inside screen does, and write its figures and numbers",
            "to a folder: the logit lens of the fitted pass and of the text read normally, every head's attention to e",
            "and m (sinks flagged), knock-outs of that attention per layer, and the geometry of e and m.",
            "Arrays as CSV, as .npy where they have two or more axes, and all in inside.safetensors; a summary in",
            "inside.json; figures as PNG (2×), SVG and PDF."})
final class InsideCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "The run: an id in the library, or a run folder. The model"
            + " is the one it was fitted with unless --model names it.")
    String run;

    @Option(names = "--out", required = true, description = "Folder to write into (created if needed).")
    Path out;

    @Option(names = "--site", defaultValue = "after-layer", description = "Where the lens reads the stream: after-layer"
            + " (after the MLP) or after-attention (inside each layer). Default ${DEFAULT-VALUE}.")
    String site;

    @Option(names = "--every", defaultValue = "0", description = "Read every k-th layer (the input and the last layer"
            + " always). Default: ⌈layers / 16⌉, i.e. all layers up to 16.")
    int every;

    @Option(names = "--knockouts", defaultValue = "layer,from,up-to", split = ",", description = "Knock-out curves to"
            + " compute, each for attention to e and among m: layer (ℓ only), from (layers ≥ ℓ), up-to (layers ≤ ℓ);"
            + " none for none. Default ${DEFAULT-VALUE}.")
    List<String> knockouts;

    @Option(names = "--formats", defaultValue = "png,svg,pdf", split = ",", description = "Figure formats: png, svg,"
            + " pdf, or none. Default ${DEFAULT-VALUE}.")
    List<String> formats;

    @Mixin
    ModelLibraryJson common;

    @Override
    public Integer call() throws Exception {
        PassProbe.Site where = switch (site.trim().toLowerCase(Locale.ROOT)) {
            case "after-layer", "layer" -> PassProbe.Site.AFTER_LAYER;
            case "after-attention", "attention" -> PassProbe.Site.AFTER_ATTENTION;
            default -> throw new UserError("--site is after-layer or after-attention, not '" + site + "'.");
        };
        List<KnockOut.Scope> scopes = new ArrayList<>();
        for (String k : knockouts) {
            if (!k.isBlank() && !k.trim().equalsIgnoreCase("none")) {
                scopes.add(KnockOut.Scope.parse(k));
            }
        }
        Set<FigureExport.Format> figureFormats = new LinkedHashSet<>();
        for (String f : formats) {
            if (f.isBlank() || f.trim().equalsIgnoreCase("none")) {
                continue;
            }
            FigureExport.Format fmt = FigureExport.Format.ofFile(Path.of("x." + f.trim()));
            if (fmt == null) {
                throw new UserError("--formats takes png, svg and pdf (or none), not '" + f + "'.");
            }
            figureFormats.add(fmt);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserError(out + " is a file; --out names the folder to write the figures and arrays into.");
        }
        InterpolateCommand.Located located = InterpolateCommand.locate(run, common.library.library());
        Run r = located.run();
        if (r.record().isCheckpoint()) {
            System.err.println("note: run " + r.id() + " is a checkpoint of a fit that has not finished; its vectors"
                    + " are the best so far.");
        }
        try (LoadedModel m = common.model.loadFor(r.record())) {
            FittedPass pass = FittedPass.of(r, m);
            int k = every > 0 ? every : Inside.defaultEvery(m.config().numLayers());
            long t0 = System.nanoTime();
            InsideReport report = new Inside(m).report(pass, where, k, scopes,
                    Inside.sharedMBatch(located.library(), r));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            List<Path> files = InsideExport.write(report, out, figureFormats);
            if (common.output.json) {
                Json.print(InsideFiles.summary(report, files));
            } else {
                summary(report, millis);
                System.out.println("wrote " + files.size() + " files to " + out);
            }
        }
        return 0;
    }

    private static void summary(InsideReport r, long millis) {
        System.out.printf(Locale.ROOT, "run %s: %d tokens, the one pass writes %.0f %% (%s, computed in %.1f s)%n",
                r.pass().runId(), r.pass().length(), 100 * r.look().oneStepAccuracy(), r.model(), millis / 1000.0);
        for (LensMap m : r.teacherForced() == null ? List.of(r.look().oneStep()) : List.of(r.look().oneStep(),
                r.teacherForced())) {
            StringBuilder b = new StringBuilder();
            for (int row = 0; row < m.rows(); row++) {
                b.append(String.format(Locale.ROOT, " %s:%.0f%%", m.layers()[row] == 0 ? "in" : "L" + m.layers()[row],
                        100 * m.accuracy(row)));
            }
            System.out.printf(Locale.ROOT, "lens %-14s share written per layer:%s%n", m.pass(), b);
        }
        var sinks = r.look().attention().sinks();
        System.out.println("sink heads (over half their attention on e): " + (sinks.isEmpty() ? "none"
                : String.join(", ", sinks.stream().map(x -> "L" + x[0] + " h" + x[1]).toList())));
        for (KnockOutCurve c : r.knockOuts()) {
            StringBuilder b = new StringBuilder();
            for (int l = 1; l <= c.layers(); l++) {
                b.append(String.format(Locale.ROOT, " %.0f%%", 100 * c.accuracy()[l - 1]));
            }
            System.out.printf(Locale.ROOT, "knock-out: %s %s, accuracy for ℓ = 1..%d:%s%n", c.what().label(),
                    c.scope().label(), c.layers(), b);
        }
        var g = r.geometry();
        System.out.printf(Locale.ROOT, "‖e‖ %.2f, ‖m‖ %.2f, median token norm %.2f; nearest to e: %s; to m: %s%n",
                g.eNorm(), g.mNorm(), g.medianTokenNorm(), g.nearestE().getFirst().piece(), g.nearestM().getFirst().piece());
        if (g.batch() != null) {
            System.out.printf(Locale.ROOT, "shared-m batch of %d: e's mean cosine distance %.3f, spread %.2f × ‖e‖%n",
                    g.batch().size(), g.batch().meanCosineDistance(), g.batch().relativeSpread());
        }
    }
}
