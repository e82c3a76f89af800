package dev.protolens.engine.experiment;

import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.TextEntropy;
import dev.protolens.engine.mem.MemFitter;
import dev.protolens.engine.weights.SafetensorsWriter;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.work.FitJob;
import dev.protolens.engine.work.JobProgress;
import dev.protolens.engine.work.SeedBatch;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a plan's items (or one shard of them) one after another on a model session, each as an ordinary
 * {@link FitJob} whose runs go to the library, and writes each item's {@link ItemResult} when it ends. Items
 * that already have a result are skipped, so a plan that was stopped, killed or split over a cluster continues
 * where it was; a stopped item is not written and is fitted again from its start next time.
 */
public final class PlanRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);

    /** What a display (progress bar, the Experiments screen) hears; every method runs on the runner's thread. */
    public interface Listener {
        /** Before the first item: the shard's items, how many of them are to do, how many are already done. */
        default void started(List<Plan.Item> shardItems, int todo, int done) {}

        default void itemStarted(Plan.Item item, int position, int todo) {}

        default void progress(Plan.Item item, JobProgress p) {}

        default void itemFinished(Plan.Item item, ItemResult result) {}

        /** A step of a [mem] item (proto items report through {@link #progress}). */
        default void memStep(MemStep step) {}
    }

    /** @param finished items fitted now; skipped: already done before; stopped: true when cancelled midway */
    public record Summary(int finished, int skipped, int failed, boolean stopped, long elapsedMillis) {}

    /** The problem of an item skipped because the shorter prefix it requires failed. */
    public static final String SKIPPED = "skipped (the shorter prefix ";

    private final ModelSession session;
    private final RunLibrary library;
    private final PlanResults results;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicReference<FitJob> current = new AtomicReference<>();
    private volatile java.util.function.Consumer<MemStep> memSteps = x -> { };

    /**
     * @param library where each fit's runs go (null: into the results folder's own {@code library/})
     */
    public PlanRunner(ModelSession session, RunLibrary library, PlanResults results) {
        this.session = session;
        this.results = results;
        this.library = library != null ? library : new RunLibrary(results.dir().resolve(PlanResults.LIBRARY));
    }

    public RunLibrary library() {
        return library;
    }

    /** Stops after the current fit (which ends as cancelled and is not counted as done). */
    public void cancel() {
        cancelled.set(true);
        FitJob j = current.get();
        if (j != null) {
            j.cancel();
        }
    }

    public Summary run(Plan plan, Shard shard, Listener listener) throws IOException {
        plan.validate();
        Listener l = listener != null ? listener : new Listener() {};
        memSteps = l::memStep;
        results.dir().toFile().mkdirs();
        // the folder's plan is the one last run there (shards of one plan write the same bytes)
        java.nio.file.Path planFile = results.dir().resolve(PlanResults.PLAN);
        if (!java.nio.file.Files.exists(planFile) || !plan.equals(results.plan())) {
            plan.write(planFile);
        }
        List<Plan.Item> mine = shard.of(plan);
        List<Plan.Item> todo = mine.stream().filter(it -> !results.isDone(it.id())).toList();
        l.started(mine, todo.size(), mine.size() - todo.size());
        long t0 = System.currentTimeMillis();
        int finished = 0;
        int failed = 0;
        for (int i = 0; i < todo.size(); i++) {
            if (cancelled.get()) {
                return new Summary(finished, mine.size() - todo.size(), failed, true, System.currentTimeMillis() - t0);
            }
            Plan.Item it = todo.get(i);
            if (results.isDone(it.id())) {
                continue; // another shard runner sharing this folder did it meanwhile
            }
            l.itemStarted(it, i, todo.size());
            ItemResult r = runItem(plan, it, p -> l.progress(it, p));
            if (r == null) {
                return new Summary(finished, mine.size() - todo.size(), failed, true, System.currentTimeMillis() - t0);
            }
            results.write(r);
            finished++;
            if (r.problem() != null && !r.problem().startsWith(SKIPPED)) {
                failed++;
            }
            l.itemFinished(it, r);
        }
        return new Summary(finished, mine.size() - todo.size(), failed, cancelled.get(), System.currentTimeMillis() - t0);
    }

    /**
     * A fresh fit of the item, or, when an earlier run of the plan started it and was stopped (a Slurm shard
     * cancelled or killed, Ctrl+C), the continuation of that fit's stored runs from their optimiser state: a
     * stopped item is finished once, with no second set of records in the library.
     */
    private FitJob startOrResume(Plan plan, Plan.Item it, FitTarget target, java.util.function.Consumer<JobProgress> progress) {
        var spec = plan.settings().spec(it);
        List<String> before = results.started(it.id());
        if (!before.isEmpty()) {
            try {
                List<dev.protolens.engine.store.Run> stored = FitJob.resumable(library, before, session.model());
                int done = stored.getFirst().resumeState().step();
                LOG.info("item {}: resuming its {} stopped runs at step {}", it.id(), stored.size(), done);
                return FitJob.resume(session, library, stored, Math.max(1, spec.maxSteps() - done),
                        FitJob.Options.cli(), progress);
            } catch (RuntimeException e) {
                // gone, damaged or without optimiser state: fitting again costs time, never a result
                LOG.info("item {}: its stopped runs cannot be resumed ({}); fitting it again", it.id(), e.getMessage());
            }
        }
        FitRequest request = SeedBatch.request(target, spec, it.seeds());
        FitJob job = FitJob.start(session, library, request, FitJob.Options.cli(), progress);
        try {
            results.writeStarted(it.id(), job.runs().ids());
        } catch (IOException e) {
            LOG.warn("item {}: could not note its runs for a resume: {}", it.id(), e.getMessage());
        }
        return job;
    }

    /** One item's fits; null when it was cancelled before its end (nothing is written then). */
    private ItemResult runItem(Plan plan, Plan.Item it, java.util.function.Consumer<JobProgress> progress) {
        LoadedModel m = session.model();
        long t0 = System.currentTimeMillis();
        FitTarget target;
        try {
            target = target(m, it);
        } catch (UserError e) {
            return new ItemResult(it.id(), it, m.identity(), List.of(), 0, Instant.now().toString(), host(), e.getMessage());
        }
        if (it.requires() != null) {
            ItemResult before = results.read(it.requires());
            if (before != null && !before.anyAtLeast(plan.settings().successAccuracy())) {
                return new ItemResult(it.id(), it, m.identity(), List.of(), 0, Instant.now().toString(), host(),
                        SKIPPED + it.requires() + " did not reach " + plan.settings().successAccuracy() + ")");
            }
        }
        if (it.usesMem()) {
            return runMem(plan, it, target, t0, progress);
        }
        FitJob job = startOrResume(plan, it, target, progress);
        current.set(job);
        if (cancelled.get()) {
            job.cancel();
        }
        FitJob.Outcome o;
        try {
            o = job.outcome().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.cancel();
            return null;
        } catch (ExecutionException | CancellationException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof UserError u) {
                return new ItemResult(it.id(), it, m.identity(), List.of(), System.currentTimeMillis() - t0,
                        Instant.now().toString(), host(), u.getMessage());
            }
            throw new IllegalStateException("item " + it.id() + " failed: " + c, c);
        } finally {
            current.set(null);
        }
        if (o.result().status() == FitResult.Status.CANCELLED || (cancelled.get() && !o.diverged()
                && o.result().items().stream().anyMatch(x -> !x.reached()))) {
            return null;
        }
        List<ItemResult.Fit> fits = new ArrayList<>();
        for (FitResult.Item x : o.result().items()) {
            int i = x.index();
            var d = o.decoded().get(i);
            fits.add(new ItemResult.Fit(x.seed(), o.ids().get(i), d != null ? d.accuracy() : x.accuracy(),
                    d != null ? d.correctCount() : x.correctTokens(), x.target().length(), x.reached(),
                    x.reached() ? x.stepsToReach() : o.result().updates(), o.result().millis(), o.hLm()[i],
                    d != null ? d.text() : null, o.status(i), 0));
        }
        return new ItemResult(it.id(), it, m.identity(), fits, System.currentTimeMillis() - t0, Instant.now().toString(),
                host(), o.problem());
    }

    /**
     * A [mem] item on the session's worker: K seeds fitted in one batch, each decoded greedily (timed), the
     * vectors written beside the result ({@code results/<id>.mem.safetensors}, one tensor per seed).
     */
    private ItemResult runMem(Plan plan, Plan.Item it, FitTarget target, long t0,
                              java.util.function.Consumer<JobProgress> unused) {
        var spec = plan.settings().spec(it);
        var future = session.submit(m -> {
            MemFitter f = new MemFitter(m);
            double scale = spec.init() == dev.protolens.engine.fit.Init.EMB_STD ? session.fitter().embeddingStd() : 1.0;
            MemFitter.Result r = f.fit(target.ids(), spec, it.seeds(), scale, cancelled::get,
                    (step, acc, loss) -> memSteps.accept(new MemStep(it, step, spec.maxSteps(), acc, loss)));
            double hLm = TextEntropy.hLm(m, target.ids());
            List<ItemResult.Fit> fits = new ArrayList<>();
            SafetensorsWriter vectors = new SafetensorsWriter().metadata("format", "protolens-mem/1")
                    .metadata("bos_after_mem", Boolean.toString(f.usesBos()));
            for (MemFitter.Item x : r.items()) {
                f.greedy(x.mem(), Math.min(2, target.length())); // warm-up, so the timing is of the decode alone
                long d0 = System.nanoTime();
                long[] out = f.greedy(x.mem(), target.length());
                double decodeMillis = (System.nanoTime() - d0) / 1e6;
                double acc = MemFitter.accuracy(out, target.ids());
                int correct = (int) Math.round(acc * target.length());
                String status = r.cancelled() ? "cancelled" : x.reached() ? "complete" : "max_steps";
                fits.add(new ItemResult.Fit(x.seed(), null, acc, correct, target.length(), x.reached(),
                        x.reached() ? x.stepsToReach() : r.updates(), r.millis(), hLm,
                        m.tokenizer().decode(out, false), status, decodeMillis));
                vectors.f32("mem_s" + x.seed(), x.mem(), x.mem().length);
            }
            return new MemOutcome(r, fits, vectors);
        });
        try {
            MemOutcome o = future.get();
            if (o.result().cancelled()) {
                return null;
            }
            java.nio.file.Files.createDirectories(results.dir().resolve(PlanResults.RESULTS));
            dev.protolens.engine.AtomicFiles.write(results.dir().resolve(PlanResults.RESULTS)
                    .resolve(it.id() + ".mem.safetensors"), o.vectors().toBytes());
            return new ItemResult(it.id(), it, session.model().identity(), o.fits(), System.currentTimeMillis() - t0,
                    Instant.now().toString(), host(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the [mem] vectors of " + it.id() + " cannot be written", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof UserError u) {
                return new ItemResult(it.id(), it, session.model().identity(), List.of(),
                        System.currentTimeMillis() - t0, Instant.now().toString(), host(), u.getMessage());
            }
            throw new IllegalStateException("item " + it.id() + " failed: " + c, c);
        }
    }

    private record MemOutcome(MemFitter.Result result, List<ItemResult.Fit> fits, SafetensorsWriter vectors) {}

    /** One step of a [mem] fit, for displays (a [mem] fit has no {@link JobProgress}). */
    public record MemStep(Plan.Item item, int step, int maxSteps, double bestAccuracy, double meanLoss) {}

    /** The item's text as the model's tokens, cut to its length (refused when the text is shorter). */
    public static FitTarget target(LoadedModel m, Plan.Item it) {
        FitTarget full = FitTarget.of(m, it.text(), it.arrangementValue());
        int n = it.length() == 0 ? full.length() : it.length();
        if (n > full.length()) {
            throw new UserError("The text '" + it.textName() + "' has " + full.length() + " tokens for this model,"
                    + " fewer than the item's length " + n + ".");
        }
        if (n == full.length()) {
            return full;
        }
        long[] ids = Arrays.copyOf(full.ids(), n);
        return new FitTarget(m.tokenizer().decode(ids, false), ids, Arrays.copyOf(full.pieces(), n),
                Arrays.copyOf(full.starts(), n), Arrays.copyOf(full.ends(), n));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            LOG.debug("no host name: {}", e.getMessage());
            return null;
        }
    }
}
