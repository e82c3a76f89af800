package dev.protolens.app.cli;

import dev.protolens.app.experiments.ExperimentFiles;
import dev.protolens.app.experiments.ExperimentJob;
import dev.protolens.engine.UserError;
import dev.protolens.engine.experiment.Experiment;
import dev.protolens.engine.experiment.ExperimentReport;
import dev.protolens.engine.experiment.NamedText;
import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.experiment.PlanEstimate;
import dev.protolens.engine.experiment.PlanResults;
import dev.protolens.engine.experiment.PlanRunner;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.work.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code protolens experiment NAME}: one of the paper's experiments from plan to report. */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one of the paper's experiments and write its table (CSV/JSON), figures (PNG/SVG/PDF) and",
            "report (Markdown, HTML) with the paper's claim beside the measured numbers. NAME: arrangements,",
            "one-vector, capacity, locality, paths, mem-baseline. A stopped run continues where it was.",
            "--write-plan F only writes the plan (for 'protolens plan run' or a cluster)."})
final class ExperimentCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The experiment.")
    String name;

    @Option(names = "--quick", description = "The small budget: fewer texts, lengths, seeds and steps (minutes on a laptop).")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Results and report folder (default: experiments/NAME[-quick]).")
    Path out;

    @Option(names = "--write-plan", paramLabel = "FILE", description = "Write the plan and stop.")
    Path writePlan;

    @Option(names = "--report-only", description = "Fit nothing: write the report from the results already in --out.")
    boolean reportOnly;

    @Option(names = "--seeds", description = "Seeds per fit (default: the experiment's).")
    Integer seeds;

    @Option(names = "--lengths", split = ",", description = "Lengths in tokens (default: the experiment's grid).")
    int[] lengths;

    @Option(names = "--steps", description = "Maximum updates per fit (default: 5000, fewer with --quick).")
    Integer steps;

    @Option(names = "--count", description = "Texts (locality) or pairs (paths).")
    Integer count;

    @Option(names = "--texts", paramLabel = "DIR", description = "A folder of your own .txt texts, added to the samples.")
    Path texts;

    @Option(names = "--library", paramLabel = "DIR", description = "Where the runs go (default: OUT/library).")
    Path library;

    @Mixin
    ModelOptions model;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() throws Exception {
        Experiment e = Experiment.named(name);
        Path folder = out != null ? out : Path.of("experiments", e.name() + (quick ? "-quick" : ""));
        LoadedModel m = model.load(); // closed by its session
        try (ModelSession session = ModelSession.of(m)) {
            Plan plan;
            if (reportOnly && Files.isRegularFile(folder.resolve(PlanResults.PLAN))) {
                plan = Plan.read(folder.resolve(PlanResults.PLAN));
            } else {
                Experiment.Options o = new Experiment.Options(model.requiredModel().toAbsolutePath().toString(), quick,
                        ExperimentFiles.samples(), userTexts(), seeds, lengths, steps, count,
                        t -> m.tokenizer().encode(t, false).size());
                plan = e.plan(o);
            }
            if (writePlan != null) {
                plan.write(writePlan);
                System.out.printf(Locale.ROOT, "wrote %s: %d items, %d fits. Run it with: protolens plan run %s%n",
                        writePlan, plan.items().size(), plan.fitCount(), writePlan);
                return 0;
            }
            ExperimentJob job = new ExperimentJob(e, plan, session, folder, library != null ? new RunLibrary(library) : null);
            if (e.gpuNote() != null && !quick) {
                System.err.println("note: " + e.gpuNote());
            }
            long t0 = System.currentTimeMillis();
            PlanRunner.Summary s = null;
            if (!reportOnly) {
                PlanEstimate.Estimate est = PlanEstimate.of(session, plan);
                System.err.printf(Locale.ROOT, "%s: %d items, %d fits, into %s; at most %s on this machine (%.1f ms per"
                                + " step at N = %d; fits that reach 100 %% stop earlier)%n", e.title(), plan.items().size(),
                        plan.fitCount(), folder.toAbsolutePath(), Durations.format(est.upperBoundMillis()),
                        est.msPerStepAtLongest(), est.longest());
                CountDownLatch finished = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    job.cancel();
                    try {
                        finished.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }, "stop-experiment");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    s = job.run(new PlanCommand.Lines(output.json));
                } finally {
                    finished.countDown();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException ex) {
                        // shutting down: the hook stopped the run and waited for it
                    }
                }
            }
            ExperimentReport r = job.analyse();
            List<Path> files = job.write(r);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("experiment", e.name());
            o.put("folder", folder.toAbsolutePath().toString());
            o.put("items_done", r.itemsDone());
            o.put("items_planned", r.itemsPlanned());
            o.put("seconds", (System.currentTimeMillis() - t0) / 1000.0);
            o.put("findings", r.findings());
            o.put("paper_claim", r.claim());
            o.put("numbers", r.numbers());
            if (output.json) {
                Json.print(o);
            } else {
                System.out.println(e.title() + (r.complete() ? "" : " (partial: " + r.itemsDone() + " of "
                        + r.itemsPlanned() + " items)"));
                System.out.println(String.join(" | ", r.columns()));
                for (List<String> row : r.rows()) {
                    System.out.println(String.join(" | ", row));
                }
                r.findings().forEach(f -> System.out.println("measured: " + f));
                System.out.println("paper:    " + r.claim());
                System.out.printf(Locale.ROOT, "%s; wrote %d files, report %s%n",
                        Durations.format(System.currentTimeMillis() - t0), files.size(), folder.resolve("report.html"));
            }
            return s != null && s.stopped() ? 130 : 0;
        }
    }

    private List<NamedText> userTexts() throws java.io.IOException {
        if (texts == null) {
            return List.of();
        }
        if (!Files.isDirectory(texts)) {
            throw new UserError(texts + " is not a folder of .txt files.");
        }
        List<NamedText> r = new ArrayList<>();
        try (Stream<Path> s = Files.list(texts)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                String n = p.getFileName().toString();
                r.add(new NamedText(n.substring(0, n.length() - 4), TextSource.readFile(p)));
            }
        }
        return r;
    }
}
