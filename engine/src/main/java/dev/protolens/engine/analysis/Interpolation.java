package dev.protolens.engine.analysis;

import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two solutions to walk between and what the model should write on the way. Between two solutions of the
 * same text the target is that text (accuracy and loss along the path); between different texts there is
 * none, and each decoded point is compared with both ends instead.
 *
 * @param idsA the text end A was fitted to, as token ids
 */
public record Interpolation(ProtoTokens a, ProtoTokens b, long[] idsA, long[] idsB, Arrangement arrangement) {

    public Interpolation {
        if (a.dim() != b.dim()) {
            throw new UserError("The two solutions have " + a.dim() + " and " + b.dim() + " dimensions: they"
                    + " belong to different models.");
        }
    }

    /** Between two saved runs of one model and one arrangement. */
    public static Interpolation between(Run ra, Run rb) {
        RunRecord x = ra.record();
        RunRecord y = rb.record();
        if (!x.model().identity().equals(y.model().identity())) {
            throw new UserError("Run " + x.id() + " was fitted with " + x.model().name() + " (identity "
                    + x.model().identity() + ") and run " + y.id() + " with " + y.model().name() + " (identity "
                    + y.model().identity() + "): only runs of one model share a space. Pick two runs of the same model.");
        }
        Arrangement arr = arrangement(x);
        Arrangement arrB = arrangement(y);
        if (arr != arrB) {
            throw new UserError("Run " + x.id() + " uses the arrangement " + arr.label() + " and run " + y.id()
                    + " uses " + arrB.label() + ": a path between them would decode one of its ends wrongly."
                    + " Pick two runs fitted with the same arrangement.");
        }
        return new Interpolation(ra.vectors(), rb.vectors(), x.tokenIds(), y.tokenIds(), arr);
    }

    private static Arrangement arrangement(RunRecord r) {
        if (r.settings() == null || r.settings().arrangement() == null) {
            throw new UserError("Run " + r.id() + " does not say which arrangement it was fitted with (no settings in"
                    + " its run.json), so it cannot be decoded along a path.");
        }
        return Arrangement.parse(r.settings().arrangement());
    }

    public boolean sameText() {
        return Arrays.equals(idsA, idsB);
    }

    /** The text every point should write, or null between different texts. */
    public long[] target() {
        return sameText() ? idsA : null;
    }

    /** Tokens decoded at every point: the longer end's length. */
    public int length() {
        return Math.max(idsA.length, idsB.length);
    }

    /** Points decoded in one batched pass: the default 21 and the window's 41 go in one or two. */
    static final int POINTS_PER_PASS = 32;

    /**
     * Points decoded together in one pass by {@link #curve(LoadedModel, BezierPath, int)}: enough to keep the
     * batch efficient, few enough that the logits of a large vocabulary stay small (16 × 33 × 49,152 floats for
     * SmolLM2 at N = 32: 104 MB).
     */
    public static final int CURVE_BATCH = 16;

    /**
     * The path's points at {@code points} evenly spaced τ, with accuracy and loss, decoded {@value #CURVE_BATCH}
     * at a time through a {@link PathGrid} (the window's slider decodes its grid the same way, texts only).
     */
    public PathCurve curve(LoadedModel model, BezierPath path, int points) {
        return new PathGrid(path, points).decodeAll(CURVE_BATCH, t -> curve(model, path, t, 0).points());
    }

    /** The given τ values, decoded in one batched forward pass (with top-k alternatives per position). */
    public PathCurve curve(LoadedModel model, BezierPath path, double[] taus, int topK) {
        List<ProtoTokens> at = new ArrayList<>(taus.length);
        for (double t : taus) {
            at.add(path.at(t));
        }
        // a batch of points at a time: one pass over all of them holds (points, N, vocab) logits at once, 4 GB for
        // TinyLlama at 1001 points of 32 tokens
        OneStepDecoder decoder = new OneStepDecoder(model);
        List<Decoded> out = new ArrayList<>(taus.length);
        for (int from = 0; from < at.size(); from += POINTS_PER_PASS) {
            out.addAll(decoder.decodeAll(at.subList(from, Math.min(at.size(), from + POINTS_PER_PASS)), length(),
                    arrangement, target(), topK));
        }
        List<PathPoint> pts = new ArrayList<>(taus.length);
        for (int i = 0; i < taus.length; i++) {
            pts.add(point(taus[i], out.get(i)));
        }
        return new PathCurve(path, pts);
    }

    /** One point, with accuracy and loss against the common text. */
    public PathPoint at(LoadedModel model, BezierPath path, double tau, int topK) {
        return curve(model, path, new double[] {tau}, topK).points().getFirst();
    }

    /**
     * One point's text only, for a slider: the tokens and which of them match each end, without the loss (NaN).
     * That skips the log-softmax over every position's vocabulary, a sixth of a TinyLLama decode.
     */
    public PathPoint textAt(LoadedModel model, BezierPath path, double tau) {
        return textsAt(model, path, new double[] {tau}).getFirst();
    }

    /**
     * Many points' texts in one batched pass, as {@link #textAt}. Between solutions of one text the accuracy is
     * counted from the tokens (it needs no probabilities), so a {@link PathGrid} of these also draws the
     * accuracy-against-τ curves.
     */
    public List<PathPoint> textsAt(LoadedModel model, BezierPath path, double[] taus) {
        List<ProtoTokens> at = new ArrayList<>(taus.length);
        for (double t : taus) {
            at.add(path.at(t));
        }
        List<Decoded> out = new OneStepDecoder(model).decodeAll(at, length(), arrangement, null, 0);
        long[] target = target();
        List<PathPoint> pts = new ArrayList<>(taus.length);
        for (int i = 0; i < taus.length; i++) {
            Decoded d = out.get(i);
            if (target != null) {
                boolean[] ok = new boolean[d.length()];
                int c = 0;
                for (int j = 0; j < ok.length; j++) {
                    ok[j] = d.ids()[j] == target[j];
                    c += ok[j] ? 1 : 0;
                }
                d = new Decoded(d.ids(), d.pieces(), d.text(), null, ok, d.alternatives(), Double.NaN,
                        (double) c / ok.length);
            }
            pts.add(point(taus[i], d));
        }
        return pts;
    }

    private PathPoint point(double tau, Decoded d) {
        boolean[] sameA = new boolean[d.length()];
        boolean[] sameB = new boolean[d.length()];
        int ca = 0;
        int cb = 0;
        for (int j = 0; j < d.length(); j++) {
            sameA[j] = j < idsA.length && d.ids()[j] == idsA[j];
            sameB[j] = j < idsB.length && d.ids()[j] == idsB[j];
            ca += sameA[j] ? 1 : 0;
            cb += sameB[j] ? 1 : 0;
        }
        return new PathPoint(tau, d, sameA, sameB, (double) ca / idsA.length, (double) cb / idsB.length);
    }
}
