package dev.protolens.engine.fit;

import dev.protolens.engine.UserError;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.tokenizer.Encoding;
import java.util.Arrays;
import java.util.Locale;

/**
 * A text checked against a model before anything is fitted: its tokens, and what stands in the way. The
 * window's live preview and the start of every fit (window, CLI, experiments) use this one check, so a text
 * gets the same words wherever it is refused.
 *
 * @param encoding the tokens (null for an empty text)
 * @param context  the most target tokens this model takes with this arrangement
 * @param problem  why the text cannot be fitted (null when it can); {@code warning} is advice only
 */
public record TextCheck(String text, Encoding encoding, int context, String problem, String warning) {

    public static TextCheck of(LoadedModel model, String text, Arrangement arrangement) {
        int context = model.config().maxPositions() - arrangement.offset();
        if (text == null || text.isEmpty()) {
            return new TextCheck("", null, context,
                    "The text is empty: type or paste the text the model should write.", null);
        }
        Encoding enc = model.tokenizer().encode(text, false);
        int n = enc.size();
        if (n == 0) {
            return new TextCheck(text, enc, context, "The text has no tokens for this model's tokenizer.", null);
        }
        if (n > context) {
            return new TextCheck(text, enc, context, String.format(Locale.ROOT, "The text is %d tokens long but %s"
                    + " has a context of %d positions%s. Shorten the text to at most %d tokens.", n, model.name(),
                    model.config().maxPositions(), arrangement.offset() > 0 ? " (this arrangement needs one more)"
                    : "", context), null);
        }
        int reach = likelyReach(model.model().parameterCount());
        String warning = n > reach ? n + " tokens: models of this size usually write about " + reach
                + " tokens in one pass (a rough guide from the paper), so the fit may stop short of 100 %." : null;
        return new TextCheck(text, enc, context, null, warning);
    }

    public boolean fittable() {
        return problem == null;
    }

    /** Tokens in the text (0 when empty). */
    public int length() {
        return encoding == null ? 0 : encoding.size();
    }

    /** What the user reads: the problem, else the warning, else null. */
    public String message() {
        return problem != null ? problem : warning;
    }

    /** Whether the text fits except for being longer than the context (then {@link #firstTokens} helps). */
    public boolean tooLong() {
        return problem != null && length() > context;
    }

    /** The target to fit, or the problem as a {@link UserError}. */
    public FitTarget target() {
        if (problem != null) {
            throw new UserError(problem);
        }
        return new FitTarget(text, encoding.ids(), encoding.pieces(), encoding.starts(), encoding.ends());
    }

    /** The text cut after its first {@code k} tokens ("Fit the first 512 tokens"). */
    public String firstTokens(int k) {
        if (encoding == null || k >= length()) {
            return text;
        }
        return text.substring(0, Math.min(text.length(), Arrays.stream(encoding.ends()).limit(k).max().orElse(0)));
    }

    /**
     * About how many tokens a model of this size reconstructs from two vectors: a rough interpolation in
     * log(parameters) through the paper's capacity table (Pythia-160M ~128, Llama-3.2-1B 362, 3B 512,
     * Llama-3.1-8B 724) and the ~20 tokens the 0.3–5 M-parameter test models reach.
     */
    public static int likelyReach(long parameters) {
        double[][] points = {{2.6e5, 20}, {5e6, 24}, {1.6e8, 128}, {1.24e9, 362}, {3.2e9, 512}, {8e9, 724}};
        double lp = Math.log(Math.max(1, parameters));
        if (lp <= Math.log(points[0][0])) {
            return (int) points[0][1];
        }
        for (int i = 1; i < points.length; i++) {
            double a = Math.log(points[i - 1][0]);
            double b = Math.log(points[i][0]);
            if (lp <= b) {
                double t = (lp - a) / (b - a);
                return (int) Math.round(points[i - 1][1] + t * (points[i][1] - points[i - 1][1]));
            }
        }
        return (int) points[points.length - 1][1];
    }
}
