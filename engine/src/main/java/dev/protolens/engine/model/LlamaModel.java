package dev.protolens.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The Llama family as Hugging Face computes it ({@code modeling_llama.py}): llama, mistral, qwen2 (q/k/v
 * biases), qwen3 (per-head q/k RMSNorm). Pre-norm blocks
 * {@code x += o_proj(attn(rope(q), rope(k), v)); x += down_proj(silu(gate_proj(h)) * up_proj(h))}.
 *
 * <p>At load time q, k and v are fused into one projection and gate and up into another, so a layer costs
 * two large matmuls fewer calls into libtorch; the arithmetic per output element is unchanged.
 */
final class LlamaModel extends TransformerModel {
    private record Layer(NDArray inputNorm, NDArray qkv, NDArray qkvBias, NDArray qNorm, NDArray kNorm, NDArray o,
                         NDArray oBias, NDArray postNorm, NDArray gateUp, NDArray down) {}

    private final NDArray embedTokens;
    private final NDArray lmHead;
    private final NDArray finalNorm;
    private final Layer[] layers;
    private final NDArray eps;
    private final NDArray scale;

    LlamaModel(ModelConfig c, WeightLoader w, NDManager manager, DataType compute) {
        super(c, manager, compute);
        long d = c.hiddenSize();
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKvHeads() * c.headDim();
        embedTokens = w.load("model.embed_tokens.weight", c.vocabSize(), d);
        layers = new Layer[c.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            NDArray q = projection(w, c, p + "self_attn.q_proj.weight", qDim, d, c.numHeads());
            NDArray k = projection(w, c, p + "self_attn.k_proj.weight", kvDim, d, c.numKvHeads());
            NDArray v = w.load(p + "self_attn.v_proj.weight", kvDim, d);
            NDArray qkv = fuse(q, k, v);
            NDArray qkvBias = null;
            if (c.attentionBias()) {
                qkvBias = fuse(w.load(p + "self_attn.q_proj.bias", qDim), w.load(p + "self_attn.k_proj.bias", kvDim),
                        w.load(p + "self_attn.v_proj.bias", kvDim));
            }
            NDArray qn = null;
            NDArray kn = null;
            if (c.qkNorm()) {
                qn = w.load(p + "self_attn.q_norm.weight", c.headDim());
                kn = w.load(p + "self_attn.k_norm.weight", c.headDim());
            }
            // transformers: Llama and Qwen3 give o_proj a bias when attention_bias is set, Qwen2 never does
            NDArray oBias = c.attentionBias() && !c.modelType().equals("qwen2")
                    ? w.load(p + "self_attn.o_proj.bias", d) : null;
            NDArray gateUp = fuse(w.load(p + "mlp.gate_proj.weight", c.intermediateSize(), d),
                    w.load(p + "mlp.up_proj.weight", c.intermediateSize(), d));
            layers[i] = new Layer(w.load(p + "input_layernorm.weight", d), qkv, qkvBias, qn, kn,
                    w.load(p + "self_attn.o_proj.weight", d, qDim), oBias, w.load(p + "post_attention_layernorm.weight", d),
                    gateUp, w.load(p + "mlp.down_proj.weight", d, c.intermediateSize()));
        }
        finalNorm = w.load("model.norm.weight", d);
        // some checkpoints tie the head but still store lm_head.weight; an untied config without it is an error
        if (c.tiedEmbeddings() && !w.has("lm_head.weight")) {
            lmHead = embedTokens;
        } else {
            lmHead = w.load("lm_head.weight", c.vocabSize(), d);
        }
        parameterCount = w.parameters();
        eps = constant32((float) c.normEps());
        scale = constant((float) (1.0 / Math.sqrt(c.headDim())));
    }

    /** q/k projection; GGUF's Meta layout (RoPE on adjacent pairs) is permuted to HF's half-split rows. */
    private static NDArray projection(WeightLoader w, ModelConfig c, String name, long rows, long cols, int heads) {
        if (!c.interleavedRope()) {
            return w.load(name, rows, cols);
        }
        float[] meta = w.floats(name, rows, cols);
        float[] hf = MetaLayout.toHalfSplit(meta, heads, (int) (rows / heads), (int) cols);
        return w.fromFloats(hf, rows, cols);
    }

    private static NDArray fuse(NDArray... parts) {
        NDArray f = NDArrays.concat(new NDList(parts), 0);
        for (NDArray p : parts) {
            p.close();
        }
        return f;
    }

    @Override
    protected NDArray head() {
        return lmHead;
    }

    @Override
    public NDArray embed(NDArray ids) {
        return embedding(ids, embedTokens);
    }

    @Override
    public NDArray embeddingTable() {
        return embedTokens;
    }

    @Override
    protected NDArray trunk(NDArray inputEmbeds, PassProbe probe) {
        checkInput(inputEmbeds);
        long b = inputEmbeds.getShape().get(0);
        int n = (int) inputEmbeds.getShape().get(1);
        int h = config.numHeads();
        int kvh = config.numKvHeads();
        int hd = config.headDim();
        long qDim = (long) h * hd;
        long kvDim = (long) kvh * hd;
        NDArray[] rot = rotaryTables(n);
        NDArray x = toCompute(inputEmbeds);
        probe.residual(0, PassProbe.Site.AFTER_LAYER, x);
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            NDArray hs = rmsNorm(x, l.inputNorm, eps);
            NDList qkv = linear(hs, l.qkv, l.qkvBias).split(new long[] {qDim, qDim + kvDim}, 2);
            NDArray q = heads(qkv.get(0), b, n, h, hd);
            NDArray k = heads(qkv.get(1), b, n, kvh, hd);
            NDArray v = heads(qkv.get(2), b, n, kvh, hd);
            if (l.qNorm != null) {
                q = rmsNorm(q, l.qNorm, eps);
                k = rmsNorm(k, l.kNorm, eps);
            }
            q = rope(q, rot);
            k = rope(k, rot);
            NDArray attn = attention(q, k, v, scale, n, i + 1, probe);
            x = x.add(linear(merge(attn, b, n, h, hd), l.o, l.oBias));
            probe.residual(i + 1, PassProbe.Site.AFTER_ATTENTION, x);
            hs = rmsNorm(x, l.postNorm, eps);
            NDList gu = linear(hs, l.gateUp, null).split(2, 2);
            x = x.add(linear(silu(gu.get(0)).mul(gu.get(1)), l.down, null));
            probe.residual(i + 1, PassProbe.Site.AFTER_LAYER, x);
        }
        return finalNorm(x);
    }

    @Override
    protected NDArray finalNorm(NDArray x) {
        return rmsNorm(x, finalNorm, eps);
    }
}
