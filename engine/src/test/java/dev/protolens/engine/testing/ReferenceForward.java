package dev.protolens.engine.testing;

import dev.protolens.engine.weights.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A plain-Java float64 forward pass for every family, written from transformers' modeling files
 * ({@code modeling_llama.py}, {@code modeling_qwen2.py}, {@code modeling_qwen3.py}, {@code modeling_mistral.py},
 * {@code modeling_gpt_neox.py}, {@code modeling_gpt2.py}) and independent of the engine's model code: it reads
 * config.json itself, reads every tensor in its stored layout by name, and spells out each product as a loop
 * over the stored index order (nn.Linear rows are (out, in), GPT-2 Conv1D is (in, out), NeoX's fused qkv rows
 * are [head][q|k|v][head_dim]). A transposed, mis-split or ignored weight cannot agree with it.
 *
 * <p>One sequence at a time: {@code logits(x)} takes (N, d) input embeddings and returns (N, vocab). Only for
 * tiny models and short inputs: it is O(N^2 d + N d^2) per layer with no blocking.
 */
public final class ReferenceForward {
    private final JsonNode c;
    private final Map<String, double[]> w = new HashMap<>();
    private final String type;
    private final int d;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final int vocab;
    private int removedLayer = -1;
    private java.util.function.BiPredicate<Integer, Integer> removed = (i, j) -> false;

    private ReferenceForward(Path dir) {
        try {
            c = new ObjectMapper().readTree(Files.readString(dir.resolve("config.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            for (var t : f.tensors()) {
                if (!t.type().isFloatingPoint()) {
                    continue; // e.g. a BOOL causal-mask buffer
                }
                float[] v = f.floats(t.name());
                double[] dv = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    dv[i] = v[i];
                }
                w.put(t.name(), dv);
            }
        }
        type = c.get("model_type").asString();
        if (type.equals("gpt2")) {
            d = c.get("n_embd").asInt();
            layers = c.get("n_layer").asInt();
            heads = c.get("n_head").asInt();
            kvHeads = heads;
            headDim = d / heads;
        } else {
            d = c.get("hidden_size").asInt();
            layers = c.get("num_hidden_layers").asInt();
            heads = c.get("num_attention_heads").asInt();
            kvHeads = c.path("num_key_value_heads").isNumber() ? c.get("num_key_value_heads").asInt() : heads;
            headDim = c.path("head_dim").isNumber() ? c.get("head_dim").asInt() : d / heads;
        }
        vocab = c.get("vocab_size").asInt();
    }

    /** Reads config.json and model.safetensors of a (small, single-file) Hugging Face folder. */
    public static ReferenceForward open(Path dir) {
        return new ReferenceForward(dir);
    }

    public int hiddenSize() {
        return d;
    }

    public int vocabSize() {
        return vocab;
    }

    /** Token ids to input embeddings (N, d): rows of the input embedding table. */
    public double[][] embed(long[] ids) {
        double[] table = get(switch (type) {
            case "gpt2" -> gpt2Prefix() + "wte.weight";
            case "gpt_neox" -> "gpt_neox.embed_in.weight";
            default -> "model.embed_tokens.weight";
        });
        double[][] x = new double[ids.length][d];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(table, Math.toIntExact(ids[i] * d), x[i], 0, d);
        }
        return x;
    }

    /** Input embeddings (N, d) to logits (N, vocab), positions 0..N-1, causal. */
    public double[][] logits(double[][] inputEmbeds) {
        return switch (type) {
            case "llama", "mistral", "qwen2", "qwen3" -> llama(inputEmbeds);
            case "gpt_neox" -> neox(inputEmbeds);
            case "gpt2" -> gpt2(inputEmbeds);
            default -> throw new IllegalArgumentException(type);
        };
    }

    /**
     * The pass with the attention of query i to key j removed (probability 0, the row renormalised) in decoder layer
     * {@code layer} (from 1) wherever {@code removes} says so: a knock-out, written as a skipped key.
     */
    public double[][] logitsWithout(double[][] inputEmbeds, int layer, java.util.function.BiPredicate<Integer, Integer> removes) {
        removedLayer = layer;
        removed = removes;
        try {
            return logits(inputEmbeds);
        } finally {
            removedLayer = -1;
        }
    }

    public double[][] logitsForTokens(long[] ids) {
        return logits(embed(ids));
    }

    // ---- Llama family: LlamaDecoderLayer / Qwen2DecoderLayer / Qwen3DecoderLayer / MistralDecoderLayer ----

    private double[][] llama(double[][] x0) {
        int n = x0.length;
        double eps = c.path("rms_norm_eps").asDouble(1e-6);
        boolean qkvBias = type.equals("qwen2") || (!type.equals("mistral") && c.path("attention_bias").asBoolean(false));
        boolean oBias = !type.equals("qwen2") && qkvBias;
        double[] invFreq = llamaInvFreq();
        double[][] x = copy(x0);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] h = new double[n][];
            for (int i = 0; i < n; i++) {
                h[i] = rmsNorm(x[i], get(p + "input_layernorm.weight"), eps);
            }
            double[][][] q = new double[n][][];
            double[][][] k = new double[n][][];
            double[][][] v = new double[n][][];
            for (int i = 0; i < n; i++) {
                q[i] = split(linear(h[i], get(p + "self_attn.q_proj.weight"), qkvBias ? get(p + "self_attn.q_proj.bias") : null), heads);
                k[i] = split(linear(h[i], get(p + "self_attn.k_proj.weight"), qkvBias ? get(p + "self_attn.k_proj.bias") : null), kvHeads);
                v[i] = split(linear(h[i], get(p + "self_attn.v_proj.weight"), qkvBias ? get(p + "self_attn.v_proj.bias") : null), kvHeads);
                for (int hh = 0; hh < heads; hh++) {
                    if (type.equals("qwen3")) {
                        q[i][hh] = rmsNorm(q[i][hh], get(p + "self_attn.q_norm.weight"), eps);
                    }
                    q[i][hh] = rotateHalfRope(q[i][hh], i, invFreq, headDim);
                }
                for (int hh = 0; hh < kvHeads; hh++) {
                    if (type.equals("qwen3")) {
                        k[i][hh] = rmsNorm(k[i][hh], get(p + "self_attn.k_norm.weight"), eps);
                    }
                    k[i][hh] = rotateHalfRope(k[i][hh], i, invFreq, headDim);
                }
            }
            double[][] attn = attention(q, k, v, heads / kvHeads, l + 1);
            for (int i = 0; i < n; i++) {
                double[] o = linear(attn[i], get(p + "self_attn.o_proj.weight"), oBias ? get(p + "self_attn.o_proj.bias") : null);
                add(x[i], o);
                double[] hs = rmsNorm(x[i], get(p + "post_attention_layernorm.weight"), eps);
                double[] gate = linear(hs, get(p + "mlp.gate_proj.weight"), null);
                double[] up = linear(hs, get(p + "mlp.up_proj.weight"), null);
                for (int j = 0; j < gate.length; j++) {
                    gate[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
                }
                add(x[i], linear(gate, get(p + "mlp.down_proj.weight"), null));
            }
        }
        boolean tied = c.path("tie_word_embeddings").asBoolean(false);
        double[] head = tied && !w.containsKey("lm_head.weight") ? get("model.embed_tokens.weight") : get("lm_head.weight");
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = linear(rmsNorm(x[i], get("model.norm.weight"), eps), head, null);
        }
        return out;
    }

    /** transformers' default and llama3 RoPE inverse frequencies, in float64. */
    private double[] llamaInvFreq() {
        double theta = c.path("rope_theta").asDouble(10000.0);
        double[] inv = defaultInvFreq(theta, headDim);
        JsonNode s = c.get("rope_scaling");
        if (s == null || s.isNull()) {
            return inv;
        }
        String rt = s.path("rope_type").asString(s.path("type").asString(""));
        if (!rt.equals("llama3")) {
            throw new IllegalArgumentException("reference: rope_scaling " + rt);
        }
        // _compute_llama3_parameters
        double factor = s.get("factor").asDouble();
        double low = s.get("low_freq_factor").asDouble();
        double high = s.get("high_freq_factor").asDouble();
        double old = s.get("original_max_position_embeddings").asDouble();
        double lowWavelen = old / low;
        double highWavelen = old / high;
        for (int j = 0; j < inv.length; j++) {
            double wavelen = 2 * Math.PI / inv[j];
            double scaled = wavelen > lowWavelen ? inv[j] / factor : inv[j];
            boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            if (medium) {
                double smooth = (old / wavelen - low) / (high - low);
                scaled = (1 - smooth) * scaled / factor + smooth * scaled;
            }
            inv[j] = scaled;
        }
        return inv;
    }

    private static double[] defaultInvFreq(double theta, int dim) {
        double[] inv = new double[dim / 2];
        for (int j = 0; j < inv.length; j++) {
            inv[j] = 1.0 / Math.pow(theta, (2.0 * j) / dim);
        }
        return inv;
    }

    /**
     * apply_rotary_pos_emb on the first {@code rot} dims: emb = cat(freqs, freqs), q*cos + rotate_half(q)*sin,
     * rotate_half(q) = cat(-q2, q1) over those dims; the rest passes through (NeoX's partial rotary).
     */
    private static double[] rotateHalfRope(double[] q, int pos, double[] invFreq, int rot) {
        double[] out = q.clone();
        int half = rot / 2;
        for (int j = 0; j < rot; j++) {
            double angle = pos * invFreq[j % half];
            double rotated = j < half ? -q[j + half] : q[j - half];
            out[j] = q[j] * Math.cos(angle) + rotated * Math.sin(angle);
        }
        return out;
    }

    /**
     * Causal softmax attention per position i and head h; query head h reads key/value head
     * h / group (repeat_kv repeats each KV head group times, consecutively). Returns (N, heads*head_dim).
     */
    private double[][] attention(double[][][] q, double[][][] k, double[][][] v, int group, int layer) {
        int n = q.length;
        double scale = 1.0 / Math.sqrt(headDim);
        double[][] out = new double[n][heads * headDim];
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < heads; h++) {
                int kvh = h / group;
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    s[j] = layer == removedLayer && removed.test(i, j) ? Double.NEGATIVE_INFINITY
                            : dot(q[i][h], k[j][kvh]) * scale;
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j <= i; j++) {
                    double pj = s[j] / sum;
                    for (int t = 0; t < headDim; t++) {
                        out[i][h * headDim + t] += pj * v[j][kvh][t];
                    }
                }
            }
        }
        return out;
    }

    // ---- GPT-NeoX: GPTNeoXLayer ----

    private double[][] neox(double[][] x0) {
        int n = x0.length;
        double eps = c.path("layer_norm_eps").asDouble(1e-5);
        double pct = c.path("rotary_pct").asDouble(1.0);
        int rot = (int) (headDim * pct);
        double base = c.has("rotary_emb_base") ? c.get("rotary_emb_base").asDouble() : c.path("rope_theta").asDouble(10000);
        double[] invFreq = defaultInvFreq(base, rot);
        boolean parallel = c.path("use_parallel_residual").asBoolean(true);
        String act = c.path("hidden_act").asString("gelu");
        double[][] x = copy(x0);
        for (int l = 0; l < layers; l++) {
            String p = "gpt_neox.layers." + l + ".";
            double[][][] q = new double[n][heads][headDim];
            double[][][] k = new double[n][heads][headDim];
            double[][][] v = new double[n][heads][headDim];
            for (int i = 0; i < n; i++) {
                double[] h = layerNorm(x[i], get(p + "input_layernorm.weight"), get(p + "input_layernorm.bias"), eps);
                double[] qkv = linear(h, get(p + "attention.query_key_value.weight"), get(p + "attention.query_key_value.bias"));
                // view(..., heads, 3 * head_size): q = [..., :hs], k = [..., hs:2hs], v = [..., 2hs:]
                for (int hh = 0; hh < heads; hh++) {
                    for (int t = 0; t < headDim; t++) {
                        q[i][hh][t] = qkv[hh * 3 * headDim + t];
                        k[i][hh][t] = qkv[hh * 3 * headDim + headDim + t];
                        v[i][hh][t] = qkv[hh * 3 * headDim + 2 * headDim + t];
                    }
                    q[i][hh] = rotateHalfRope(q[i][hh], i, invFreq, rot);
                    k[i][hh] = rotateHalfRope(k[i][hh], i, invFreq, rot);
                }
            }
            double[][] attn = attention(q, k, v, 1, l + 1);
            double[][] next = new double[n][];
            for (int i = 0; i < n; i++) {
                double[] a = linear(attn[i], get(p + "attention.dense.weight"), get(p + "attention.dense.bias"));
                if (parallel) {
                    double[] m = neoxMlp(layerNorm(x[i], get(p + "post_attention_layernorm.weight"),
                            get(p + "post_attention_layernorm.bias"), eps), p, act);
                    next[i] = new double[d];
                    for (int j = 0; j < d; j++) {
                        next[i][j] = m[j] + a[j] + x[i][j];
                    }
                } else {
                    double[] y = x[i].clone();
                    add(y, a);
                    double[] m = neoxMlp(layerNorm(y, get(p + "post_attention_layernorm.weight"),
                            get(p + "post_attention_layernorm.bias"), eps), p, act);
                    add(y, m);
                    next[i] = y;
                }
            }
            x = next;
        }
        double[] head = c.path("tie_word_embeddings").asBoolean(false) && !w.containsKey("embed_out.weight")
                ? get("gpt_neox.embed_in.weight") : get("embed_out.weight");
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = linear(layerNorm(x[i], get("gpt_neox.final_layer_norm.weight"), get("gpt_neox.final_layer_norm.bias"), eps),
                    head, null);
        }
        return out;
    }

    private double[] neoxMlp(double[] h, String p, String act) {
        double[] up = linear(h, get(p + "mlp.dense_h_to_4h.weight"), get(p + "mlp.dense_h_to_4h.bias"));
        for (int j = 0; j < up.length; j++) {
            up[j] = activation(act, up[j]);
        }
        return linear(up, get(p + "mlp.dense_4h_to_h.weight"), get(p + "mlp.dense_4h_to_h.bias"));
    }

    // ---- GPT-2: GPT2Block, Conv1D weights (in, out) ----

    private String gpt2Prefix() {
        return w.containsKey("transformer.wte.weight") ? "transformer." : "";
    }

    private double[][] gpt2(double[][] x0) {
        int n = x0.length;
        String pre = gpt2Prefix();
        double eps = c.path("layer_norm_epsilon").asDouble(1e-5);
        String act = c.path("activation_function").asString("gelu_new");
        double[] wpe = get(pre + "wpe.weight");
        double[][] x = copy(x0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] += wpe[i * d + j];
            }
        }
        for (int l = 0; l < layers; l++) {
            String p = pre + "h." + l + ".";
            double[][][] q = new double[n][heads][headDim];
            double[][][] k = new double[n][heads][headDim];
            double[][][] v = new double[n][heads][headDim];
            for (int i = 0; i < n; i++) {
                double[] h = layerNorm(x[i], get(p + "ln_1.weight"), get(p + "ln_1.bias"), eps);
                double[] qkv = conv1d(h, get(p + "attn.c_attn.weight"), get(p + "attn.c_attn.bias"));
                // qkv.split(n_embd, dim=2), then _split_heads: view(..., heads, head_dim)
                for (int hh = 0; hh < heads; hh++) {
                    for (int t = 0; t < headDim; t++) {
                        q[i][hh][t] = qkv[hh * headDim + t];
                        k[i][hh][t] = qkv[d + hh * headDim + t];
                        v[i][hh][t] = qkv[2 * d + hh * headDim + t];
                    }
                }
            }
            double[][] attn = attention(q, k, v, 1, l + 1);
            for (int i = 0; i < n; i++) {
                add(x[i], conv1d(attn[i], get(p + "attn.c_proj.weight"), get(p + "attn.c_proj.bias")));
                double[] h = layerNorm(x[i], get(p + "ln_2.weight"), get(p + "ln_2.bias"), eps);
                double[] fc = conv1d(h, get(p + "mlp.c_fc.weight"), get(p + "mlp.c_fc.bias"));
                for (int j = 0; j < fc.length; j++) {
                    fc[j] = activation(act, fc[j]);
                }
                add(x[i], conv1d(fc, get(p + "mlp.c_proj.weight"), get(p + "mlp.c_proj.bias")));
            }
        }
        double[] head = w.containsKey("lm_head.weight") ? get("lm_head.weight") : get(pre + "wte.weight");
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = linear(layerNorm(x[i], get(pre + "ln_f.weight"), get(pre + "ln_f.bias"), eps), head, null);
        }
        return out;
    }

    // ---- building blocks ----

    private double[] get(String name) {
        double[] v = w.get(name);
        if (v == null) {
            throw new IllegalArgumentException("reference: tensor " + name + " is missing");
        }
        return v;
    }

    /** nn.Linear: weight (out, in), y[o] = sum_i W[o, i] x[i] + b[o]. */
    static double[] linear(double[] x, double[] weight, double[] bias) {
        int in = x.length;
        int out = weight.length / in;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = bias == null ? 0 : bias[o];
            for (int i = 0; i < in; i++) {
                s += weight[o * in + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    /** GPT-2 Conv1D: weight (in, out), y[o] = sum_i x[i] W[i, o] + b[o]. */
    static double[] conv1d(double[] x, double[] weight, double[] bias) {
        int in = x.length;
        int out = weight.length / in;
        double[] y = bias.clone();
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                y[o] += x[i] * weight[i * out + o];
            }
        }
        return y;
    }

    static double[] rmsNorm(double[] x, double[] weight, double eps) {
        double ms = 0;
        for (double v : x) {
            ms += v * v;
        }
        double r = 1.0 / Math.sqrt(ms / x.length + eps);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = weight[i] * (x[i] * r);
        }
        return y;
    }

    /** nn.LayerNorm: biased variance. */
    static double[] layerNorm(double[] x, double[] weight, double[] bias, double eps) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        double r = 1.0 / Math.sqrt(var + eps);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) * r * weight[i] + bias[i];
        }
        return y;
    }

    /** transformers' ACT2FN. */
    static double activation(String name, double x) {
        return switch (name) {
            case "gelu" -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" ->
                    0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case "relu" -> Math.max(0, x);
            case "silu" -> x / (1 + Math.exp(-x));
            default -> throw new IllegalArgumentException("reference: activation " + name);
        };
    }

    /**
     * erf to about 1e-14: its Maclaurin series for |x| <= 2 (terms cancel at most e^4-fold), the continued
     * fraction of erfc beyond (which converges fast there).
     */
    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a <= 2) {
            double term = a;
            double sum = a;
            for (int k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
                term *= -a * a / k;
                sum += term / (2 * k + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double t = a;
            for (int k = 200; k >= 1; k--) {
                t = a + (k / 2.0) / t;
            }
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / t;
        }
        return x < 0 ? -r : r;
    }

    private double[][] split(double[] flat, int h) {
        double[][] out = new double[h][headDim];
        for (int i = 0; i < h; i++) {
            System.arraycopy(flat, i * headDim, out[i], 0, headDim);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void add(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    private static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
        }
        return y;
    }
}
