package dev.protolens.engine.decode;

import dev.protolens.engine.proto.ProtoTokens;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.UserError;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.runtime.EngineRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * One-step decoding: proto-tokens laid out by the arrangement, one forward pass, argmax at every position.
 * Many points (e.g. a path between two solutions) decode together in one batched pass.
 */
public final class OneStepDecoder {
    private final LoadedModel model;

    public OneStepDecoder(LoadedModel model) {
        this.model = model;
    }

    public Decoded decode(ProtoTokens v, int n, Arrangement arrangement, long[] target, int topK) {
        return decodeAll(List.of(v), n, arrangement, target, topK).getFirst();
    }

    /**
     * Decodes every pair in one batched pass.
     *
     * @param n      number of tokens to write (the target's length when a target is given)
     * @param target token ids to compare with, or null
     * @param topK   alternatives to keep per position (0 for none)
     */
    public List<Decoded> decodeAll(List<ProtoTokens> points, int n, Arrangement arrangement, long[] target, int topK) {
        int d = model.config().hiddenSize();
        if (n < 1) {
            throw new UserError("The length to decode must be at least 1 token.");
        }
        if (topK < 0) {
            throw new UserError("The number of alternatives per position (top-k) must be 0 (none) or more; got "
                    + topK + ".");
        }
        if (target != null && target.length != n) {
            throw new IllegalArgumentException("target has " + target.length + " tokens, not " + n);
        }
        int inputs = arrangement.inputLength(n);
        if (inputs > model.config().maxPositions()) {
            throw new UserError(n + " tokens exceed " + model.name() + "'s context of " + model.config().maxPositions());
        }
        for (ProtoTokens p : points) {
            if (p.dim() != d) {
                throw new UserError("The vectors have " + p.dim() + " dimensions but " + model.name()
                        + " embeds into " + d + ": they were fitted with another model.");
            }
        }
        int b = points.size();
        long[] pattern = arrangement.inputPattern(n);
        float[] z = new float[b * inputs * d];
        for (int i = 0; i < b; i++) {
            ProtoTokens p = points.get(i);
            for (int j = 0; j < inputs; j++) {
                System.arraycopy(pattern[j] == 0 ? p.e() : p.m(), 0, z, (i * inputs + j) * d, d);
            }
        }
        EngineRuntime.setGradMode(false);
        int k = Math.min(topK, model.config().vocabSize());
        try (NDManager step = model.model().manager().newSubManager()) {
            NDArray x = step.create(z, new Shape(b, inputs, d));
            if (target == null && k == 0) {
                // the slider's case: tokens only, never the whole (b, n, vocab) logits
                long[] argmax = model.model().argmaxTokens(x, arrangement.offset());
                List<Decoded> out = new ArrayList<>(b);
                for (int i = 0; i < b; i++) {
                    out.add(assemble(i, n, argmax, null, null, 0, null, null));
                }
                return out;
            }
            NDArray logits = model.model().logits(x);
            if (arrangement.offset() > 0) {
                logits = logits.get(new NDIndex(":, 1:, :"));
            }
            // with alternatives the argmax is their first entry, no second pass
            NDArray logp = logits.logSoftmax(-1);
            float[] targetLogp = null;
            if (target != null) {
                NDArray t = step.create(target, new Shape(1, n, 1)).broadcast(b, n, 1);
                targetLogp = logp.gather(t, 2).toFloatArray();
            }
            long[] topIds = null;
            float[] topProbs = null;
            long[] argmax;
            if (k > 0) {
                NDList top = logp.topK(k, -1, true, true);
                topProbs = top.get(0).exp().toFloatArray();
                topIds = top.get(1).toLongArray();
                argmax = new long[b * n];
                for (int i = 0; i < argmax.length; i++) {
                    argmax[i] = topIds[i * k];
                }
            } else {
                argmax = logits.argMax(2).toLongArray();
            }
            List<Decoded> out = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                out.add(assemble(i, n, argmax, target, targetLogp, k, topIds, topProbs));
            }
            return out;
        }
    }

    private Decoded assemble(int i, int n, long[] argmax, long[] target, float[] targetLogp, int k, long[] topIds,
                             float[] topProbs) {
        long[] ids = new long[n];
        String[] pieces = new String[n];
        for (int j = 0; j < n; j++) {
            ids[j] = argmax[i * n + j];
            pieces[j] = model.tokenizer().piece(ids[j]);
        }
        float[] prob = null;
        boolean[] ok = null;
        double loss = Double.NaN;
        double acc = Double.NaN;
        if (target != null) {
            prob = new float[n];
            ok = new boolean[n];
            double sum = 0;
            int c = 0;
            for (int j = 0; j < n; j++) {
                float lp = targetLogp[i * n + j];
                prob[j] = (float) Math.exp(lp);
                sum -= lp;
                ok[j] = ids[j] == target[j];
                c += ok[j] ? 1 : 0;
            }
            loss = sum / n;
            acc = (double) c / n;
        }
        Decoded.Alternative[][] alts = new Decoded.Alternative[n][];
        for (int j = 0; j < n; j++) {
            alts[j] = new Decoded.Alternative[k];
            for (int q = 0; q < k; q++) {
                int at = (i * n + j) * k + q;
                alts[j][q] = new Decoded.Alternative(topIds[at], model.tokenizer().piece(topIds[at]), topProbs[at]);
            }
        }
        return new Decoded(ids, pieces, model.tokenizer().decode(ids, false), prob, ok, alts, loss, acc);
    }
}
