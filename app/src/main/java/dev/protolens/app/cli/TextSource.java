package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** {@code --text T | --text-file F}: the target text. A file's single trailing newline is not part of it. */
final class TextSource {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--text", description = "The text the model should write in one pass.")
        String text;

        @Option(names = "--text-file", description = "Read the text from a UTF-8 file.")
        Path file;
    }

    String read() {
        if (choice.text != null) {
            return choice.text;
        }
        return readFile(choice.file);
    }

    static String readFile(Path f) {
        try {
            byte[] b = Files.readAllBytes(f);
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b)).toString();
            if (s.endsWith("\r\n")) {
                return s.substring(0, s.length() - 2);
            }
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (NoSuchFileException e) {
            throw new UserError(f + " does not exist");
        } catch (CharacterCodingException e) {
            throw new UserError(f + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UserError(f + " cannot be read: " + e.getMessage());
        }
    }
}
