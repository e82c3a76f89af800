package dev.protolens.engine.weights;

import dev.protolens.engine.UserError;
import java.nio.file.Path;

/** A weight file that cannot be read as what it claims to be; the message names the file and the fault. */
public final class WeightsFormatException extends UserError {
    public WeightsFormatException(Path file, String what) {
        super(file.getFileName() + ": " + what);
    }

    public WeightsFormatException(String message) {
        super(message);
    }
}
