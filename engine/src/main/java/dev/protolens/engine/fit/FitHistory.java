package dev.protolens.engine.fit;

import java.util.Arrays;

/**
 * Loss and accuracy of every item after every number of updates (index s = after s updates), growing as
 * the fit runs. What the curves are drawn from and what a run record stores.
 */
public final class FitHistory {
    private final int items;
    private float[][] loss;
    private float[][] accuracy;
    private int length;

    public FitHistory(int items) {
        this.items = items;
        this.loss = new float[items][64];
        this.accuracy = new float[items][64];
    }

    public static FitHistory of(float[][] loss, float[][] accuracy) {
        FitHistory h = new FitHistory(loss.length);
        h.loss = Arrays.stream(loss).map(float[]::clone).toArray(float[][]::new);
        h.accuracy = Arrays.stream(accuracy).map(float[]::clone).toArray(float[][]::new);
        h.length = loss.length == 0 ? 0 : loss[0].length;
        return h;
    }

    void add(float[] lossPerItem, float[] accPerItem) {
        if (length == loss[0].length) {
            for (int i = 0; i < items; i++) {
                loss[i] = Arrays.copyOf(loss[i], Math.max(64, length * 2));
                accuracy[i] = Arrays.copyOf(accuracy[i], Math.max(64, length * 2));
            }
        }
        for (int i = 0; i < items; i++) {
            loss[i][length] = lossPerItem[i];
            accuracy[i][length] = accPerItem[i];
        }
        length++;
    }

    public int length() {
        return length;
    }

    public int items() {
        return items;
    }

    public float[] loss(int item) {
        return Arrays.copyOf(loss[item], length);
    }

    public float[] accuracy(int item) {
        return Arrays.copyOf(accuracy[item], length);
    }

    public FitHistory copy() {
        FitHistory h = new FitHistory(items);
        for (int i = 0; i < items; i++) {
            h.loss[i] = loss(i);
            h.accuracy[i] = accuracy(i);
        }
        h.length = length;
        if (length == 0) {
            h.loss = new float[items][64];
            h.accuracy = new float[items][64];
        }
        return h;
    }

    /** The items of several histories (of equal length, e.g. the runs of one batch) as one history. */
    public static FitHistory stack(java.util.List<FitHistory> parts) {
        int len = parts.stream().mapToInt(FitHistory::length).min().orElse(0);
        java.util.List<float[]> l = new java.util.ArrayList<>();
        java.util.List<float[]> a = new java.util.ArrayList<>();
        for (FitHistory h : parts) {
            for (int i = 0; i < h.items(); i++) {
                l.add(Arrays.copyOf(h.loss(i), len));
                a.add(Arrays.copyOf(h.accuracy(i), len));
            }
        }
        return of(l.toArray(float[][]::new), a.toArray(float[][]::new));
    }

    /** The history of one item alone. */
    public FitHistory item(int i) {
        return of(new float[][] {loss(i)}, new float[][] {accuracy(i)});
    }
}
