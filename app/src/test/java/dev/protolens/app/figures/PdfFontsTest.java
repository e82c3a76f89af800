package dev.protolens.app.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Font;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PDF exports keep every character the figures draw: the font is embedded (pdffonts lists no font that is not),
 * and the text read back (pdftotext) has "·", "×", "…", curly quotes and "␣" where Helvetica gave "?". And the
 * embedded font has a glyph for every non-ASCII character the figure code writes.
 */
class PdfFontsTest {
    static final String SPECIAL = "·×…“”‘’␣";

    @TempDir
    Path tmp;

    @Test
    void everyFontIsEmbeddedAndTheSpecialCharactersReadBack() throws Exception {
        TokenStripFigure f = new TokenStripFigure();
        f.setTokens(new String[] {"“Lily", "␣and", "Ben’s", "…", "3×4", "a·b"});
        f.setTitle("Token strip · 6 tokens × 1 … “best” ‘run’");
        f.setState(new float[] {0.1f, 0.9f, 1f, 0.5f, 0.2f, 0.7f}, null, null, "step 10 · 50 %");
        Path pdf = tmp.resolve("strip.pdf");
        FigureExport.write(f, 640, 200, FigureExport.Format.PDF, FigureStyle.LIGHT, pdf);

        ExportedFiles.pdfOpens(pdf);
        String fonts = ExportedFiles.tool("pdffonts (poppler-utils)", "pdffonts", pdf.toString());
        List<String> rows = fonts.lines().skip(2).filter(l -> !l.isBlank()).toList();
        assertThat(rows).as(fonts).isNotEmpty();
        for (String row : rows) {
            // columns: name type encoding emb sub uni object ID; "emb" is the 4th from the end
            String[] cols = row.trim().split("\\s+");
            assertThat(cols[cols.length - 5]).as("embedded: " + row).isEqualTo("yes");
            assertThat(row).as("no Helvetica").doesNotContain("Helvetica");
        }
        assertThat(fonts).contains("DejaVuSans");
        String text = ExportedFiles.tool("pdftotext (poppler-utils)", "pdftotext", "-enc", "UTF-8", pdf.toString(),
                "-");
        for (char c : SPECIAL.toCharArray()) {
            assertThat(text).as("pdftotext reads back '" + c + "': " + text).contains(String.valueOf(c));
        }
        assertThat(text).doesNotContain("?");
    }

    @Test
    void theEmbeddedFontHasEveryCharacterTheFiguresWrite() throws Exception {
        Font font;
        try (InputStream in = PdfFonts.class.getResourceAsStream(PdfFonts.REGULAR)) {
            font = Font.createFont(Font.TRUETYPE_FONT, in);
        }
        TreeSet<String> missing = new TreeSet<>();
        Pattern literal = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
        int checked = 0;
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/protolens/app/figures"))) {
            for (Path p : files.toList()) {
                Matcher m = literal.matcher(Files.readString(p));
                while (m.find()) {
                    for (int cp : m.group(1).codePoints().toArray()) {
                        if (cp > 127) {
                            checked++;
                            if (!font.canDisplay(cp)) {
                                missing.add(p.getFileName() + ": U+" + Integer.toHexString(cp));
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).as("the figures write non-ASCII characters").isGreaterThan(5);
        assertThat(missing).isEmpty();
    }
}
