package dev.protolens.app.cli;

import dev.protolens.engine.experiment.ItemResult;
import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.experiment.PlanResults;
import dev.protolens.engine.experiment.PlanRunner;
import dev.protolens.engine.experiment.Shard;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.work.Durations;
import dev.protolens.engine.work.JobProgress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code protolens plan run|status}: run a plan file (all of it or one shard), or say how far it is. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run an experiment's plan file item by item (protolens experiment NAME --write-plan F writes",
            "one). Each finished item is written to OUT/results/<id>.json; a stopped or killed run continues where it",
            "was. --shard i/N runs the items whose index mod N is i, for cluster arrays."},
        subcommands = {PlanCommand.Run.class, PlanCommand.Status.class})
final class PlanCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The results folder of a plan: --out, else "<plan file without .json>.results" beside it. */
    static Path outFor(Path planFile, Path out) {
        return out != null ? out : PlanResults.besidePlan(planFile);
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Run the plan's items that have no result yet (in OUT/results).")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (JSON).")
        Path planFile;

        @Option(names = "--shard", paramLabel = "i/N", description = "Only items with index mod N = i. Default: all.")
        String shard;

        @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: PLAN without .json + .results).")
        Path out;

        @Option(names = "--library", paramLabel = "DIR",
                description = "Where the runs go (default: OUT/library, so the results folder holds everything).")
        Path library;

        @Mixin
        ModelOptions model;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() throws Exception {
            Plan plan = Plan.read(planFile);
            Shard sh = shard == null ? Shard.ALL : Shard.parse(shard);
            Path modelPath = model.model != null ? model.model : Path.of(plan.model());
            if (model.model != null) {
                plan = plan.withModel(model.model.toString());
            }
            PlanResults results = new PlanResults(outFor(planFile, out));
            LoadedModel m = model.load(modelPath); // closed by its session
            try (ModelSession session = ModelSession.of(m)) {
                PlanRunner runner = new PlanRunner(session, library != null ? new RunLibrary(library) : null, results);
                CountDownLatch finished = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    runner.cancel();
                    try {
                        finished.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "stop-plan");
                Runtime.getRuntime().addShutdownHook(hook);
                PlanRunner.Summary s;
                try {
                    s = runner.run(plan, sh, new Lines(output.json));
                } finally {
                    finished.countDown();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // shutting down: the hook stopped the runner and waited for it
                    }
                }
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("plan", planFile.toAbsolutePath().toString());
                o.put("experiment", plan.experiment());
                o.put("shard", sh.toString());
                o.put("out", results.dir().toString());
                o.put("finished", s.finished());
                o.put("skipped_already_done", s.skipped());
                o.put("failed", s.failed());
                o.put("stopped", s.stopped());
                o.put("seconds", s.elapsedMillis() / 1000.0);
                if (output.json) {
                    Json.print(o);
                } else {
                    System.out.printf(Locale.ROOT, "shard %s: %d items fitted (%d failed), %d already done%s, %s%n",
                            sh, s.finished(), s.failed(), s.skipped(), s.stopped() ? ", stopped" : "",
                            Durations.format(s.elapsedMillis()));
                    System.out.println("results in " + results.dir().resolve(PlanResults.RESULTS));
                }
                return 0;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "How many of the plan's items are done.")
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (JSON).")
        Path planFile;

        @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: PLAN without .json + .results).")
        Path out;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            Plan plan = Plan.read(planFile);
            PlanResults results = new PlanResults(outFor(planFile, out));
            Map<String, ItemResult> done = results.of(plan);
            List<String> stale = results.stale(plan);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("experiment", plan.experiment());
            o.put("items", plan.items().size());
            o.put("done", done.size());
            o.put("failed", done.values().stream().filter(r -> r.problem() != null).count());
            o.put("stale_results", stale.size());
            if (output.json) {
                Json.print(o);
            } else {
                System.out.printf(Locale.ROOT, "%s: %d of %d items done (%d with a problem)%s%n", plan.experiment(),
                        done.size(), plan.items().size(), (long) o.get("failed"),
                        stale.isEmpty() ? "" : "; " + stale.size() + " results belong to no item of this plan");
            }
            return 0;
        }
    }

    /** One line per item on stderr (and the fit's own line while one runs on a terminal). */
    static final class Lines implements PlanRunner.Listener {
        private final boolean quiet;
        private TerminalProgress bar;

        Lines(boolean quiet) {
            this.quiet = quiet;
        }

        @Override
        public void started(List<Plan.Item> shardItems, int todo, int done) {
            System.err.printf(Locale.ROOT, "%d items in this shard: %d to fit, %d already done%n", shardItems.size(),
                    todo, done);
        }

        @Override
        public void itemStarted(Plan.Item item, int position, int todo) {
            System.err.printf(Locale.ROOT, "[%d/%d] %s%n", position + 1, todo, item.id());
            bar = quiet ? null : new TerminalProgress(System.err);
        }

        @Override
        public void progress(Plan.Item item, JobProgress p) {
            if (bar != null) {
                bar.update(p);
            }
        }

        @Override
        public void itemFinished(Plan.Item item, ItemResult r) {
            if (bar != null) {
                bar.done();
            }
            if (r.problem() != null) {
                System.err.println("  problem: " + r.problem());
            }
            for (ItemResult.Fit f : r.fits()) {
                System.err.printf(Locale.ROOT, "  seed %d: %d/%d tokens (%.1f %%), %d steps%n", f.seed(),
                        f.correctTokens(), f.length(), f.accuracy() * 100, f.steps());
            }
        }
    }
}
