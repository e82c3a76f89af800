package dev.protolens.engine.tokenizer;

/**
 * The tokens of one text: ids, the vocabulary piece of each, and each token's character span
 * {@code [start, end)} in the original text (for highlighting tokens in the GUI).
 */
public record Encoding(long[] ids, String[] pieces, int[] starts, int[] ends) {
    public int size() {
        return ids.length;
    }

    public int[] intIds() {
        int[] r = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            r[i] = Math.toIntExact(ids[i]);
        }
        return r;
    }
}
