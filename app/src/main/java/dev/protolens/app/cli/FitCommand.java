package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
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
import dev.protolens.engine.work.SeedBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the initial vectors (restart i uses seed+i). Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--steps", description = "Maximum AdamW updates (default " + FitSpec.MAX_STEPS + "). With --resume:"
            + " this many more updates (default: the run's own maximum).")
    Integer steps;

    @Option(names = "--lr", defaultValue = "" + FitSpec.LR, description = "Learning rate. Default ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "" + FitSpec.WEIGHT_DECAY, description = "AdamW weight decay. Default ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--init", defaultValue = "normal", description = "normal (N(0,1), the paper) or emb-std (N(0, σ²), σ = embedding std).")
    String init;

    @Option(names = "--arrangement", defaultValue = "e-m", description = "e-m ([e][m]×(N-1), default), e-mN, alternating, half, e-only.")
    String arrangement;

    @Option(names = "--restarts", defaultValue = "1", description = "Fit K seeds of the text in one batch (at most "
            + SeedBatch.MAX_SEEDS + "). Default ${DEFAULT-VALUE}.")
    int restarts;

    @Option(names = "--shared-m", description = "With --restarts: one m for all restarts, each its own e (the paper's"
            + " setting for paths between solutions of one text).")
    boolean sharedM;

    @Option(names = "--target-accuracy", defaultValue = "1.0", description = "Stop when this token accuracy is reached. Default ${DEFAULT-VALUE}.")
    double targetAccuracy;

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
    ModelOptions modelOptions;

    @Mixin
    LibraryOption libraryOption;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() throws Exception {
        SeedBatch.checkSize(restarts, sharedM);
        RunLibrary lib = noSave ? null : libraryOption.library();
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
        String t = text.text != null ? text.text : TextSource.readFile(text.file);
        try (LoadedModel m = modelOptions.load(); ModelSession session = ModelSession.of(m)) {
            FitTarget target = FitTarget.of(m, t, spec.arrangement());
            FitRequest batch = SeedBatch.request(target, spec, restarts);
            // --no-save writes nothing, but a warm start may still read the library
            FitRequest request = lib != null ? batch : WarmStarts.apply(batch, libraryOption.library(), m, new Fitter(m));
            if (!spec.start().isPaper()) {
                System.err.println("start: " + spec.start().describe() + " (not the paper's recipe)");
            }
            System.err.printf(Locale.ROOT, "fitting %d tokens with %s, %s%s%n", target.length(), m.name(),
                    spec.arrangement().label(), restarts > 1 ? ", " + restarts + " restarts"
                    + (sharedM ? " sharing one m" : "") : "");
            return run(m, lib, (listener) -> FitJob.start(session, lib, request, FitJob.Options.cli(), listener));
        }
    }

    private int resumeRun(RunLibrary lib) throws Exception {
        Run run = lib.load(resume);
        try (LoadedModel m = modelOptions.loadFor(run.record()); ModelSession session = ModelSession.of(m)) {
            List<Run> stored = FitJob.resumable(lib, resume, m);
            int more = steps != null ? steps : Math.max(1, run.record().settings().maxSteps());
            System.err.printf(Locale.ROOT, "resuming %s at step %d: up to %d more updates%s%n",
                    stored.size() == 1 ? "run " + stored.getFirst().id() : stored.size() + " runs sharing one m",
                    stored.getFirst().resumeState().step(), more, "");
            return run(m, lib, (listener) -> FitJob.resume(session, lib, stored, more, FitJob.Options.cli(), listener));
        }
    }

    private interface Starter {
        FitJob start(java.util.function.Consumer<dev.protolens.engine.work.JobProgress> listener);
    }

    private int run(LoadedModel m, RunLibrary lib, Starter starter) throws Exception {
        TerminalProgress bar = quiet || output.json ? null : new TerminalProgress(System.err);
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
        FitResult result = o.result();
        List<Map<String, Object>> items = new ArrayList<>();
        for (FitResult.Item it : result.items()) {
            Decoded d = o.decoded().get(it.index());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("seed", it.seed());
            r.put("accuracy", d.accuracy());
            r.put("correct_tokens", d.correctCount());
            r.put("loss", d.loss());
            r.put("reached", it.reached());
            r.put("steps_to_reach", it.stepsToReach());
            r.put("status", o.status(it.index()));
            r.put("resumable", o.resumable(it.index()));
            r.put("decoded_text", d.text());
            r.put("run_id", o.ids().get(it.index()));
            items.add(r);
        }
        FitResult.Item best = result.best();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m.path().toString());
        out.put("text", best.target().text());
        out.put("tokens", best.target().length());
        out.put("h_lm_nats", o.hLm()[best.index()]);
        out.put("status", result.status().name().toLowerCase(Locale.ROOT));
        out.put("updates", result.updates());
        out.put("millis", o.elapsedMillis());
        out.put("updates_this_run", o.updatesThisRun());
        out.put("ms_per_step", o.updatesThisRun() > 0 ? o.millisPerStepThisRun() : null);
        out.put("shared_m", result.items().size() > 1 && o.request().spec().sharedM());
        out.put("library", lib != null ? lib.root().toString() : null);
        out.put("saved", o.saved());
        out.put("problem", o.problem());
        out.put("warnings", o.warnings());
        out.put("items", items);
        if (output.json) {
            Json.print(out);
        } else {
            for (Map<String, Object> r : items) {
                int reachedAt = (int) r.get("steps_to_reach");
                System.out.printf(Locale.ROOT, "seed %s: %s, accuracy %.1f%% (%s/%d tokens)%s%s%s%n", r.get("seed"),
                        r.get("status"), (double) r.get("accuracy") * 100, r.get("correct_tokens"),
                        best.target().length(), reachedAt >= 0 ? ", reached after " + reachedAt + " updates" : "",
                        r.get("run_id") != null && o.saved() ? ", saved as " + r.get("run_id") : "",
                        (boolean) r.get("resumable") && o.saved() ? " (resumable)" : "");
                System.out.println("  one pass writes: " + r.get("decoded_text"));
            }
            int ran = o.updatesThisRun();
            if (ran > 0) {
                System.out.printf(Locale.ROOT, "%d updates in %.1f s (%.2f ms/step)%s; H_LM of the text %.2f nats%n",
                        ran, result.millis() / 1000.0, o.millisPerStepThisRun(), ran == result.updates() ? ""
                        : String.format(Locale.ROOT, ", %d in all over %.1f s", result.updates(),
                        o.elapsedMillis() / 1000.0), o.hLm()[best.index()]);
            } else {
                System.out.printf(Locale.ROOT, "0 updates: the starting vectors, decoded; H_LM of the text %.2f nats%n",
                        o.hLm()[best.index()]);
            }
        }
        if (o.problem() != null) {
            System.err.println("error: " + o.problem());
            return 1;
        }
        return 0;
    }
}
