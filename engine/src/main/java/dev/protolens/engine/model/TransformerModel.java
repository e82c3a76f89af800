package dev.protolens.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the families share: the frozen weights' manager, the numerical building blocks in HF's conventions
 * (RMSNorm / LayerNorm and softmax in fp32, RoPE tables), and the causal attention core.
 *
 * <p>Two DJL rules shape this class. Constants that enter the autograd graph are long-lived NDArrays owned by
 * the model's manager: a Java scalar ({@code x.mul(0.5f)}) becomes a temporary whose buffer autograd may
 * read after it was freed, and gradients turn NaN. And every operation is called on the activation, never on
 * a weight, so its result belongs to the caller's (per-step) manager instead of piling up in the model's.
 */
abstract class TransformerModel implements LanguageModel {
    protected final ModelConfig config;
    protected final NDManager manager;
    /** Type the weights and activations are computed in: fp32 on CPU, the stored half type on a GPU. */
    protected final DataType compute;
    protected final boolean half;
    private final Map<Integer, NDArray> masks = new ConcurrentHashMap<>();
    private final Map<Integer, NDArray[]> rotary = new ConcurrentHashMap<>();
    private final Map<Float, NDArray> constants = new ConcurrentHashMap<>();
    private final Map<Float, NDArray> constants32 = new ConcurrentHashMap<>();
    private NDArray rotateHalf;
    /** A dimensioned fp32 one: multiplying a half tensor by it promotes the product to fp32 (see {@link #cast}). */
    private final NDArray one32;
    private final VocabArgmax vocabArgmax = new VocabArgmax(this::head);
    protected long parameterCount;

    protected TransformerModel(ModelConfig config, NDManager manager, DataType compute) {
        this.config = config;
        this.manager = manager;
        this.compute = compute;
        this.half = compute != DataType.FLOAT32;
        this.one32 = manager.ones(new Shape(1));
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public long parameterCount() {
        return parameterCount;
    }

    @Override
    public NDArray logits(NDArray inputEmbeds) {
        return logits(inputEmbeds, PassProbe.NONE);
    }

    @Override
    public NDArray logits(NDArray inputEmbeds, PassProbe probe) {
        return finishLogits(linear(trunk(inputEmbeds, probe), head(), null));
    }

    @Override
    public Trace trace(NDArray inputEmbeds) {
        List<NDArray> residual = new ArrayList<>();
        NDArray normed = trunk(inputEmbeds, new PassProbe() {
            @Override
            public void residual(int layer, Site site, NDArray stream) {
                if (site == Site.AFTER_LAYER) {
                    residual.add(stream);
                }
            }
        });
        return new Trace(residual, normed, finishLogits(linear(normed, head(), null)));
    }

    @Override
    public NDArray readOut(NDArray residual) {
        return finishLogits(linear(finalNorm(toCompute(residual)), head(), null));
    }

    @Override
    public HeadReading read(NDArray residual, long[] target) {
        NDArray normed = finalNorm(toCompute(residual));
        if (!half && !normed.getDevice().isGpu()) {
            return vocabArgmax.read(normed, target);
        }
        NDArray logp = finishLogits(linear(normed, head(), null)).logSoftmax(-1);
        long[] index = new long[target.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = Math.max(0, target[i]);
        }
        float[] t = logp.gather(logp.getManager().create(index, new Shape(logp.getShape().get(0),
                logp.getShape().get(1), 1)), 2).toFloatArray();
        for (int i = 0; i < t.length; i++) {
            t[i] = target[i] < 0 ? Float.NaN : t[i];
        }
        return new HeadReading(t, logp.argMax(2).toLongArray(), logp.max(new int[] {2}).toFloatArray());
    }

    @Override
    public long[] argmaxTokens(NDArray inputEmbeds, int from) {
        return argmaxTokens(inputEmbeds, from, PassProbe.NONE);
    }

    @Override
    public long[] argmaxTokens(NDArray inputEmbeds, int from, PassProbe probe) {
        NDArray normed = trunk(inputEmbeds, probe);
        if (from > 0) {
            normed = normed.get(new NDIndex(":, " + from + ":, :"));
        }
        if (half || normed.getDevice().isGpu()) {
            // on a GPU the argmax over the logits is one fast kernel, and the scan below would copy them to the host
            return finishLogits(linear(normed, head(), null)).argMax(2).toLongArray();
        }
        return vocabArgmax.tokens(normed);
    }

    /**
     * The family's layers up to and including the final norm: the input of the head, (batch, N, d). The probe
     * ({@link PassProbe#NONE} for an ordinary pass) is shown the residual stream and each layer's attention.
     */
    protected abstract NDArray trunk(NDArray inputEmbeds, PassProbe probe);

    /** The family's final norm (the last step of {@link #trunk}), also the logit lens's first step. */
    protected abstract NDArray finalNorm(NDArray x);

    /** The unembedding (vocab, d): logits are {@code linear(trunk, head)}, no bias in any family we load. */
    protected abstract NDArray head();

    protected void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 3 || s.get(2) != config.hiddenSize()) {
            throw new IllegalArgumentException("input embeddings must be (batch, N, " + config.hiddenSize()
                    + "), got " + s);
        }
        if (s.get(1) > config.maxPositions()) {
            throw new dev.protolens.engine.UserError(s.get(1) + " positions exceed the model's context of "
                    + config.maxPositions() + " positions; use a shorter text.");
        }
    }

    /** A scalar constant owned by the model (see the class comment for why not a Java number). */
    protected NDArray constant(float value) {
        return constants.computeIfAbsent(value, v -> manager.create(v).toType(compute, false));
    }

    /** A float32 scalar constant, for the fp32 islands. */
    protected NDArray constant32(float value) {
        return constants32.computeIfAbsent(value, v -> manager.create(v));
    }

    protected NDArray toCompute(NDArray x) {
        return cast(x, compute);
    }

    /**
     * A type cast that gradients flow through. DJL's {@code toType} converts under libtorch's NoGradGuard, so a
     * cast inside the graph would cut e and m off from the loss (found with fp16 on the CPU: "element 0 of tensors
     * does not require grad"). Up to fp32 by type promotion (times a one-element fp32 one, owned by the model);
     * down by a cumulative product with a dtype over an added axis of size 1, which is the identity with a cast.
     */
    protected NDArray cast(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        if (type == DataType.FLOAT32) {
            return x.mul(one32);
        }
        return x.expandDims(-1).cumProd(-1, type).squeeze(-1);
    }

    protected static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /** HF LlamaRMSNorm: {@code w * (x * rsqrt(mean(x^2) + eps))}, the normalisation in fp32. */
    protected NDArray rmsNorm(NDArray x, NDArray weight, NDArray eps) {
        NDArray xf = cast(x, DataType.FLOAT32);
        NDArray normed = xf.div(xf.square().mean(new int[] {-1}, true).add(eps).sqrt());
        return cast(normed, compute).mul(weight);
    }

    /** LayerNorm over the last axis with weight and bias, in fp32. */
    protected NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        NDArray xf = cast(x, DataType.FLOAT32);
        NDArray y = LayerNorm.layerNorm(xf, new Shape(config.hiddenSize()), weight, bias, eps).singletonOrThrow();
        return cast(y, compute);
    }

    /**
     * A LayerNorm weight or bias. It stays float32 when the rest of the model is half, so {@link #layerNorm}
     * runs wholly in fp32 on a GPU too (libtorch's layer_norm wants input and parameters of one type).
     */
    protected NDArray layerNormParameter(WeightLoader w, String name, long d) {
        NDArray a = w.load(name, d);
        if (!half) {
            return a;
        }
        NDArray f = a.toType(DataType.FLOAT32, false);
        a.close();
        return f;
    }

    /**
     * Rotary tables for positions 0..n-1, in the half-split (rotate_half) layout, widened to the whole head:
     * cos is 1 and sin 0 on the dims that are not rotated (NeoX's partial rotary), so one formula
     * {@code q*cos + (q @ R)*sin} serves every family. R is rotate_half as a signed permutation matrix; its
     * products are exact.
     */
    protected NDArray[] rotaryTables(int n) {
        return rotary.computeIfAbsent(n, this::buildRotary);
    }

    private NDArray[] buildRotary(int n) {
        int hd = config.headDim();
        int rot = config.rotaryDim();
        float[] inv = RotaryFrequencies.inverseFrequencies(config);
        float[] cos = new float[n * hd];
        float[] sin = new float[n * hd];
        for (int p = 0; p < n; p++) {
            for (int j = 0; j < hd; j++) {
                if (j < rot) {
                    float freq = (float) p * inv[j % (rot / 2)];
                    cos[p * hd + j] = (float) Math.cos(freq);
                    sin[p * hd + j] = (float) Math.sin(freq);
                } else {
                    cos[p * hd + j] = 1f;
                    sin[p * hd + j] = 0f;
                }
            }
        }
        synchronized (this) {
            if (rotateHalf == null) {
                float[] r = new float[hd * hd];
                int h = rot / 2;
                for (int i = 0; i < h; i++) {
                    // (q @ R)[i] = -q[i + h] for i < h;  (q @ R)[i + h] = q[i]
                    r[(i + h) * hd + i] = -1f;
                    r[i * hd + (i + h)] = 1f;
                }
                rotateHalf = manager.create(r, new Shape(hd, hd)).toType(compute, false);
            }
        }
        return new NDArray[] {
            manager.create(cos, new Shape(n, hd)).toType(compute, false),
            manager.create(sin, new Shape(n, hd)).toType(compute, false),
            rotateHalf
        };
    }

    /** Applies RoPE to (…, N, head_dim). */
    protected static NDArray rope(NDArray x, NDArray[] tables) {
        return x.mul(tables[0]).add(x.matMul(tables[2]).mul(tables[1]));
    }

    /** Additive causal mask (N, N): 0 on and below the diagonal, the dtype's lowest value above (as HF). */
    protected NDArray causalMask(int n) {
        return masks.computeIfAbsent(n, k -> {
            float[] m = new float[k * k];
            // torch.finfo(dtype).min: fp16 stops at -65504 (a bf16 or fp32 minimum would become -inf there)
            float low = compute == DataType.FLOAT16 ? -65504f : half ? -3.3895314e38f : -Float.MAX_VALUE;
            for (int i = 0; i < k; i++) {
                for (int j = i + 1; j < k; j++) {
                    m[i * k + j] = low;
                }
            }
            return manager.create(m, new Shape(k, k)).toType(compute, false);
        });
    }

    /**
     * Causal attention of {@code layer} (from 1). q: (B, H, N, hd), k and v: (B, KV, N, hd). Grouped-query heads
     * are handled by a broadcasting matmul over (B, KV, group, N, hd) instead of copying k and v group times.
     * Softmax in fp32. The probe may add a mask (a knock-out) and is shown the probabilities.
     */
    protected NDArray attention(NDArray q, NDArray k, NDArray v, NDArray scale, int n, int layer, PassProbe probe) {
        long b = q.getShape().get(0);
        int heads = config.numHeads();
        int kv = config.numKvHeads();
        int group = heads / kv;
        int hd = config.headDim();
        NDArray scores;
        if (group == 1) {
            scores = q.matMul(k.transpose(0, 1, 3, 2));
        } else {
            NDArray qg = q.reshape(b, kv, group, n, hd);
            NDArray kt = k.reshape(b, kv, 1, n, hd).transpose(0, 1, 2, 4, 3);
            scores = qg.matMul(kt).reshape(b, heads, n, n);
        }
        scores = scores.mul(scale).add(causalMask(n));
        NDArray knockOut = probe.attentionMask(layer, n);
        if (knockOut != null) {
            scores = scores.add(toCompute(knockOut));
        }
        NDArray probs = half
                ? cast(JniUtils.softmax((PtNDArray) scores, -1, DataType.FLOAT32), compute)
                : scores.softmax(-1);
        probe.attention(layer, probs);
        if (group == 1) {
            return probs.matMul(v);
        }
        return probs.reshape(b, kv, group, n, n).matMul(v.reshape(b, kv, 1, n, hd)).reshape(b, heads, n, hd);
    }

    /** (B, N, H*hd) to (B, H, N, hd). */
    protected static NDArray heads(NDArray x, long b, int n, int h, int hd) {
        return x.reshape(b, n, h, hd).transpose(0, 2, 1, 3);
    }

    /** (B, H, N, hd) to (B, N, H*hd). */
    protected static NDArray merge(NDArray x, long b, int n, int h, int hd) {
        return x.transpose(0, 2, 1, 3).reshape(b, n, (long) h * hd);
    }

    protected NDArray finishLogits(NDArray logits) {
        return cast(logits, DataType.FLOAT32);
    }

    /** SiLU, {@code x * sigmoid(x)}. */
    protected static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /**
     * The MLP activation named by config.json, as transformers' ACT2FN computes it. "gelu" is the exact erf
     * form (libtorch's gelu); "gelu_new" (GPT-2), "gelu_pytorch_tanh" and "gelu_fast" are the same tanh
     * approximation {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, built from model-owned constants.
     */
    protected NDArray activation(NDArray x) {
        return switch (config.activation()) {
            case "gelu" -> x.getNDArrayInternal().gelu();
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> {
                NDArray inner = x.mul(x).mul(x).mul(constant(0.044715f)).add(x)
                        .mul(constant((float) Math.sqrt(2.0 / Math.PI))).tanh().add(constant(1f));
                yield x.mul(constant(0.5f)).mul(inner);
            }
            case "relu" -> x.getNDArrayInternal().relu();
            case "silu" -> silu(x);
            default -> throw new IllegalStateException("activation " + config.activation());
        };
    }

    protected static NDArray embedding(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }

    protected static NDList list(NDArray... a) {
        return new NDList(a);
    }
}
