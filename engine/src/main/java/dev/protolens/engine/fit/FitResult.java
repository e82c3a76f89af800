package dev.protolens.engine.fit;

import java.util.List;

/**
 * The outcome of a fit: one {@link Item} per (text, seed), and how the fit ended.
 *
 * @param updates   AdamW updates done
 * @param millis    wall time of the optimisation loop
 * @param message   for DIVERGED: what happened and what to change
 */
public record FitResult(List<Item> items, Status status, int updates, long millis, String message, FitState last) {

    public enum Status {
        /** Every item reached the target accuracy. */
        REACHED,
        /** Max steps done; best vectors kept. */
        MAX_STEPS,
        /** Stopped by the user; best vectors so far kept (a valid partial result). */
        CANCELLED,
        /** The loss became NaN or infinite; vectors from before kept. */
        DIVERGED
    }

    /**
     * @param e, m         the best-accuracy vectors seen (lowest loss among equal accuracy); at first reach if reached
     * @param bestStep     after how many updates those vectors were seen
     * @param stepsToReach updates needed to first reach the target accuracy, or -1
     */
    public record Item(int index, long seed, FitTarget target, float[] e, float[] m, double accuracy, double loss,
                       int bestStep, boolean reached, int stepsToReach, FitHistory history) {
        public int correctTokens() {
            return (int) Math.round(accuracy * target.length());
        }
    }

    public double millisPerStep() {
        return updates + 1 == 0 ? 0 : (double) millis / (updates + 1);
    }

    public double stepsPerSecond() {
        return millis == 0 ? 0 : (updates + 1) * 1000.0 / millis;
    }

    public Item best() {
        Item b = items.getFirst();
        for (Item it : items) {
            if (it.accuracy() > b.accuracy() || (it.accuracy() == b.accuracy() && it.loss() < b.loss())) {
                b = it;
            }
        }
        return b;
    }
}
