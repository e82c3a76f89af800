package dev.protolens.engine.gpu;

import java.time.Instant;

/**
 * The outcome of loading the GPU runtime in a child process and computing with it.
 *
 * @param fingerprint   the driver and GPUs it ran under ({@link GpuReport#fingerprint()}); another one means the
 *                      runtime is checked again
 * @param dtype         the half type the fit step ran in ("bfloat16" or "float16")
 * @param reason        why it failed, in words, with what to do; null when it passed
 * @param detail        the child's own last error line, for the log and bug reports; may be null
 * @param matmulMaxError largest difference between the GPU's and the CPU's product of the same matrices
 * @param fitLoss       the fit step's loss (finite when the step worked)
 */
public record ProbeResult(boolean ok, Instant at, String fingerprint, String device, String dtype, String reason,
                          String detail, double matmulMaxError, double fitLoss, long millis) {
}
