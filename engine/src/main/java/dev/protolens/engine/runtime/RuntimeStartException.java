package dev.protolens.engine.runtime;

import dev.protolens.engine.UserError;

/** The compute engine did not start (missing native library, broken CUDA install). */
public final class RuntimeStartException extends UserError {
    public RuntimeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
