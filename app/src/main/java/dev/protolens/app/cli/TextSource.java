package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.TextFiles;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * {@code --text T | --text-file F}: the target text. Both are read the same way ({@link TextFiles}): strict UTF-8,
 * a byte-order mark dropped; a file's single trailing newline is not part of it, and its size is checked before
 * it is read.
 */
final class TextSource {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--text", description = "The text the model should write in one pass (UTF-8).")
        String text;

        @Option(names = "--text-file", description = "Read the text from a UTF-8 file (at most "
                + TextFiles.MAX_BYTES / 1000 + " KB).")
        Path file;

        /** The text, from --text (as the bytes the shell passed) or --text-file. */
        String read() {
            return text != null ? argument("--text", text) : readFile(file);
        }
    }

    String read() {
        return choice.read();
    }

    static String readFile(Path f) {
        return TextFiles.read(f);
    }

    /**
     * The value of {@code option} as the bytes the shell passed, decoded as strict UTF-8. The JVM decodes
     * arguments with the locale's charset before any code runs: under LANG=C each byte of "😀" became '?', and
     * bytes that are not UTF-8 became U+FFFD, both indistinguishable afterwards. On Linux the original bytes are
     * in /proc/self/cmdline; the argument is the one after {@code option} (or in {@code option=…}) whose
     * locale decoding is what the JVM gave. Elsewhere, or in-process use, only a U+FFFD can be recognised.
     */
    static String argument(String option, String seen) {
        byte[] raw = rawArgument(option, seen);
        if (raw != null) {
            return TextFiles.decodeArgument(raw, option);
        }
        if (seen.indexOf('\uFFFD') >= 0) {
            throw new UserError(option + " holds bytes that could not be decoded (shown as \uFFFD). Set a UTF-8"
                    + " locale (e.g. LANG=C.UTF-8) or save the text as UTF-8 and use --text-file.");
        }
        return seen.startsWith("\uFEFF") ? seen.substring(1) : seen;
    }

    private static byte[] rawArgument(String option, String seen) {
        List<byte[]> args = commandLine();
        byte[] flag = option.getBytes(StandardCharsets.US_ASCII);
        byte[] joined = (option + "=").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < args.size(); i++) {
            byte[] a = args.get(i);
            byte[] value = null;
            if (Arrays.equals(a, flag) && i + 1 < args.size()) {
                value = args.get(i + 1);
            } else if (a.length >= joined.length && Arrays.equals(a, 0, joined.length, joined, 0, joined.length)) {
                value = Arrays.copyOfRange(a, joined.length, a.length);
            }
            if (value != null && asTheJvmSawIt(value, seen)) {
                return value;
            }
        }
        return null;
    }

    /** Whether {@code seen} is what the JVM makes of {@code raw} under this locale (or under UTF-8). */
    private static boolean asTheJvmSawIt(byte[] raw, String seen) {
        StringBuilder ascii = new StringBuilder(raw.length);
        for (byte b : raw) {
            ascii.append(b >= 0 ? (char) b : '?'); // the launcher's ASCII ("646") decoding
        }
        if (ascii.toString().equals(seen)) {
            return true;
        }
        for (Charset cs : List.of(jnuCharset(), StandardCharsets.UTF_8)) {
            try {
                String s = cs.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(raw))
                        .toString();
                if (s.equals(seen)) {
                    return true;
                }
            } catch (java.nio.charset.CharacterCodingException e) {
                // REPLACE does not throw
            }
        }
        return false;
    }

    private static Charset jnuCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** This process's arguments as bytes (Linux), or none. */
    private static List<byte[]> commandLine() {
        List<byte[]> out = new ArrayList<>();
        try {
            Path p = Path.of("/proc/self/cmdline");
            if (!Files.isReadable(p)) {
                return out;
            }
            byte[] b = Files.readAllBytes(p);
            int start = 0;
            for (int i = 0; i < b.length; i++) {
                if (b[i] == 0) {
                    out.add(Arrays.copyOfRange(b, start, i));
                    start = i + 1;
                }
            }
            if (start < b.length) {
                out.add(Arrays.copyOfRange(b, start, b.length));
            }
        } catch (IOException | RuntimeException e) {
            // no raw arguments: the JVM's decoding is all there is
        }
        return out;
    }
}
