package dev.protolens.engine.work;

import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.decode.TextEntropy;
import dev.protolens.engine.fit.FitProgress;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitState;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.FitRuns;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLease;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import dev.protolens.engine.store.RunStoreException;
import dev.protolens.engine.store.WarmStarts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fit of the paper's objective from start to stored records: the use case that the window, the command
 * line, experiments and cluster shards all drive, so that each of them validates, checkpoints, decodes,
 * measures H_LM, writes records and cleans up after divergence the same way.
 *
 * <ul>
 *   <li>Its runs are leased for the whole fit ({@link RunLease}): a second fit of the same run is refused.</li>
 *   <li>Checkpoints go to the library every few seconds on the job's own writer thread, so a slow disk never
 *       slows the fit; a checkpoint that cannot be written is a warning and the fit goes on.</li>
 *   <li>When the fit ends (target, steps, stop or divergence) every item is decoded once, H_LM is measured,
 *       and the records are written (final, or kept as checkpoints until {@link #save} in the window). A final
 *       save that fails is tried again; if it still fails the outcome says why and holds the result.</li>
 *   <li>Items that did not reach the target keep their optimiser state, so a stopped or interrupted fit
 *       resumes exactly. A resumed fit never replaces a stored run by a worse one: if it ends below what the
 *       run held, the run keeps its vectors and only the optimiser state and history move on.</li>
 * </ul>
 *
 * <p>Everything is published as one {@link JobProgress} snapshot at a time.
 */
public final class FitJob {
    private static final Logger LOG = LoggerFactory.getLogger(FitJob.class);
    /** Waits between the tries of a final save that fails (a disk that was full may have been cleared). */
    private static final long[] SAVE_RETRY_MILLIS = {1000, 3000};

    /** FINAL: the records are final when the fit ends. DRAFT: they stay checkpoints until {@link #save()}. */
    public enum Keep { FINAL, DRAFT }

    /**
     * @param topK             alternatives per position in the final decode (and at each checkpoint if > 0)
     * @param checkpointMillis how often the running fit is written to the library
     */
    public record Options(Keep keep, int topK, long checkpointMillis) {
        public static Options cli() {
            return new Options(Keep.FINAL, 0, 5000);
        }

        public static Options window() {
            return new Options(Keep.DRAFT, 5, 3000);
        }
    }

    /**
     * A finished job.
     *
     * @param result   the fit's result (for a resumed fit, an item that ended below its stored run carries the
     *                 stored vectors)
     * @param decoded  per item, the one-pass decode of the vectors it keeps
     * @param hLm      per item, H_LM of its text in nats
     * @param ids      the run ids the items are stored under (null entries: not stored)
     * @param saved    whether the records on disk are final (false for a draft or a failed save)
     * @param problem  what went wrong for the user to read (divergence, a save that failed), else null
     * @param warnings lesser events (a checkpoint that could not be written, a run saved under a new id)
     */
    public record Outcome(FitRequest request, FitResult result, List<Decoded> decoded, double[] hLm, List<String> ids,
                          Keep keep, boolean saved, String problem, List<String> warnings, long elapsedMillis) {
        /** The item with the best accuracy (lowest loss on ties). */
        public int best() {
            return result.items().indexOf(result.best());
        }

        /** The record status of item i ("complete", "max_steps", "cancelled", "diverged"). */
        public String status(int i) {
            return RunRecords.status(result.status(), result.items().get(i).reached());
        }

        /** Whether item i can continue: it stopped short of the target and its optimiser state was kept. */
        public boolean resumable(int i) {
            return result.status() != FitResult.Status.DIVERGED && !result.items().get(i).reached()
                    && ids.get(i) != null;
        }

        public boolean diverged() {
            return result.status() == FitResult.Status.DIVERGED;
        }

        /** Updates done by this job (a resumed fit started at its runs' step). */
        public int updatesThisRun() {
            return result.updates() - (request.start() != null ? request.start().step() : 0);
        }

        /** Milliseconds per update of this job (its own steps and time; the records carry the totals). */
        public double millisPerStepThisRun() {
            return (double) result.millis() / (updatesThisRun() + 1);
        }
    }

    private final ModelSession session;
    private final RunLibrary library;
    private final FitRuns runs;
    private final List<Run> resumed;
    private final Options options;
    private final Consumer<JobProgress> listener;
    private final ExecutorService writer;
    private final AtomicReference<JobProgress> latest = new AtomicReference<>();
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final RunLease lease;
    private final OneStepDecoder decoder;
    private volatile boolean checkpointed;
    private volatile Outcome last;
    private ModelSession.FitTask task;

    private FitJob(ModelSession session, RunLibrary library, FitRuns runs, List<Run> resumed, Options options,
                   Consumer<JobProgress> listener, RunLease lease) {
        this.session = session;
        this.library = library;
        this.runs = runs;
        this.resumed = resumed;
        this.options = options;
        this.listener = listener;
        this.lease = lease;
        this.decoder = new OneStepDecoder(session.model());
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fit-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts a new fit of the request's items on the session's worker.
     *
     * @param library  where the runs go (null: nothing is written)
     * @param listener gets every snapshot, on a thread of its own (latest wins: a slow listener skips some)
     */
    public static FitJob start(ModelSession session, RunLibrary library, FitRequest request, Options options,
                               Consumer<JobProgress> listener) {
        // a warm start reads the library first, so the records name the vectors the fit starts from
        request = WarmStarts.apply(request, library, session.model(), new Fitter(session.model()));
        FitRuns runs = FitRuns.start(session.model(), request);
        RunLease lease = null;
        String unleased = null;
        if (library != null) {
            try {
                lease = library.lease(runs.ids(), "a new fit");
            } catch (RunStoreException e) {
                // new ids are this fit's alone; a library that cannot be written now may be writable by the end
                unleased = "the library cannot be written now (" + e.getMessage() + "); the fit runs, and its"
                        + " result is saved when it ends if that works then";
            }
        }
        FitJob job = new FitJob(session, library, runs, List.of(), options, listener, lease);
        if (unleased != null) {
            job.warnings.add(unleased);
        }
        job.launch(request);
        return job;
    }

    /**
     * Continues stored runs ({@link #resumable} finds them) for up to {@code moreSteps} further updates, with
     * their own text, settings and optimiser state.
     */
    public static FitJob resume(ModelSession session, RunLibrary library, List<Run> stored, int moreSteps,
                                Options options, Consumer<JobProgress> listener) {
        FitRequest request = Resumption.request(session.model(), stored, moreSteps);
        RunLease lease = library.lease(stored.stream().map(Run::id).toList(), "a resumed fit");
        try {
            FitRuns runs = FitRuns.resume(session.model(), request, stored);
            FitJob job = new FitJob(session, library, runs, stored, options, listener, lease);
            job.launch(request);
            return job;
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /**
     * The stored runs a resume of {@code id} continues: the run alone, or every run of its batch when the batch
     * shares one m (those are one solution and move together). Each must belong to this model and hold
     * optimiser state.
     */
    public static List<Run> resumable(RunLibrary library, String id, LoadedModel model) {
        return Resumption.runs(library, id, model);
    }

    /** The stored runs that resuming any of {@code ids} continues, each once, in order. */
    public static List<Run> resumable(RunLibrary library, List<String> ids, LoadedModel model) {
        Map<String, Run> runs = new java.util.LinkedHashMap<>();
        for (String id : ids) {
            for (Run r : Resumption.runs(library, id, model)) {
                runs.putIfAbsent(r.id(), r);
            }
        }
        return new ArrayList<>(runs.values());
    }

    private void launch(FitRequest request) {
        publish(new JobProgress(JobProgress.Stage.STARTING, null, 0, new String[0], runs.priorMillis(), null, null));
        task = session.fit(request, this::onProgress, 1, this::onCheckpoint, options.checkpointMillis());
        task.result().whenComplete((r, e) -> {
            if (e != null) {
                finishWith(e);
            } else {
                finish(r);
            }
        });
    }

    /** The fit's runs (ids, batch) as they will be stored. */
    public FitRuns runs() {
        return runs;
    }

    public FitRequest request() {
        return runs.request();
    }

    /** The latest snapshot (never null after start). */
    public JobProgress progress() {
        return latest.get();
    }

    /** Asks the fit to stop before its next step; its result is then decoded and stored as usual. */
    public void cancel() {
        ModelSession.FitTask t = task;
        if (t != null) {
            t.cancel();
        }
    }

    /** Completes once the result is decoded and written (or writing failed for good). */
    public CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    // ---- while it runs ----

    private void onProgress(FitProgress p) {
        FitProgress.Item b = p.best();
        int shown = b.index();
        String[] written = new String[b.argmax().length];
        for (int i = 0; i < written.length; i++) {
            written[i] = b.argmax()[i] < 0 ? "" : session.model().tokenizer().piece(b.argmax()[i]);
        }
        JobProgress prev = latest.get();
        publish(new JobProgress(p.finished() ? JobProgress.Stage.DECODING : JobProgress.Stage.FITTING, p, shown,
                written, runs.priorMillis() + p.elapsedMillis(), prev != null ? prev.alternatives() : null,
                prev != null ? prev.note() : null));
    }

    private void publish(JobProgress p) {
        latest.set(p);
        if (listener != null) {
            try {
                listener.accept(p);
            } catch (RuntimeException e) {
                LOG.warn("a progress listener failed", e);
            }
        }
    }

    /** On the model's worker between two steps: the state goes to the writer; top-k if asked. */
    private void onCheckpoint(FitState state) {
        JobProgress now = latest.get();
        if (options.topK() > 0 && now != null && now.fit() != null) {
            int shown = now.shown();
            List<FitRuns.Entry> e = runs.checkpoint(state, now.fit().elapsedMillis());
            var t = runs.request().targets().get(shown);
            Decoded d = decoder.decode(e.get(shown).vectors(), t.length(), runs.spec().arrangement(), t.ids(),
                    options.topK());
            latest.getAndUpdate(p -> p.withAlternatives(d));
        }
        if (library == null) {
            return;
        }
        long elapsed = now != null && now.fit() != null ? now.fit().elapsedMillis() : 0;
        List<FitRuns.Entry> entries = runs.checkpoint(state, elapsed);
        writer.execute(() -> {
            try {
                runs.save(library, entries);
                checkpointed = true;
                note("checkpoint saved at step " + state.step());
            } catch (RunStoreException ex) {
                String w = "checkpoint at step " + state.step() + " could not be saved (" + ex.getMessage()
                        + "); the fit goes on";
                warnings.add(w);
                note(w);
            }
        });
    }

    private void note(String n) {
        JobProgress p = latest.get();
        if (p != null) {
            publish(p.with(p.stage(), n));
        }
    }

    // ---- when it ends ----

    private void finish(FitResult raw) {
        FitResult r = resumed.isEmpty() ? raw : Resumption.neverWorse(raw, resumed, runs.spec().sharedM());
        if (r.status() == FitResult.Status.DIVERGED) {
            writer.execute(() -> diverged(r));
            return;
        }
        note(null);
        JobProgress p = latest.get();
        if (p != null) {
            publish(p.with(JobProgress.Stage.DECODING, null));
        }
        session.submit(m -> decodeAll(m, r)).whenComplete((d, e) -> {
            if (e != null) {
                finishWith(e);
                return;
            }
            writer.execute(() -> store(r, d.decoded(), d.hLm()));
        });
    }

    private record Decodes(List<Decoded> decoded, double[] hLm) {}

    private Decodes decodeAll(LoadedModel m, FitResult r) {
        List<Decoded> decoded = new ArrayList<>();
        double[] hLm = new double[r.items().size()];
        Map<String, Double> byText = new HashMap<>();
        for (FitResult.Item it : r.items()) {
            decoded.add(decoder.decode(new ProtoTokens(it.e(), it.m()), it.target().length(),
                    runs.spec().arrangement(), it.target().ids(), options.topK()));
            String key = java.util.Arrays.toString(it.target().ids());
            Double known = null;
            if (!resumed.isEmpty()) {
                RunRecord.Metrics mt = resumed.get(it.index()).record().metrics();
                known = mt != null && Double.isFinite(mt.hLm()) ? mt.hLm() : null;
            }
            hLm[it.index()] = known != null ? known : byText.computeIfAbsent(key, k -> TextEntropy.hLm(m, it.target().ids()));
        }
        return new Decodes(decoded, hLm);
    }

    /** On the writer: the records (final or draft), tried again if the disk fails, then the lease ends. */
    private void store(FitResult r, List<Decoded> decoded, double[] hLm) {
        JobProgress p = latest.get();
        if (p != null) {
            publish(p.with(JobProgress.Stage.SAVING, null));
        }
        List<String> ids = new ArrayList<>(runs.ids());
        boolean saved = false;
        String problem = null;
        if (library != null) {
            List<FitRuns.Entry> entries = options.keep() == Keep.FINAL ? runs.finals(r, decoded, hLm)
                    : runs.draft(r, decoded, hLm);
            problem = write(entries, ids);
            saved = problem == null && options.keep() == Keep.FINAL;
        } else {
            ids.replaceAll(x -> null);
        }
        complete(new Outcome(runs.request(), r, decoded, hLm, ids, options.keep(), saved, problem,
                List.copyOf(warnings), runs.priorMillis() + r.millis()));
    }

    /**
     * Writes entries, trying again after a failure of the disk. A run another process changed meanwhile is not
     * replaced: this result goes to a new run beside it, and a warning says so. Returns the problem, or null.
     */
    private String write(List<FitRuns.Entry> entries, List<String> ids) {
        RunStoreException lastError = null;
        for (int attempt = 0; attempt <= SAVE_RETRY_MILLIS.length; attempt++) {
            try {
                runs.save(library, entries);
                return null;
            } catch (RunLibrary.ConflictException c) {
                return saveBeside(entries, ids, c);
            } catch (RunStoreException e) {
                lastError = e;
                LOG.warn("saving the result failed (try {}): {}", attempt + 1, e.getMessage());
                if (attempt < SAVE_RETRY_MILLIS.length) {
                    sleep(SAVE_RETRY_MILLIS[attempt]);
                }
            }
        }
        return "The result could not be saved to the library (" + lastError.getMessage() + "), tried "
                + (SAVE_RETRY_MILLIS.length + 1) + " times. It is still shown here; free some space or fix the"
                + " folder's permissions and save again" + (checkpointed ? " (the last checkpoint is in the library)."
                : ".");
    }

    private String saveBeside(List<FitRuns.Entry> entries, List<String> ids, RunLibrary.ConflictException why) {
        java.time.Instant now = java.time.Instant.now();
        try {
            for (int i = 0; i < entries.size(); i++) {
                FitRuns.Entry en = entries.get(i);
                String fresh = RunRecords.newId(en.record().text(), now);
                RunRecord rec = en.record().withId(fresh);
                library.save(rec, en.vectors(), en.resume(), RunLibrary.Expect.NEW);
                warnings.add(why.getMessage() + " This result was saved as " + fresh + " instead.");
                ids.set(i, fresh);
            }
            return null;
        } catch (RunStoreException e) {
            return "The result could not be saved: " + e.getMessage();
        }
    }

    /** A diverged fit: a new one keeps nothing (its checkpoints go), a resumed run keeps its last checkpoint. */
    private void diverged(FitResult r) {
        String kept;
        if (library == null) {
            kept = "";
        } else if (!resumed.isEmpty()) {
            kept = " " + (resumed.size() == 1 ? "Run " + resumed.getFirst().id() + " keeps" : "The runs keep")
                    + " the last checkpoint saved before that.";
        } else {
            for (String id : runs.ids()) {
                try {
                    if (library.exists(id) && library.load(id).record().isCheckpoint()) {
                        library.delete(id);
                    }
                } catch (RunStoreException e) {
                    LOG.warn("could not remove the checkpoint of a diverged fit {}: {}", id, e.getMessage());
                }
            }
            kept = " Nothing was saved.";
        }
        List<String> ids = new ArrayList<>(runs.ids());
        if (resumed.isEmpty()) {
            ids.replaceAll(x -> null);
        }
        List<Decoded> none = new ArrayList<>();
        r.items().forEach(it -> none.add(null));
        complete(new Outcome(runs.request(), r, none, new double[r.items().size()], ids, options.keep(), false,
                r.message() + kept, List.copyOf(warnings), runs.priorMillis() + r.millis()));
    }

    private void complete(Outcome o) {
        last = o;
        if (lease != null) {
            lease.close();
        }
        JobProgress p = latest.get();
        if (p != null) {
            publish(p.with(JobProgress.Stage.DONE, o.problem()));
        }
        outcome.complete(o);
        writer.shutdown();
    }

    private void finishWith(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (lease != null) {
            lease.close();
        }
        outcome.completeExceptionally(cause);
        writer.shutdown();
    }

    /**
     * "Save to library" of a draft: the finished records replace the checkpoints. Completes with the outcome as
     * saved, or exceptionally with the reason.
     */
    public CompletableFuture<Outcome> save() {
        Outcome o = last;
        if (o == null || library == null || o.diverged()) {
            return CompletableFuture.failedFuture(new UserError("There is no finished result to save."));
        }
        if (o.saved()) {
            return CompletableFuture.completedFuture(o);
        }
        return CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>(o.ids());
            String problem = write(runs.finals(o.result(), o.decoded(), o.hLm()), ids);
            if (problem != null) {
                throw new UserError(problem);
            }
            Outcome s = new Outcome(o.request(), o.result(), o.decoded(), o.hLm(), ids, Keep.FINAL, true, null,
                    List.copyOf(warnings), o.elapsedMillis());
            last = s;
            return s;
        }, r -> Thread.ofVirtual().name("fit-save").start(r));
    }

    /**
     * A stored checkpoint (a fit that was interrupted, opened later) made a final run: status and metrics from
     * its one-pass decode, its optimiser state kept unless it reached the target. Refused if another process
     * changed the run since it was read.
     */
    public static Run finishStored(RunLibrary library, Run run, Decoded d, double hLm) {
        RunRecord r = run.record();
        boolean reached = d.accuracy() >= r.settings().targetAccuracy();
        RunRecord.Metrics old = r.metrics();
        RunRecord.Metrics m = new RunRecord.Metrics(d.accuracy(), d.loss(), d.correctCount(), d.length(), reached,
                old != null ? old.stepsToReach() : -1, old != null ? old.bestStep() : 0,
                old != null ? old.updates() : 0, hLm, d.text());
        RunRecord rec = new RunRecord(r.schemaVersion(), r.id(), r.createdAt(), r.appVersion(), r.model(), r.text(),
                r.tokenIds(), r.tokenPieces(), r.settings(), reached ? "complete" : "cancelled", m, r.history(),
                r.timings(), r.environment(), r.batch(), null, r.label());
        return library.save(rec, run.vectors(), reached ? null : run.resumeState(),
                RunLibrary.Expect.revision(r.vectorsSha256()));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
