package dev.protolens.engine.work;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitState;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** How stored runs continue: which runs move together, the request that continues them, and the never-worse rule. */
final class Resumption {
    private Resumption() {}

    static List<Run> runs(RunLibrary library, String id, LoadedModel model) {
        Run run = library.load(id);
        RunLibrary.requireModel(run.record(), model);
        RunRecord r = run.record();
        List<Run> runs = List.of(run);
        if (r.settings() != null && r.settings().sharedM() && r.batch() != null && r.batch().size() > 1) {
            runs = batch(library, r);
        }
        for (Run x : runs) {
            if (x.resumeState() == null) {
                throw new UserError("Run " + x.id() + " holds no optimiser state to resume from: "
                        + ("complete".equals(x.record().status()) ? "it reached its target already."
                        : "it was saved by an older ProtoLens or after it diverged. Fit the text again."));
            }
        }
        return runs;
    }

    /** Every run of r's batch, in batch order; all must be there (a shared m is one solution). */
    private static List<Run> batch(RunLibrary library, RunRecord r) {
        List<RunRecord> members = new ArrayList<>();
        for (RunRecord x : library.list().runs()) {
            if (x.batch() != null && r.batch().id().equals(x.batch().id())) {
                members.add(x);
            }
        }
        members.sort(Comparator.comparingInt(x -> x.batch().index()));
        if (members.size() != r.batch().size()) {
            throw new UserError("Run " + r.id() + " shares its m with " + (r.batch().size() - 1) + " other runs of"
                    + " batch " + r.batch().id() + ", but only " + members.size() + " of the " + r.batch().size()
                    + " are in the library; a shared m can only continue with all of them.");
        }
        List<Run> out = new ArrayList<>();
        for (RunRecord x : members) {
            out.add(library.load(x.id()));
        }
        return out;
    }

    /** The request that continues {@code stored} for {@code moreSteps} updates, from their own records. */
    static FitRequest request(LoadedModel model, List<Run> stored, int moreSteps) {
        if (moreSteps < 1) {
            throw new UserError("A resume needs at least 1 more update (got " + moreSteps + ").");
        }
        RunRecord first = stored.getFirst().record();
        FitSpec spec = RunRecords.spec(first.settings());
        List<FitTarget> targets = new ArrayList<>();
        List<FitState> states = new ArrayList<>();
        for (Run run : stored) {
            RunRecord r = run.record();
            FitTarget t = FitTarget.of(model, r.text(), spec.arrangement());
            if (!Arrays.equals(t.ids(), r.tokenIds())) {
                throw new UserError("Run " + r.id() + " stores other token ids than " + model.name() + "'s tokenizer"
                        + " gives for its text; it cannot continue with this model.");
            }
            targets.add(t);
            FitState s = run.resumeState();
            // the history up to the state's step: a checkpoint's has exactly those rows, a final state's one more
            // (the step it stopped at, which the continued fit observes again)
            FitHistory h = null;
            if (r.history() != null && r.history().loss() != null && r.history().loss().length >= s.step()) {
                h = FitHistory.of(new float[][] {Arrays.copyOf(r.history().loss(), s.step())},
                        new float[][] {Arrays.copyOf(r.history().accuracy(), s.step())});
            }
            states.add(new FitState(s.step(), s.e(), s.m(), s.adamE1(), s.adamE2(), s.adamM1(), s.adamM2(), h));
        }
        boolean shared = spec.sharedM() && stored.size() > 1;
        FitState start;
        try {
            start = FitState.batch(states, shared);
        } catch (IllegalArgumentException e) {
            throw new UserError("The runs of batch " + first.id() + " cannot continue together: " + e.getMessage() + ".");
        }
        FitSpec more = spec.withSeed(first.settings().seed()).withSharedM(shared)
                .withMaxSteps((int) Math.min(Integer.MAX_VALUE, (long) start.step() + moreSteps));
        return new FitRequest(targets, more, start);
    }

    /**
     * A resumed fit that ended below what its runs held (it starts from the last state, not the best) keeps the
     * stored vectors: per item, or for a shared m per batch (worst item, then mean).
     */
    static FitResult neverWorse(FitResult r, List<Run> stored, boolean sharedM) {
        List<FitResult.Item> items = new ArrayList<>(r.items());
        if (sharedM && items.size() > 1) {
            double[] now = items.stream().mapToDouble(FitResult.Item::accuracy).toArray();
            double[] before = stored.stream().mapToDouble(Resumption::accuracy).toArray();
            boolean keepStored = compare(before, now) > 0;
            for (int i = 0; i < items.size(); i++) {
                RunRecord.Metrics mt = stored.get(i).record().metrics();
                items.set(i, keepStored ? storedItem(items.get(i), stored.get(i)) : firstReach(items.get(i), mt));
            }
        } else {
            for (int i = 0; i < items.size(); i++) {
                FitResult.Item it = items.get(i);
                RunRecord.Metrics mt = stored.get(i).record().metrics();
                if (mt != null && (mt.accuracy() > it.accuracy()
                        || (mt.accuracy() == it.accuracy() && mt.loss() < it.loss()))) {
                    items.set(i, storedItem(it, stored.get(i)));
                } else {
                    items.set(i, firstReach(it, mt));
                }
            }
        }
        return new FitResult(items, r.status(), r.updates(), r.millis(), r.message(), r.last());
    }

    /** An item that had reached the target before the resume keeps the step it first did. */
    private static FitResult.Item firstReach(FitResult.Item it, RunRecord.Metrics before) {
        if (!it.reached() || before == null || before.stepsToReach() < 0 || before.stepsToReach() >= it.stepsToReach()) {
            return it;
        }
        return new FitResult.Item(it.index(), it.seed(), it.target(), it.e(), it.m(), it.accuracy(), it.loss(),
                it.bestStep(), true, before.stepsToReach(), it.history());
    }

    private static double accuracy(Run run) {
        return run.record().metrics() != null ? run.record().metrics().accuracy() : 0;
    }

    /** Positive when {@code a} is better than {@code b}: worst item first, then the mean. */
    private static int compare(double[] a, double[] b) {
        double wa = Arrays.stream(a).min().orElse(0);
        double wb = Arrays.stream(b).min().orElse(0);
        if (wa != wb) {
            return Double.compare(wa, wb);
        }
        return Double.compare(Arrays.stream(a).average().orElse(0), Arrays.stream(b).average().orElse(0));
    }

    private static FitResult.Item storedItem(FitResult.Item now, Run run) {
        RunRecord.Metrics mt = run.record().metrics();
        return new FitResult.Item(now.index(), now.seed(), now.target(), run.vectors().e(), run.vectors().m(),
                mt.accuracy(), mt.loss(), mt.bestStep(), mt.reached(), mt.stepsToReach(), now.history());
    }
}
