package dev.protolens.engine.store;

import dev.protolens.engine.UserError;

/** A run record that cannot be read, or does not fit the model it is used with. */
public class RunStoreException extends UserError {
    public RunStoreException(String message) {
        super(message);
    }

    public RunStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
