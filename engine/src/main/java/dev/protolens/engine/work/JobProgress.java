package dev.protolens.engine.work;

import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitProgress;
import java.util.List;

/**
 * The one snapshot of a running fit job that every display reads: the window's header, token strip and status
 * bar, the CLI's progress line and its JSON. Taken once, immutable, so two displays never show two different
 * steps. "Now" is the shown item at this step; "best" is the best accuracy it has had so far.
 *
 * @param stage         what the job is doing
 * @param fit           the fit's snapshot (null before the first step)
 * @param shown         the item the displays show: the best one now (lowest loss on ties)
 * @param written       per position of the shown item, the token the model writes now (raw tokenizer pieces)
 * @param elapsedMillis wall time of the job's runs, including the time before a resume
 * @param alternatives  the shown item's top-k decode at the last checkpoint (null until one)
 * @param note          the latest event worth a line ("checkpoint saved at step 300", a warning), or null
 */
public record JobProgress(Stage stage, FitProgress fit, int shown, String[] written, long elapsedMillis,
                          Decoded alternatives, String note) {

    public enum Stage {
        STARTING("starting"), FITTING("fitting"), DECODING("decoding the result"), SAVING("saving"), DONE("done");

        private final String label;

        Stage(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public int step() {
        return fit == null ? 0 : fit.step();
    }

    public int maxSteps() {
        return fit == null ? 0 : fit.maxSteps();
    }

    public List<FitProgress.Item> items() {
        return fit == null ? List.of() : fit.items();
    }

    /** Items that have reached the target so far. */
    public int reached() {
        return (int) items().stream().filter(FitProgress.Item::reached).count();
    }

    /** The shown item now, or null before the first step. */
    public FitProgress.Item item() {
        return fit == null ? null : fit.items().get(shown);
    }

    /** Positions the shown item writes right at this step. */
    public int correctNow() {
        return item() == null ? 0 : item().correctCount();
    }

    /** Target tokens of the shown item. */
    public int length() {
        return item() == null ? 0 : item().correct().length;
    }

    public double accuracyNow() {
        return item() == null ? 0 : item().accuracy();
    }

    /** The best accuracy the shown item has had in this fit. */
    public double accuracyBest() {
        return item() == null ? 0 : item().bestAccuracy();
    }

    public double loss() {
        return item() == null ? Double.NaN : item().loss();
    }

    /** Milliseconds to the last allowed step at the current rate, or -1 (an upper bound: fits stop earlier). */
    public long etaMillis() {
        return fit == null ? -1 : fit.etaMillis();
    }

    public double stepsPerSecond() {
        return fit == null ? 0 : fit.stepsPerSecond();
    }

    /** One line for a status bar or a terminal: step, now, best, loss, rate and ETA, all from this snapshot. */
    public String line() {
        if (fit == null) {
            return stage.label();
        }
        StringBuilder b = new StringBuilder();
        b.append("step ").append(step());
        if (maxSteps() > 0) {
            b.append('/').append(maxSteps());
        }
        b.append(String.format(java.util.Locale.ROOT, " · now %d/%d tokens right · best %.0f %% · loss %.3f",
                correctNow(), length(), accuracyBest() * 100, loss()));
        if (stepsPerSecond() > 0) {
            b.append(String.format(java.util.Locale.ROOT, " · %.1f steps/s", stepsPerSecond()));
        }
        long eta = etaMillis();
        if (eta >= 0 && stage == Stage.FITTING) {
            b.append(" · at most ").append(Durations.format(eta)).append(" left");
        }
        return b.toString();
    }

    JobProgress with(Stage s, String n) {
        return new JobProgress(s, fit, shown, written, elapsedMillis, alternatives, n);
    }

    JobProgress withAlternatives(Decoded d) {
        return new JobProgress(stage, fit, shown, written, elapsedMillis, d, note);
    }
}
