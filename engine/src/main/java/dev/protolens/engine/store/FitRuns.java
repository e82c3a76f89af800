package dev.protolens.engine.store;

import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitState;
import dev.protolens.engine.model.LoadedModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The library entries of one fit, for the window and the CLI alike. While it runs (and, in the window, after it
 * ends until the user saves it) each item of the fit (one per restart) is kept as a {@code "checkpoint"} run
 * with its optimiser state, so a crash, Ctrl+C or a closed window loses nothing and the run can be resumed.
 * The finished records (final status, one-pass decode, H_LM, no optimiser state) replace those.
 *
 * @param ids     one run id per item of the request
 * @param batchId shared by the items of a K-restart fit
 */
public record FitRuns(LoadedModel model, FitRequest request, List<String> ids, String batchId, Instant started) {

    /** One run to write: its record, the vectors it stores, and the state to resume from (null when final). */
    public record Entry(RunRecord record, ProtoTokens vectors, FitState resume) {}

    public static FitRuns start(LoadedModel model, FitRequest request, String resumedId) {
        Instant now = Instant.now();
        String text = request.targets().getFirst().text();
        String batch = resumedId != null ? resumedId : RunRecords.newId(text, now);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < request.size(); i++) {
            ids.add(i == 0 ? batch : RunRecords.newId(text, now));
        }
        return new FitRuns(model, request, List.copyOf(ids), batch, now);
    }

    public FitSpec spec() {
        return request.spec();
    }

    /** A checkpoint taken while the fit runs: the current vectors of every item and their optimiser state. */
    public List<Entry> checkpoint(FitState state) {
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
        FitResult partial = new FitResult(items, FitResult.Status.CANCELLED, state.step(), 0, null, state);
        List<Entry> out = new ArrayList<>();
        for (FitResult.Item it : items) {
            RunRecord rec = RunRecords.fromFit(ids.get(it.index()), model, spec(), partial, it, batchId, null,
                    Double.NaN, started, "checkpoint");
            FitState s = own.get(it.index());
            out.add(new Entry(rec, new ProtoTokens(s.e(), s.m()), s));
        }
        return out;
    }

    /** Writes every entry (each one an atomic save of its own run folder). */
    public static void saveAll(RunLibrary lib, List<Entry> entries) {
        for (Entry en : entries) {
            lib.save(en.record(), en.vectors(), en.resume());
        }
    }

    /**
     * The finished fit kept as checkpoints until the user saves: the best vectors of each item, its decode,
     * and the optimiser state after the last step (so "resume" continues exactly).
     */
    public List<Entry> draft(FitResult result, List<Decoded> decoded, double hLm) {
        return records(result, decoded, hLm, true);
    }

    /** The finished records ("Save to library" in the window; the CLI writes them when the fit ends). */
    public List<Entry> finals(FitResult result, List<Decoded> decoded, double hLm) {
        return records(result, decoded, hLm, false);
    }

    private List<Entry> records(FitResult result, List<Decoded> decoded, double hLm, boolean draft) {
        int d = model.config().hiddenSize();
        List<Entry> out = new ArrayList<>();
        for (FitResult.Item it : result.items()) {
            String status = draft ? "checkpoint" : RunRecords.status(result.status(), it.reached());
            RunRecord rec = RunRecords.fromFit(ids.get(it.index()), model, spec(), result, it, batchId,
                    decoded.get(it.index()), hLm, started, status);
            FitState resume = draft && result.last() != null ? slice(result.last(), it.index(), d) : null;
            out.add(new Entry(rec, new ProtoTokens(it.e(), it.m()), resume));
        }
        return out;
    }

    /** Item {@code i}'s rows of a batched state (m may be one shared row). */
    private FitState slice(FitState s, int i, int d) {
        int items = request.size();
        if (items == 1) {
            return s;
        }
        int mr = s.m().length == d ? 0 : i;
        return new FitState(s.step(), row(s.e(), i, d), row(s.m(), mr, d), row(s.adamE1(), i, d),
                row(s.adamE2(), i, d), row(s.adamM1(), mr, d), row(s.adamM2(), mr, d), null);
    }

    private static float[] row(float[] a, int r, int d) {
        return a == null ? null : Arrays.copyOfRange(a, r * d, (r + 1) * d);
    }
}
