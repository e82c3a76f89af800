package dev.protolens.engine.store;

import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitState;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.proto.ProtoTokens;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library entries of one fit. While it runs (and, in the window, after it ends until the user saves it)
 * each item of the fit (one per seed) is kept as a {@code "checkpoint"} run with its optimiser state, so a
 * crash, Ctrl+C or a closed window loses nothing and the run can be resumed. The finished records (final
 * status, one-pass decode, H_LM) replace those; an item that did not reach the target keeps its optimiser
 * state there too, so a stopped or interrupted fit resumes exactly where it ended.
 *
 * <p>Ids are unique by construction within a batch (the batch's id and each item's seed) and every save states
 * what it expects to find ({@link RunLibrary.Expect}): a new run never replaces an existing one, and an update
 * never replaces a version another process wrote meanwhile.
 */
public final class FitRuns {
    /** One run to write: its record, the vectors it stores, and the state to resume from (null when none). */
    public record Entry(RunRecord record, ProtoTokens vectors, FitState resume) {}

    private final LoadedModel model;
    private final FitRequest request;
    private final List<String> ids;
    private final String batchId;
    private final Instant created;
    private final long priorMillis;
    private final Map<String, RunLibrary.Expect> expect = new ConcurrentHashMap<>();

    private FitRuns(LoadedModel model, FitRequest request, List<String> ids, String batchId, Instant created,
                    long priorMillis) {
        this.model = model;
        this.request = request;
        this.ids = List.copyOf(ids);
        this.batchId = batchId;
        this.created = created;
        this.priorMillis = priorMillis;
    }

    /** A new fit: fresh ids (one per item), none of which may exist in the library when first saved. */
    public static FitRuns start(LoadedModel model, FitRequest request) {
        Instant now = Instant.now();
        String batch = RunRecords.newId(request.targets().getFirst().text(), now);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < request.size(); i++) {
            ids.add(request.size() == 1 ? batch : RunRecords.itemId(batch, request.seedOf(i)));
        }
        FitRuns r = new FitRuns(model, request, ids, batch, now, 0);
        ids.forEach(id -> r.expect.put(id, RunLibrary.Expect.NEW));
        return r;
    }

    /**
     * A fit that continues stored runs (one, or every item of a batch, in the batch's order): the same ids,
     * the same batch and creation time, the elapsed time added to theirs, and each save expects the version
     * that was resumed.
     */
    public static FitRuns resume(LoadedModel model, FitRequest request, List<Run> runs) {
        if (runs.size() != request.size()) {
            throw new IllegalArgumentException(runs.size() + " runs for " + request.size() + " items");
        }
        RunRecord first = runs.getFirst().record();
        String batch = first.batch() != null ? first.batch().id() : first.id();
        Instant created = parse(first.createdAt());
        long prior = first.timings() != null ? Math.max(0, first.timings().millis()) : 0;
        FitRuns r = new FitRuns(model, request, runs.stream().map(Run::id).toList(), batch, created, prior);
        for (Run run : runs) {
            r.expect.put(run.id(), RunLibrary.Expect.revision(run.record().vectorsSha256()));
        }
        return r;
    }

    private static Instant parse(String s) {
        try {
            return s == null ? Instant.now() : Instant.parse(s);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }

    public List<String> ids() {
        return ids;
    }

    public String batchId() {
        return batchId;
    }

    public FitRequest request() {
        return request;
    }

    public FitSpec spec() {
        return request.spec();
    }

    /** Wall time spent on these runs before this fit (a resumed fit continues its clock). */
    public long priorMillis() {
        return priorMillis;
    }

    /** A checkpoint taken while the fit runs: the current vectors of every item and their optimiser state. */
    public List<Entry> checkpoint(FitState state, long millis) {
        int d = model.config().hiddenSize();
        FitHistory h = state.history();
        int last = h.length() - 1;
        List<FitResult.Item> items = new ArrayList<>();
        List<FitState> own = new ArrayList<>();
        for (int i = 0; i < request.size(); i++) {
            FitState s = slice(state, i, d);
            own.add(s);
            double acc = last >= 0 ? h.accuracy(i)[last] : 0;
            double loss = last >= 0 ? h.loss(i)[last] : Double.NaN;
            items.add(new FitResult.Item(i, request.seedOf(i), request.targets().get(i), s.e(), s.m(), acc, loss,
                    Math.max(0, state.step() - 1), false, -1, h.item(i)));
        }
        // a result of all items, so the records know their batch
        FitResult partial = new FitResult(items, FitResult.Status.CANCELLED, state.step(), millis,
                null, state);
        List<Entry> out = new ArrayList<>();
        for (FitResult.Item it : items) {
            RunRecord rec = record(it, partial, null, Double.NaN, "checkpoint");
            FitState s = own.get(it.index());
            out.add(new Entry(rec, new ProtoTokens(s.e(), s.m()), s));
        }
        return out;
    }

    /**
     * The finished fit kept as checkpoints until the user saves: the best vectors of each item, its decode,
     * and the optimiser state after the last step (so "resume" continues exactly).
     */
    public List<Entry> draft(FitResult result, List<Decoded> decoded, double[] hLm) {
        return records(result, decoded, hLm, true);
    }

    /**
     * The finished records ("Save to library" in the window; the CLI writes them when the fit ends). Items
     * that did not reach the target keep the optimiser state after the last step, so they resume.
     */
    public List<Entry> finals(FitResult result, List<Decoded> decoded, double[] hLm) {
        return records(result, decoded, hLm, false);
    }

    private List<Entry> records(FitResult result, List<Decoded> decoded, double[] hLm, boolean draft) {
        int d = model.config().hiddenSize();
        // items sharing one m continue together, so each keeps the state until the whole batch has reached
        boolean shared = spec().sharedM() && request.size() > 1;
        boolean batchReached = result.items().stream().allMatch(FitResult.Item::reached);
        List<Entry> out = new ArrayList<>();
        for (FitResult.Item it : result.items()) {
            String status = draft ? "checkpoint" : RunRecords.status(result.status(), it.reached());
            RunRecord rec = record(it, result, decoded.get(it.index()), hLm[it.index()], status);
            boolean keepState = result.last() != null && result.status() != FitResult.Status.DIVERGED
                    && (draft || !(shared ? batchReached : it.reached()));
            FitState resume = keepState ? slice(result.last(), it.index(), d) : null;
            out.add(new Entry(rec, new ProtoTokens(it.e(), it.m()), resume));
        }
        return out;
    }

    private RunRecord record(FitResult.Item it, FitResult result, Decoded decoded, double hLm, String status) {
        FitResult timed = priorMillis == 0 ? result : new FitResult(result.items(), result.status(), result.updates(),
                result.millis() + priorMillis, result.message(), result.last());
        return RunRecords.fromFit(ids.get(it.index()), model, spec(), timed, it, batchId, decoded, hLm, created, status);
    }

    /**
     * Writes every entry, each an atomic save of its own folder that checks the library still holds what this
     * fit last wrote (or nothing, for a new run). Throws {@link RunLibrary.ConflictException} on the first entry
     * another writer changed, and {@link RunStoreException} when the disk fails; entries before it are saved.
     */
    public void save(RunLibrary lib, List<Entry> entries) {
        for (Entry en : entries) {
            String id = en.record().id();
            Run saved = lib.save(en.record(), en.vectors(), en.resume(), expect.getOrDefault(id, RunLibrary.Expect.ANY));
            expect.put(id, RunLibrary.Expect.revision(saved.record().vectorsSha256()));
        }
    }

    /** Item {@code i}'s rows of a batched state (m may be one shared row). */
    private FitState slice(FitState s, int i, int d) {
        int items = request.size();
        if (items == 1) {
            return s;
        }
        int mr = s.m().length == d ? 0 : i;
        return new FitState(s.step(), row(s.e(), i, d), row(s.m(), mr, d), row(s.adamE1(), i, d),
                row(s.adamE2(), i, d), row(s.adamM1(), mr, d), row(s.adamM2(), mr, d),
                s.history() == null ? null : s.history().item(i));
    }

    private static float[] row(float[] a, int r, int d) {
        return a == null ? null : Arrays.copyOfRange(a, r * d, (r + 1) * d);
    }
}
