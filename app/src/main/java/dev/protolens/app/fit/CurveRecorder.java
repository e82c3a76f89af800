package dev.protolens.app.fit;

import dev.protolens.app.figures.CurvesFigure;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitProgress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loss and accuracy of each restart as the fit runs, from the progress snapshots (written on the progress
 * thread, read by the frame on the FX thread). Snapshots arrive latest-wins, so some steps may be missing
 * while the fit runs; the full history replaces them when the fit ends.
 */
final class CurveRecorder {
    private int[][] steps = new int[0][];
    private float[][] loss = new float[0][];
    private float[][] acc = new float[0][];
    private int[] count = new int[0];
    private int best;

    synchronized void reset(int items) {
        steps = new int[items][256];
        loss = new float[items][256];
        acc = new float[items][256];
        count = new int[items];
        best = 0;
    }

    synchronized void record(FitProgress p) {
        if (p.items().size() != count.length) {
            return;
        }
        for (FitProgress.Item it : p.items()) {
            int i = it.index();
            int n = count[i];
            if (n > 0 && steps[i][n - 1] >= p.step()) {
                continue;
            }
            if (n == steps[i].length) {
                steps[i] = Arrays.copyOf(steps[i], n * 2);
                loss[i] = Arrays.copyOf(loss[i], n * 2);
                acc[i] = Arrays.copyOf(acc[i], n * 2);
            }
            steps[i][n] = p.step();
            loss[i][n] = (float) it.loss();
            acc[i][n] = (float) it.accuracy();
            count[i] = n + 1;
        }
        best = p.items().indexOf(p.best());
    }

    /** Replaces what was recorded with complete histories (fit ended, or a run opened from the library). */
    synchronized void replace(List<FitHistory> histories, int bestItem) {
        reset(histories.size());
        for (int i = 0; i < histories.size(); i++) {
            CurvesFigure.Line l = CurvesFigure.Line.of(histories.get(i).loss(0), histories.get(i).accuracy(0));
            steps[i] = l.steps();
            loss[i] = l.loss();
            acc[i] = l.accuracy();
            count[i] = l.count();
        }
        best = bestItem;
    }

    synchronized List<CurvesFigure.Line> lines() {
        List<CurvesFigure.Line> out = new ArrayList<>(count.length);
        for (int i = 0; i < count.length; i++) {
            out.add(new CurvesFigure.Line(Arrays.copyOf(steps[i], count[i]), Arrays.copyOf(loss[i], count[i]),
                    Arrays.copyOf(acc[i], count[i]), count[i]));
        }
        return out;
    }

    synchronized int best() {
        return best;
    }
}
