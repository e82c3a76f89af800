package dev.protolens.engine;

/**
 * An error the user can cause and act on: a missing file, a broken weight file, an unknown architecture,
 * an empty or too long text. The message is written for a person (it names the file, tensor or field and
 * says what to do); the GUI shows it in a dialog and the CLI prints it without a stack trace.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
