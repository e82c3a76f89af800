package dev.protolens.engine.model;

/**
 * Meta's original Llama checkpoints (and GGUF files made from them) apply RoPE to adjacent pairs
 * (x0,x1),(x2,x3)…; Hugging Face rotates halves (x_i, x_{i+hd/2}). transformers'
 * {@code convert_llama_weights_to_hf.py} permutes the rows of q_proj and k_proj once so that the half-split
 * RoPE computes the same function; this is that permutation.
 */
public final class MetaLayout {
    private MetaLayout() {}

    /** Rows of a (heads*headDim, cols) matrix, Meta pair layout to HF half-split layout. */
    public static float[] toHalfSplit(float[] w, int heads, int headDim, int cols) {
        float[] out = new float[w.length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int s = 0; s < 2; s++) {
                for (int i = 0; i < half; i++) {
                    int dst = h * headDim + s * half + i;
                    int src = h * headDim + 2 * i + s;
                    System.arraycopy(w, src * cols, out, dst * cols, cols);
                }
            }
        }
        return out;
    }
}
