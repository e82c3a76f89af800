package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Init;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.WarmStarts;
import dev.protolens.engine.work.FitJob;
import dev.protolens.engine.work.FitReport;
import dev.protolens.engine.work.JobProgress;
import dev.protolens.engine.work.SeedBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the two proto-token vectors e and m from which the model writes TEXT in one forward pass,",
            "and save them as a run in the library (checkpointed every few seconds while it runs).",
            "Ctrl+C, SIGTERM or a closed terminal stop the fit and keep it resumable: fit --resume RUN."})
final class FitCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    TextSource.Choice text;

    @Option(names = "--seed", description = "Seed of the initial vectors (restart i uses seed+i). Default ${DEFAULT-VALUE}.")
    long seed = FitSpec.defaults().seed();

    @Option(names = "--steps", description = "Maximum AdamW updates (default " + FitSpec.MAX_STEPS + "). With --resume:"
            + " this many more updates (default: the run's own maximum).")
    Integer steps;

    @Option(names = "--lr", defaultValue = "" + FitSpec.LR, description = "Learning rate. Default ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "" + FitSpec.WEIGHT_DECAY, description = "AdamW weight decay. Default ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--init", description = "normal (N(0,1), the paper) or emb-std (N(0, σ²), σ = embedding std).")
    String init = FitSpec.defaults().init().cliName();

    @Option(names = "--arrangement", description = "e-m ([e][m]×(N-1), default), e-mN, alternating, half, e-only.")
    String arrangement = FitSpec.defaults().arrangement().cliName();

    @Option(names = "--restarts", defaultValue = "1", description = "Fit K seeds of the text in one batch (at most "
            + SeedBatch.MAX_SEEDS + "). Default ${DEFAULT-VALUE}.")
    int restarts;

    @Option(names = "--shared-m", description = "With --restarts: one m for all restarts, each its own e (the paper's"
            + " setting for paths between solutions of one text).")
    boolean sharedM;

    @Option(names = "--target-accuracy", description = "Stop when this token accuracy is reached. Default ${DEFAULT-VALUE}.")
    double targetAccuracy = FitSpec.defaults().targetAccuracy();

    @Option(names = "--no-save", description = "Do not write anything to the library.")
    boolean noSave;

    @Option(names = "--resume", paramLabel = "RUN", description = "Continue a stopped or checkpointed run (its id in the"
            + " library); its model, text and settings come from the run. A run that shares its m continues with"
            + " its whole batch.")
    String resume;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Mixin
    StartOptions startOptions;

    @Mixin
    ModelLibraryJson common;

    @Override
    public Integer call() throws Exception {
        SeedBatch.checkSize(restarts, sharedM);
        RunLibrary lib = noSave ? null : common.library.library().requireUsable();
        if (resume != null) {
            if (lib == null) {
                throw new UserError("--resume needs the library (drop --no-save)");
            }
            if (text != null) {
                throw new UserError("--resume continues the run's own text; drop --text/--text-file");
            }
            return resumeRun(lib);
        }
        if (text == null) {
            throw new UserError("Give the text to fit with --text or --text-file (or --resume RUN to continue one).");
        }
        int max = steps != null ? steps : FitSpec.MAX_STEPS;
        FitSpec spec = new FitSpec(Arrangement.parse(arrangement), Init.parse(init), seed, lr, FitSpec.BETA1,
                FitSpec.BETA2, FitSpec.EPS, weightDecay, max, targetAccuracy, sharedM, startOptions.start());
        String t = text.read();
        LoadedModel m = common.model.load(); // closed by its session
        try (ModelSession session = ModelSession.of(m)) {
            FitTarget target = FitTarget.of(m, t, spec.arrangement());
            FitRequest batch = SeedBatch.request(target, spec, restarts);
            // --no-save writes nothing, but a warm start may still read the library
            FitRequest request = lib != null ? batch : WarmStarts.apply(batch, common.library.library(), m, new Fitter(m));
            if (!spec.start().isPaper()) {
                System.err.println("start: " + spec.start().describe() + " (not the paper's recipe)");
            }
            if (restarts >= SeedBatch.ESTIMATE_FROM) {
                // a big batch is legitimate, but a typo should not cost an afternoon unannounced
                long est = SeedBatch.estimateMillis(session, target, spec, restarts);
                if (est >= 0) {
                    System.err.printf(Locale.ROOT, "estimate: %d seeds x at most %d updates, at most about %s on this"
                            + " machine (from 5 timed updates of %d of them); Ctrl+C stops and keeps what is done%n",
                            restarts, spec.maxSteps(), dev.protolens.engine.work.Durations.format(est),
                            Math.min(restarts, SeedBatch.ESTIMATE_FROM));
                }
            }
            System.err.printf(Locale.ROOT, "fitting %d tokens with %s, %s%s%n", target.length(), m.name(),
                    spec.arrangement().label(), restarts > 1 ? ", " + restarts + " restarts"
                    + (sharedM ? " sharing one m" : "") : "");
            return run(m, lib, (listener) -> FitJob.start(session, lib, request, FitJob.Options.cli(), listener));
        }
    }

    private int resumeRun(RunLibrary lib) throws Exception {
        Run run = lib.load(resume);
        LoadedModel m = common.model.loadFor(run.record()); // closed by its session
        try (ModelSession session = ModelSession.of(m)) {
            List<Run> stored = FitJob.resumable(lib, resume, m);
            int more = steps != null ? steps : Math.max(1, run.record().settings().maxSteps());
            System.err.printf(Locale.ROOT, "resuming %s at step %d: up to %d more updates%s%n",
                    stored.size() == 1 ? "run " + stored.getFirst().id() : stored.size() + " runs sharing one m",
                    stored.getFirst().resumeState().step(), more, "");
            return run(m, lib, (listener) -> FitJob.resume(session, lib, stored, more, FitJob.Options.cli(), listener));
        }
    }

    private interface Starter {
        FitJob start(java.util.function.Consumer<JobProgress> listener);
    }

    private int run(LoadedModel m, RunLibrary lib, Starter starter) throws Exception {
        TerminalProgress bar = quiet || common.output.json ? null : new TerminalProgress(System.err);
        FitJob job = starter.start(bar == null ? null : bar::update);
        // Ctrl+C, SIGTERM, SIGHUP: stop the fit, then let the main thread save and print what was found
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            job.cancel();
            try {
                reported.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-fit");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            FitJob.Outcome o;
            try {
                o = job.outcome().get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
            if (bar != null) {
                bar.done();
            }
            return report(m, lib, o);
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook stopped the fit and waited for this report
            }
        }
    }

    private int report(LoadedModel m, RunLibrary lib, FitJob.Outcome o) {
        for (String w : o.warnings()) {
            System.err.println("warning: " + w);
        }
        if (o.diverged()) {
            throw new UserError(o.problem());
        }
        Map<String, Object> out = FitReport.of(m, lib, o);
        if (common.output.json) {
            Json.print(out);
        } else {
            FitReport.lines(o, out).forEach(System.out::println);
        }
        if (o.problem() != null) {
            System.err.println("error: " + o.problem());
            return 1;
        }
        return 0;
    }
}
