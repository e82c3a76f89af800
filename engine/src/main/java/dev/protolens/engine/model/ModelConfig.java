package dev.protolens.engine.model;

/**
 * Everything a forward pass needs to know about a checkpoint, from config.json or GGUF metadata.
 *
 * @param modelType       config.json's model_type ("llama", "mistral", "qwen2", "qwen3", "gpt_neox", "gpt2")
 * @param headDim         per-head width (config's head_dim, else hidden/heads)
 * @param rotaryDim       how many of each head's dims are rotated (head_dim, or rotary_pct*head_dim for NeoX)
 * @param ropeScaling     null when absent
 * @param attentionBias   q/k/v projections carry biases (Qwen2; always for GPT-2/NeoX)
 * @param qkNorm          per-head RMSNorm on q and k before RoPE (Qwen3)
 * @param parallelResidual x + attn(ln1(x)) + mlp(ln2(x)) (NeoX)
 * @param activation      "silu", "gelu" (erf), "gelu_new" / "gelu_pytorch_tanh" (tanh approximation)
 * @param interleavedRope the weights use Meta's layout (RoPE on adjacent pairs); converted to the HF half-split
 *                        layout when loaded, so the forward pass has one RoPE
 * @param storedDtype     dtype the weights are stored in ("float32", "bfloat16", "float16", "q8_0", ...)
 */
public record ModelConfig(
        Architecture architecture,
        String modelType,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int rotaryDim,
        int intermediateSize,
        int vocabSize,
        int maxPositions,
        double normEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tiedEmbeddings,
        boolean attentionBias,
        boolean qkNorm,
        boolean parallelResidual,
        String activation,
        boolean interleavedRope,
        int bosTokenId,
        int eosTokenId,
        String storedDtype) {

    public ModelConfig {
        if (hiddenSize <= 0 || numLayers <= 0 || numHeads <= 0 || numKvHeads <= 0 || headDim <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
    }

    public int groupSize() {
        return numHeads / numKvHeads;
    }

    /** A short human description: "llama · 5 layers · d=64 · 8 heads (4 KV) · vocab 512". */
    public String summary() {
        String kv = numKvHeads == numHeads ? "" : " (" + numKvHeads + " KV)";
        return modelType + " · " + numLayers + " layers · d=" + hiddenSize + " · " + numHeads + " heads" + kv
                + " · vocab " + vocabSize;
    }

    public ModelConfig withStoredDtype(String dtype) {
        return new ModelConfig(architecture, modelType, hiddenSize, numLayers, numHeads, numKvHeads, headDim,
                rotaryDim, intermediateSize, vocabSize, maxPositions, normEps, ropeTheta, ropeScaling,
                tiedEmbeddings, attentionBias, qkNorm, parallelResidual, activation, interleavedRope,
                bosTokenId, eosTokenId, dtype);
    }

    public ModelConfig withTiedEmbeddings(boolean tied) {
        return new ModelConfig(architecture, modelType, hiddenSize, numLayers, numHeads, numKvHeads, headDim,
                rotaryDim, intermediateSize, vocabSize, maxPositions, normEps, ropeTheta, ropeScaling,
                tied, attentionBias, qkNorm, parallelResidual, activation, interleavedRope,
                bosTokenId, eosTokenId, storedDtype);
    }
}
