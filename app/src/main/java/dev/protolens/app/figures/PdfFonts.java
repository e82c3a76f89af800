package dev.protolens.app.figures;

import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2DFontTextDrawer;
import java.awt.Font;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The font every PDF export embeds: DejaVu Sans (regular and bold, bundled with the app), so "·", "×", "…", curly
 * quotes and "␣" print as drawn on screen and can be searched and copied, on any machine. Only the glyphs a figure
 * uses are embedded (a subset, a few KB). A character DejaVu lacks (an emoji) is drawn as its outline instead.
 */
final class PdfFonts extends PdfBoxGraphics2DFontTextDrawer {
    static final String REGULAR = "fonts/DejaVuSans.ttf";
    static final String BOLD = "fonts/DejaVuSans-Bold.ttf";

    private final PDDocument doc;
    private PDFont regular;
    private PDFont bold;

    PdfFonts(PDDocument doc) {
        this.doc = doc;
    }

    @Override
    protected PDFont mapFont(Font font, IFontTextDrawerEnv env) {
        if (font.isBold()) {
            if (bold == null) {
                bold = load(BOLD);
            }
            return bold;
        }
        if (regular == null) {
            regular = load(REGULAR);
        }
        return regular;
    }

    private PDFont load(String resource) {
        try (InputStream in = PdfFonts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the app");
            }
            return PDType0Font.load(doc, in, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
