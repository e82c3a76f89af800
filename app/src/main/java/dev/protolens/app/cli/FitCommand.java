package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.decode.TextEntropy;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.fit.FitProgress;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitState;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Init;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.FitRuns;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find the two proto-token vectors e and m from which the model writes TEXT in one forward pass,",
            "and save them as a run in the library (checkpointed every few seconds while it runs)."})
final class FitCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A Hugging Face model folder or a .gguf file.")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TextSource.Choice text;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the initial vectors (restart i uses seed+i). Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--steps", defaultValue = "5000", description = "Maximum AdamW updates. Default ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate. Default ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay. Default ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--init", defaultValue = "normal", description = "normal (N(0,1), the paper) or emb-std (N(0, σ²), σ = embedding std).")
    String init;

    @Option(names = "--arrangement", defaultValue = "e-m", description = "e-m ([e][m]×(N-1), default), e-mN, alternating, half, e-only.")
    String arrangement;

    @Option(names = "--restarts", defaultValue = "1", description = "Fit K seeds of the text in one batch. Default ${DEFAULT-VALUE}.")
    int restarts;

    @Option(names = "--shared-m", description = "With --restarts: one m for all restarts, each its own e (the paper's"
            + " setting for paths between solutions of one text).")
    boolean sharedM;

    @Option(names = "--target-accuracy", defaultValue = "1.0", description = "Stop when this token accuracy is reached. Default ${DEFAULT-VALUE}.")
    double targetAccuracy;

    @Option(names = "--library", description = "Run library folder (default: the app's library, or $PROTOLENS_LIBRARY).")
    Path library;

    @Option(names = "--no-save", description = "Do not write anything to the library.")
    boolean noSave;

    @Option(names = "--resume", description = "Continue a checkpointed run (its id in the library).")
    String resume;

    @Option(names = "--json", description = "Print one JSON object with the result.")
    boolean json;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        if (restarts < 1) {
            throw new IllegalArgumentException("--restarts must be at least 1");
        }
        FitSpec spec = new FitSpec(Arrangement.parse(arrangement), Init.parse(init), seed, lr, FitSpec.BETA1,
                FitSpec.BETA2, FitSpec.EPS, weightDecay, steps, targetAccuracy, sharedM);
        if (sharedM && restarts < 2) {
            throw new IllegalArgumentException("--shared-m needs --restarts of at least 2");
        }
        String t = text.text != null ? text.text : TextSource.readFile(text.file);
        RunLibrary lib = noSave ? null : (library != null ? new RunLibrary(library) : RunLibrary.openDefault());
        try (LoadedModel m = modelOptions.load(model); ModelSession session = ModelSession.of(m)) {
            FitTarget target = FitTarget.of(m, t, spec.arrangement());
            FitRequest request = FitRequest.seeds(target, spec, restarts);
            Run resumed = null;
            if (resume != null) {
                if (lib == null) {
                    throw new UserError("--resume needs the library (drop --no-save)");
                }
                resumed = lib.load(resume);
                RunLibrary.requireModel(resumed.record(), m);
                if (resumed.resumeState() == null) {
                    throw new UserError("Run " + resume + " holds no optimiser state to resume from (only checkpoints do)");
                }
                if (!Arrays.equals(resumed.record().tokenIds(), target.ids())) {
                    throw new UserError("Run " + resume + " was fitting another text: \"" + resumed.record().text() + "\"");
                }
                request = FitRequest.single(target, spec.withSeed(resumed.record().settings().seed()))
                        .startingFrom(resumed.resumeState());
            }
            FitRuns runs = FitRuns.start(m, request, resumed != null ? resumed.id() : null);
            System.err.printf(Locale.ROOT, "fitting %d tokens with %s, %s%s%n", target.length(), m.name(),
                    spec.arrangement().label(), restarts > 1 ? ", " + restarts + " restarts" : "");
            TerminalProgress bar = quiet ? null : new TerminalProgress(System.err);
            Consumer<FitState> checkpoint = lib == null ? null : state -> FitRuns.saveAll(lib, runs.checkpoint(state));
            Consumer<FitProgress> progress = bar == null ? null : bar::update;
            ModelSession.FitTask task = session.fit(request, progress, 1, checkpoint, 5000);
            // Ctrl+C: stop the fit, then let the main thread save what was found before the JVM exits
            java.util.concurrent.CountDownLatch saved = new java.util.concurrent.CountDownLatch(1);
            Thread hook = new Thread(() -> {
                task.cancel();
                try {
                    saved.await(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "cancel-fit");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                FitResult result;
                try {
                    result = task.result().get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
                return finish(m, session, lib, runs, result, resumed);
            } finally {
                saved.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down: the hook asked the fit to stop and waited for the save
                }
            }
        }
    }

    private int finish(LoadedModel m, ModelSession session, RunLibrary lib, FitRuns runs, FitResult result,
                       Run resumed) throws Exception {
        {
            if (result.status() == FitResult.Status.DIVERGED) {
                if (lib != null) {
                    for (String id : runs.ids()) {
                        if (lib.exists(id) && lib.load(id).record().isCheckpoint() && resumed == null) {
                            lib.delete(id);
                        }
                    }
                }
                throw new UserError(result.message());
            }
            return report(m, session, lib, runs, result);
        }
    }

    private int report(LoadedModel m, ModelSession session, RunLibrary lib, FitRuns runs, FitResult result)
            throws Exception {
        FitSpec spec = runs.spec();
        OneStepDecoder decoder = new OneStepDecoder(m);
        double hLm = session.submit(lm -> TextEntropy.hLm(lm, result.items().getFirst().target().ids())).get();
        List<Decoded> decoded = new ArrayList<>();
        for (FitResult.Item it : result.items()) {
            decoded.add(session.submit(lm -> decoder.decode(new ProtoTokens(it.e(), it.m()), it.target().length(),
                    spec.arrangement(), it.target().ids(), 0)).get());
        }
        if (lib != null) {
            FitRuns.saveAll(lib, runs.finals(result, decoded, hLm));
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (FitResult.Item it : result.items()) {
            Decoded d = decoded.get(it.index());
            String status = RunRecords.status(result.status(), it.reached());
            String id = runs.ids().get(it.index());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("seed", it.seed());
            r.put("accuracy", d.accuracy());
            r.put("correct_tokens", d.correctCount());
            r.put("loss", d.loss());
            r.put("reached", it.reached());
            r.put("steps_to_reach", it.stepsToReach());
            r.put("status", status);
            r.put("decoded_text", d.text());
            r.put("run_id", lib != null ? id : null);
            items.add(r);
        }
        FitResult.Item best = result.best();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m.path().toString());
        out.put("text", best.target().text());
        out.put("tokens", best.target().length());
        out.put("h_lm_nats", hLm);
        out.put("status", result.status().name().toLowerCase(Locale.ROOT));
        out.put("updates", result.updates());
        out.put("millis", result.millis());
        out.put("ms_per_step", result.millisPerStep());
        out.put("library", lib != null ? lib.root().toString() : null);
        out.put("items", items);
        if (json) {
            Json.print(out);
        } else {
            for (Map<String, Object> r : items) {
                System.out.printf(Locale.ROOT, "seed %s: %s, accuracy %.1f%% (%s/%d tokens), %s updates%s%n", r.get("seed"),
                        r.get("status"), (double) r.get("accuracy") * 100, r.get("correct_tokens"),
                        best.target().length(), (int) r.get("steps_to_reach") >= 0 ? r.get("steps_to_reach") : result.updates(),
                        r.get("run_id") != null ? ", saved as " + r.get("run_id") : "");
                System.out.println("  one pass writes: " + r.get("decoded_text"));
            }
            System.out.printf(Locale.ROOT, "%d updates in %.1f s (%.2f ms/step); H_LM of the text %.2f nats%n",
                    result.updates(), result.millis() / 1000.0, result.millisPerStep(), hLm);
        }
        return 0;
    }
}
