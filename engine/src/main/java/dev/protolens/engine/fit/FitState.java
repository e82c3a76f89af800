package dev.protolens.engine.fit;

import java.util.List;

/**
 * Everything needed to continue an optimisation exactly: the parameters, AdamW's moment estimates and the
 * number of updates done (for bias correction), plus the history so far. Arrays are (items × d) row-major;
 * with a shared m the m arrays hold one row.
 */
public record FitState(int step, float[] e, float[] m, float[] adamE1, float[] adamE2, float[] adamM1, float[] adamM2,
                       FitHistory history) {

    /**
     * The state of a batch from its items' own states (each one row), as a resumed batch continues: e and its
     * moments stacked row by row; with a shared m, the one m (which every item stores) taken once.
     */
    public static FitState batch(List<FitState> items, boolean sharedM) {
        if (items.size() == 1) {
            return items.getFirst();
        }
        FitState first = items.getFirst();
        for (FitState s : items) {
            if (s.step() != first.step()) {
                throw new IllegalArgumentException("the items were saved at different steps (" + first.step() + ", "
                        + s.step() + ")");
            }
            if (sharedM && !java.util.Arrays.equals(s.m(), first.m())) {
                throw new IllegalArgumentException("the items do not share one m");
            }
        }
        FitHistory history = null;
        if (items.stream().allMatch(s -> s.history() != null)) {
            history = FitHistory.stack(items.stream().map(FitState::history).toList());
        }
        return new FitState(first.step(), rows(items, FitState::e), sharedM ? first.m() : rows(items, FitState::m),
                rows(items, FitState::adamE1), rows(items, FitState::adamE2),
                sharedM ? first.adamM1() : rows(items, FitState::adamM1),
                sharedM ? first.adamM2() : rows(items, FitState::adamM2), history);
    }

    private static float[] rows(List<FitState> items, java.util.function.Function<FitState, float[]> part) {
        int d = part.apply(items.getFirst()).length;
        float[] out = new float[items.size() * d];
        for (int i = 0; i < items.size(); i++) {
            System.arraycopy(part.apply(items.get(i)), 0, out, i * d, d);
        }
        return out;
    }

    /** The plain starting point (no optimiser state yet). */
    public static FitState initial(float[] e, float[] m) {
        return new FitState(0, e, m, null, null, null, null, null);
    }
}
