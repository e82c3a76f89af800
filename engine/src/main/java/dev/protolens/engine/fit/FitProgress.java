package dev.protolens.engine.fit;

import java.util.List;

/**
 * A snapshot of a running fit, taken between two steps. It is immutable and owns its arrays, so a listener
 * may keep it. {@code step} counts AdamW updates done so far: the numbers describe the parameters after
 * {@code step} updates (the reference's convention).
 */
public record FitProgress(int step, int maxSteps, List<Item> items, double stepsPerSecond, long elapsedMillis,
                          boolean finished) {

    /**
     * One fitted pair (one seed or one text of a batch).
     *
     * @param targetProb per target position: the probability the model gives to the correct token
     * @param argmax     per target position: the token the model would write now
     * @param correct    per target position: argmax equals the target
     * @param reached    the item has reached the target accuracy (its vectors are frozen in the result)
     */
    public record Item(int index, double loss, double accuracy, double bestAccuracy, float[] targetProb, long[] argmax,
                       boolean[] correct, boolean reached) {
        /** C_tokens: positions written correctly in one pass. */
        public int correctCount() {
            int c = 0;
            for (boolean b : correct) {
                c += b ? 1 : 0;
            }
            return c;
        }
    }

    /** The item with the best accuracy (lowest loss on ties), e.g. the strip shown for K restarts. */
    public Item best() {
        Item b = items.getFirst();
        for (Item it : items) {
            if (it.accuracy > b.accuracy || (it.accuracy == b.accuracy && it.loss < b.loss)) {
                b = it;
            }
        }
        return b;
    }

    /** Estimated milliseconds to reach maxSteps at the current rate (an upper bound: fits usually stop earlier). */
    public long etaMillis() {
        return stepsPerSecond > 0 ? (long) ((maxSteps - step) / stepsPerSecond * 1000) : -1;
    }
}
