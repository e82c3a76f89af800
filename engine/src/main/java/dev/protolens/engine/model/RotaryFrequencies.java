package dev.protolens.engine.model;

/**
 * RoPE inverse frequencies {@code 1 / theta^(2j / rotaryDim)}, computed in float32 like HF's
 * {@code _compute_default_rope_parameters}, with Llama-3 and linear {@code rope_scaling} applied.
 */
final class RotaryFrequencies {
    private RotaryFrequencies() {}

    static float[] inverseFrequencies(ModelConfig c) {
        int dim = c.rotaryDim();
        float[] inv = new float[dim / 2];
        for (int j = 0; j < inv.length; j++) {
            float exponent = (float) (2 * j) / dim;
            inv[j] = 1.0f / (float) Math.pow(c.ropeTheta(), exponent);
        }
        RopeScaling s = c.ropeScaling();
        if (s == null) {
            return inv;
        }
        switch (s.type()) {
            case "linear" -> {
                for (int j = 0; j < inv.length; j++) {
                    inv[j] = (float) (inv[j] / s.factor());
                }
            }
            case "llama3" -> llama3(inv, s);
            default -> throw new IllegalStateException("rope_scaling " + s.type());
        }
        return inv;
    }

    /** transformers' {@code _compute_llama3_parameters}: long wavelengths slowed by factor, a smooth band between. */
    private static void llama3(float[] inv, RopeScaling s) {
        double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
        for (int j = 0; j < inv.length; j++) {
            double wavelen = 2 * Math.PI / inv[j];
            double f = wavelen > lowWavelen ? inv[j] / s.factor() : inv[j];
            if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                f = (1 - smooth) * f / s.factor() + smooth * f;
            }
            inv[j] = (float) f;
        }
    }
}
