package dev.protolens.engine.model;

/** The forward-pass families ProtoLens implements; each {@code model_type} maps to one. */
public enum Architecture {
    /** llama, mistral, qwen2 (q/k/v bias), qwen3 (q/k RMSNorm); RMSNorm, RoPE, SwiGLU, GQA. */
    LLAMA,
    /** Pythia: LayerNorm with bias, parallel residual, partial rotary, fused QKV, GELU MLP. */
    GPT_NEOX,
    /** GPT-2: learned positions, LayerNorm, Conv1D (in, out) weights, fused QKV, gelu_new MLP. */
    GPT2
}
