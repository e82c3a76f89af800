package dev.protolens.engine.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * torch.optim.AdamW (as in torch 1.13; see ../shared/oracle/README.md) on one (rows, d) parameter; with weight
 * decay 0 it is plain Adam. Written by hand because DJL's optimisers need a ParameterStore and a Block, and
 * this keeps the moments as arrays a checkpoint can save and restore.
 */
public final class AdamW {
    private final NDArray m1;
    private final NDArray m2;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;

    /** Moments start at zero, or at {@code m1}/{@code m2} when resuming (then both must be given). */
    public AdamW(NDManager mgr, double lr, double beta1, double beta2, double eps, double weightDecay, float[] m1,
                 float[] m2, Shape shape) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m1 = m1 != null ? mgr.create(m1, shape) : mgr.zeros(shape);
        this.m2 = m2 != null ? mgr.create(m2, shape) : mgr.zeros(shape);
    }

    static AdamW of(NDManager mgr, FitSpec spec, float[] m1, float[] m2, Shape shape) {
        return new AdamW(mgr, spec.lr(), spec.beta1(), spec.beta2(), spec.eps(), spec.weightDecay(), m1, m2, shape);
    }

    /**
     * Update number k (1-based) with p's gradient, then zeroes the gradient (the collector never does).
     * Call outside the gradient collector; the temporaries go to the step manager {@code sm}.
     */
    public void update(NDManager sm, NDArray p, int k) {
        update(sm, p, k, lr);
    }

    /** As {@link #update(NDManager, NDArray, int)} with this update's learning rate (a schedule's). */
    public void update(NDManager sm, NDArray p, int k, double lr) {
        m1.tempAttach(sm);
        m2.tempAttach(sm);
        NDArray g = p.getGradient();
        p.muli(1 - lr * weightDecay);
        m1.muli(beta1).addi(g.mul(1 - beta1));
        m2.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        double bc1 = 1 - Math.pow(beta1, k);
        double bc2 = 1 - Math.pow(beta2, k);
        NDArray denom = m2.sqrt().divi(Math.sqrt(bc2)).addi(eps);
        p.subi(m1.div(denom).muli(lr / bc1));
        JniUtils.zeroGrad((PtNDArray) p);
    }

    public float[] firstMoment() {
        return m1.toFloatArray();
    }

    public float[] secondMoment() {
        return m2.toFloatArray();
    }
}
