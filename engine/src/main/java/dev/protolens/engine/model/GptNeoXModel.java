package dev.protolens.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * GPT-NeoX (Pythia) as transformers computes it ({@code modeling_gpt_neox.py}): LayerNorm with bias,
 * partial rotary (the first {@code rotary_pct * head_dim} dims of each head, rotate_half over those dims
 * only), GELU MLP with biases, and either the parallel residual {@code x + attn(ln1(x)) + mlp(ln2(x))}
 * (Pythia) or the sequential one {@code y = x + attn(ln1(x)); y + mlp(ln2(y))}.
 *
 * <p>{@code query_key_value} is stored per head: its output rows are {@code [head][q|k|v][head_dim]}. The
 * rows are regrouped at load to {@code [q|k|v][head][head_dim]}, so one split on the last axis gives q, k and
 * v as in the Llama family; the arithmetic per output element is unchanged.
 */
final class GptNeoXModel extends TransformerModel {
    private static final String PREFIX = "gpt_neox.";

    private record Layer(NDArray ln1Weight, NDArray ln1Bias, NDArray qkv, NDArray qkvBias, NDArray dense,
                         NDArray denseBias, NDArray ln2Weight, NDArray ln2Bias, NDArray up, NDArray upBias,
                         NDArray down, NDArray downBias) {}

    private final NDArray embedIn;
    private final NDArray embedOut;
    private final NDArray finalWeight;
    private final NDArray finalBias;
    private final Layer[] layers;
    private final NDArray scale;
    private final float eps;

    GptNeoXModel(ModelConfig c, WeightLoader w, NDManager manager, DataType compute) {
        super(c, manager, compute);
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        boolean bias = c.attentionBias();
        embedIn = w.load(PREFIX + "embed_in.weight", c.vocabSize(), d);
        layers = new Layer[c.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = PREFIX + "layers." + i + ".";
            String a = p + "attention.";
            NDArray qkv = w.fromFloats(perHeadToBlocks(w.floats(a + "query_key_value.weight", 3 * d, d), c, d), 3 * d, d);
            NDArray qkvBias = bias
                    ? w.fromFloats(perHeadToBlocks(w.floats(a + "query_key_value.bias", 3 * d), c, 1), 3 * d) : null;
            layers[i] = new Layer(layerNormParameter(w, p + "input_layernorm.weight", d), layerNormParameter(w, p + "input_layernorm.bias", d),
                    qkv, qkvBias, w.load(a + "dense.weight", d, d), bias ? w.load(a + "dense.bias", d) : null,
                    layerNormParameter(w, p + "post_attention_layernorm.weight", d), layerNormParameter(w, p + "post_attention_layernorm.bias", d),
                    w.load(p + "mlp.dense_h_to_4h.weight", ff, d), w.load(p + "mlp.dense_h_to_4h.bias", ff),
                    w.load(p + "mlp.dense_4h_to_h.weight", d, ff), w.load(p + "mlp.dense_4h_to_h.bias", d));
        }
        finalWeight = layerNormParameter(w, PREFIX + "final_layer_norm.weight", d);
        finalBias = layerNormParameter(w, PREFIX + "final_layer_norm.bias", d);
        if (c.tiedEmbeddings() && !w.has("embed_out.weight")) {
            embedOut = embedIn;
        } else {
            embedOut = w.load("embed_out.weight", c.vocabSize(), d);
        }
        parameterCount = w.parameters();
        scale = constant((float) (1.0 / Math.sqrt(c.headDim())));
        eps = (float) c.normEps();
    }

    /**
     * Regroups the fused projection's rows from NeoX's {@code [head][q|k|v][head_dim]} to
     * {@code [q|k|v][head][head_dim]}; {@code cols} is the row length (d for the weight, 1 for the bias).
     */
    static float[] perHeadToBlocks(float[] stored, ModelConfig c, long cols) {
        int heads = c.numHeads();
        int hd = c.headDim();
        int row = Math.toIntExact(cols);
        float[] out = new float[stored.length];
        for (int h = 0; h < heads; h++) {
            for (int part = 0; part < 3; part++) {
                for (int i = 0; i < hd; i++) {
                    int from = (h * 3 * hd + part * hd + i) * row;
                    int to = (part * heads * hd + h * hd + i) * row;
                    System.arraycopy(stored, from, out, to, row);
                }
            }
        }
        return out;
    }

    @Override
    protected NDArray head() {
        return embedOut;
    }

    @Override
    public NDArray embed(NDArray ids) {
        return embedding(ids, embedIn);
    }

    @Override
    public NDArray embeddingTable() {
        return embedIn;
    }

    @Override
    protected NDArray trunk(NDArray inputEmbeds, PassProbe probe) {
        checkInput(inputEmbeds);
        long b = inputEmbeds.getShape().get(0);
        int n = (int) inputEmbeds.getShape().get(1);
        int h = config.numHeads();
        int hd = config.headDim();
        long dim = (long) h * hd;
        NDArray[] rot = rotaryTables(n);
        NDArray x = toCompute(inputEmbeds);
        probe.residual(0, PassProbe.Site.AFTER_LAYER, x);
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            NDList qkv = linear(layerNorm(x, l.ln1Weight, l.ln1Bias, eps), l.qkv, l.qkvBias)
                    .split(new long[] {dim, 2 * dim}, 2);
            NDArray q = rope(heads(qkv.get(0), b, n, h, hd), rot);
            NDArray k = rope(heads(qkv.get(1), b, n, h, hd), rot);
            NDArray v = heads(qkv.get(2), b, n, h, hd);
            NDArray attn = linear(merge(attention(q, k, v, scale, n, i + 1, probe), b, n, h, hd), l.dense, l.denseBias);
            if (config.parallelResidual()) {
                NDArray mlp = mlp(layerNorm(x, l.ln2Weight, l.ln2Bias, eps), l);
                if (probe != PassProbe.NONE) { // the sum (mlp + attn) + x keeps HF's order; this one is extra
                    probe.residual(i + 1, PassProbe.Site.AFTER_ATTENTION, attn.add(x));
                }
                x = mlp.add(attn).add(x);
            } else {
                x = attn.add(x);
                probe.residual(i + 1, PassProbe.Site.AFTER_ATTENTION, x);
                x = mlp(layerNorm(x, l.ln2Weight, l.ln2Bias, eps), l).add(x);
            }
            probe.residual(i + 1, PassProbe.Site.AFTER_LAYER, x);
        }
        return finalNorm(x);
    }

    @Override
    protected NDArray finalNorm(NDArray x) {
        return layerNorm(x, finalWeight, finalBias, eps);
    }

    private NDArray mlp(NDArray hs, Layer l) {
        return linear(activation(linear(hs, l.up, l.upBias)), l.down, l.downBias);
    }
}
