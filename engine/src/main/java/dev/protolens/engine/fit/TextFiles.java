package dev.protolens.engine.fit;

import dev.protolens.engine.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A text to fit read from a file, the same way in the window and on the command line: UTF-8 or refused (never
 * a silent U+FFFD), a byte-order mark dropped (it is not part of the text and would be fitted as tokens), one
 * trailing newline dropped, and the size checked before anything is read.
 */
public final class TextFiles {
    /**
     * Far beyond what any model writes in one pass (the paper's largest is 1448 tokens, a few KB), and small
     * enough that a wrong file is refused before it is tokenized.
     */
    public static final long MAX_BYTES = 1_000_000;

    private TextFiles() {}

    public static String read(Path f) {
        try {
            if (Files.isDirectory(f)) {
                throw new UserError(f + " is a folder, not a text file.");
            }
            if (Files.exists(f) && !Files.isRegularFile(f)) {
                // /dev/zero reports size 0 and never ends; a FIFO blocks until someone writes
                throw new UserError(f + " is not a regular file (a device, a pipe or a socket); save the text to a"
                        + " file and give that.");
            }
            long size = Files.size(f);
            if (size > MAX_BYTES) {
                throw new UserError(f.getFileName() + " is " + size / 1024 + " KB; a text to fit may be at most "
                        + MAX_BYTES / 1000 + " KB (a few hundred tokens is what large models write in one pass).");
            }
            return decode(Files.readAllBytes(f), f.toString());
        } catch (NoSuchFileException e) {
            throw new UserError(f + " does not exist.");
        } catch (AccessDeniedException e) {
            throw new UserError("Cannot read " + f + ": permission denied.");
        } catch (IOException e) {
            throw new UserError(f + " cannot be read: " + e.getMessage());
        }
    }

    /** UTF-8 bytes as the text to fit (see the class comment); {@code what} names the source in errors. */
    public static String decode(byte[] b, String what) {
        String s = strict(b, what + " is not UTF-8 text; save it as UTF-8 and try again.");
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * A text given on the command line, as the bytes the shell passed: the same strict UTF-8 as a file (the JVM's
     * own decoding of arguments follows the locale, so under LANG=C "😀" arrived as "????" and invalid bytes as
     * U+FFFD, both fitted silently), a byte-order mark dropped; no newline is dropped, the user typed it.
     */
    public static String decodeArgument(byte[] b, String option) {
        return strict(b, option + " is not UTF-8 text: it holds bytes that are not UTF-8 (a terminal in another"
                + " encoding?). Set a UTF-8 locale (e.g. LANG=C.UTF-8) or save the text as UTF-8 and use --text-file.");
    }

    private static String strict(byte[] b, String refusal) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new UserError(refusal);
        }
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
