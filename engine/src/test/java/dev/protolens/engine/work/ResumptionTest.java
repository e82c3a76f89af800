package dev.protolens.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A resumed fit continues from the last state, not the best: it never hands back less than its runs held. */
class ResumptionTest {
    private static final FitTarget T = new FitTarget("ab", new long[] {1, 2}, new String[] {"a", "b"},
            new int[] {0, 1}, new int[] {1, 2});

    @Test
    void anItemThatEndsBelowItsStoredRunKeepsTheStoredVectors() {
        Run stored = run("r", 1.0, 0.2, new float[] {1, 1}, new float[] {2, 2}, 40);
        FitResult worse = result(item(0, 0.5, 0.9, new float[] {9, 9}, new float[] {9, 9}, false, -1));
        FitResult.Item kept = Resumption.neverWorse(worse, List.of(stored), false).items().getFirst();
        assertThat(kept.e()).containsExactly(1, 1);
        assertThat(kept.accuracy()).isEqualTo(1.0);
        assertThat(kept.reached()).isTrue();
        assertThat(kept.stepsToReach()).isEqualTo(40);

        FitResult better = result(item(0, 1.0, 0.1, new float[] {7, 7}, new float[] {8, 8}, true, 90));
        FitResult.Item moved = Resumption.neverWorse(better, List.of(stored), false).items().getFirst();
        assertThat(moved.e()).containsExactly(7, 7);
        assertThat(moved.stepsToReach()).as("it had reached at 40 already").isEqualTo(40);
    }

    @Test
    void aSharedMBatchIsComparedAsOneWorstItemFirst() {
        float[] m = {5, 5};
        List<Run> stored = List.of(run("a", 0.9, 0.3, new float[] {1, 1}, m, -1),
                run("b", 0.9, 0.3, new float[] {2, 2}, m, -1));
        float[] m2 = {6, 6};
        // the mean is higher now, but the worst item is worse: the stored batch stays
        FitResult now = result(item(0, 1.0, 0.1, new float[] {3, 3}, m2, true, 70),
                item(1, 0.85, 0.4, new float[] {4, 4}, m2, false, -1));
        List<FitResult.Item> kept = Resumption.neverWorse(now, stored, true).items();
        assertThat(kept).extracting(FitResult.Item::m).containsOnly(m);
        assertThat(kept.get(0).e()).containsExactly(1, 1);
    }

    private static FitResult.Item item(int i, double acc, double loss, float[] e, float[] m, boolean reached, int at) {
        return new FitResult.Item(i, i, T, e, m, acc, loss, 100, reached, at, new FitHistory(1));
    }

    private static FitResult result(FitResult.Item... items) {
        return new FitResult(List.of(items), FitResult.Status.MAX_STEPS, 150, 10, null, null);
    }

    private static Run run(String id, double acc, double loss, float[] e, float[] m, int reachedAt) {
        RunRecord.Metrics mt = new RunRecord.Metrics(acc, loss, (int) Math.round(acc * 2), 2, acc >= 1.0, reachedAt,
                reachedAt >= 0 ? reachedAt : 30, 100, 1.0, "ab");
        RunRecord r = new RunRecord(RunRecord.SCHEMA_VERSION, id, null, null, null, "ab", T.ids(), List.of("a", "b"),
                null, acc >= 1.0 ? "complete" : "max_steps", mt, null, null, null, null, null, null);
        return new Run(r, new ProtoTokens(e, m), null, null);
    }
}
