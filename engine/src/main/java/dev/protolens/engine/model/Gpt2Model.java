package dev.protolens.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * GPT-2 as transformers computes it ({@code modeling_gpt2.py}): learned positions {@code wpe} added to the
 * input embeddings at positions 0..N-1 (for proto-tokens the fitted vectors take the place of the {@code wte}
 * rows and {@code wpe} is still added), pre-LayerNorm blocks
 * {@code x += c_proj(attn(c_attn(ln_1(x)))); x += mlp(ln_2(x))}, {@code ln_f}, and a head tied to {@code wte}.
 *
 * <p>GPT-2's Conv1D stores weights as (in, out), the transpose of {@code nn.Linear}; they are transposed
 * once at load so every projection is an ordinary linear layer. {@code c_attn}'s output is q|k|v in blocks.
 * Checkpoints saved from GPT2LMHeadModel name tensors {@code transformer.h.0…}, those saved from GPT2Model
 * (the original "gpt2" upload) {@code h.0…}; both load.
 */
final class Gpt2Model extends TransformerModel {
    private record Layer(NDArray ln1Weight, NDArray ln1Bias, NDArray qkv, NDArray qkvBias, NDArray proj,
                         NDArray projBias, NDArray ln2Weight, NDArray ln2Bias, NDArray fc, NDArray fcBias,
                         NDArray fcProj, NDArray fcProjBias) {}

    private final NDArray wte;
    private final NDArray wpe;
    private final NDArray lmHead;
    private final NDArray lnFWeight;
    private final NDArray lnFBias;
    private final Layer[] layers;
    private final NDArray scale;
    private final float eps;

    Gpt2Model(ModelConfig c, WeightLoader w, NDManager manager, DataType compute) {
        super(c, manager, compute);
        String prefix = w.has("transformer.wte.weight") ? "transformer." : "";
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        wte = w.load(prefix + "wte.weight", c.vocabSize(), d);
        wpe = w.load(prefix + "wpe.weight", c.maxPositions(), d);
        layers = new Layer[c.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = prefix + "h." + i + ".";
            layers[i] = new Layer(layerNormParameter(w, p + "ln_1.weight", d), layerNormParameter(w, p + "ln_1.bias", d),
                    conv1d(w, p + "attn.c_attn.weight", d, 3 * d), w.load(p + "attn.c_attn.bias", 3 * d),
                    conv1d(w, p + "attn.c_proj.weight", d, d), w.load(p + "attn.c_proj.bias", d),
                    layerNormParameter(w, p + "ln_2.weight", d), layerNormParameter(w, p + "ln_2.bias", d),
                    conv1d(w, p + "mlp.c_fc.weight", d, ff), w.load(p + "mlp.c_fc.bias", ff),
                    conv1d(w, p + "mlp.c_proj.weight", ff, d), w.load(p + "mlp.c_proj.bias", d));
        }
        lnFWeight = layerNormParameter(w, prefix + "ln_f.weight", d);
        lnFBias = layerNormParameter(w, prefix + "ln_f.bias", d);
        if (c.tiedEmbeddings() && !w.has("lm_head.weight")) {
            lmHead = wte;
        } else {
            lmHead = w.load("lm_head.weight", c.vocabSize(), d);
        }
        parameterCount = w.parameters();
        scale = constant((float) (1.0 / Math.sqrt(c.headDim())));
        eps = (float) c.normEps();
    }

    /** A Conv1D weight stored (in, out), returned as a linear layer's (out, in). */
    private static NDArray conv1d(WeightLoader w, String name, long in, long out) {
        float[] stored = w.floats(name, in, out);
        int rows = Math.toIntExact(in);
        int cols = Math.toIntExact(out);
        float[] t = new float[stored.length];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < cols; o++) {
                t[o * rows + r] = stored[r * cols + o];
            }
        }
        return w.fromFloats(t, out, in);
    }

    @Override
    protected NDArray head() {
        return lmHead;
    }

    @Override
    public NDArray embed(NDArray ids) {
        return embedding(ids, wte);
    }

    @Override
    public NDArray embeddingTable() {
        return wte;
    }

    /** residual[0] is the input plus the position embeddings: the stream the first block reads (HF's hidden_states[0]). */
    @Override
    protected NDArray trunk(NDArray inputEmbeds, PassProbe probe) {
        checkInput(inputEmbeds);
        long b = inputEmbeds.getShape().get(0);
        int n = (int) inputEmbeds.getShape().get(1);
        int h = config.numHeads();
        int hd = config.headDim();
        long d = config.hiddenSize();
        // position ids made on the caller's manager, so the lookup's result belongs to the step, not the model
        NDArray positions = embedding(inputEmbeds.getManager().arange(0, n, 1, DataType.INT64), wpe);
        NDArray x = toCompute(inputEmbeds).add(positions);
        probe.residual(0, PassProbe.Site.AFTER_LAYER, x);
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            NDList qkv = linear(layerNorm(x, l.ln1Weight, l.ln1Bias, eps), l.qkv, l.qkvBias)
                    .split(new long[] {d, 2 * d}, 2);
            NDArray q = heads(qkv.get(0), b, n, h, hd);
            NDArray k = heads(qkv.get(1), b, n, h, hd);
            NDArray v = heads(qkv.get(2), b, n, h, hd);
            x = x.add(linear(merge(attention(q, k, v, scale, n, i + 1, probe), b, n, h, hd), l.proj, l.projBias));
            probe.residual(i + 1, PassProbe.Site.AFTER_ATTENTION, x);
            NDArray hs = layerNorm(x, l.ln2Weight, l.ln2Bias, eps);
            x = x.add(linear(activation(linear(hs, l.fc, l.fcBias)), l.fcProj, l.fcProjBias));
            probe.residual(i + 1, PassProbe.Site.AFTER_LAYER, x);
        }
        return finalNorm(x);
    }

    @Override
    protected NDArray finalNorm(NDArray x) {
        return layerNorm(x, lnFWeight, lnFBias, eps);
    }
}
