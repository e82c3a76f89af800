package dev.protolens.engine.fit;

import java.util.List;

/**
 * What to fit in one batched optimisation: one item per (text, seed). Item i starts from its own seed
 * ({@code spec.seed() + i}) unless {@code start} gives the exact starting state (a fixture's vectors,
 * or a checkpoint to resume).
 */
public record FitRequest(List<FitTarget> targets, FitSpec spec, FitState start) {
    public FitRequest {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("nothing to fit");
        }
        targets = List.copyOf(targets);
    }

    /** One text, one seed. */
    public static FitRequest single(FitTarget target, FitSpec spec) {
        return new FitRequest(List.of(target), spec, null);
    }

    /** K restarts of one text: seeds spec.seed … spec.seed+K-1, in one batch. */
    public static FitRequest seeds(FitTarget target, FitSpec spec, int k) {
        return new FitRequest(java.util.Collections.nCopies(k, target), spec, null);
    }

    /** Several texts in one batch (each its own e; m shared when spec.sharedM()). */
    public static FitRequest texts(List<FitTarget> targets, FitSpec spec) {
        return new FitRequest(targets, spec, null);
    }

    public FitRequest startingFrom(FitState state) {
        return new FitRequest(targets, spec, state);
    }

    public int size() {
        return targets.size();
    }

    public long seedOf(int item) {
        return spec.seed() + item;
    }
}
