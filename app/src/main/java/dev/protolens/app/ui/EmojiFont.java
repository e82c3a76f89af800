package dev.protolens.app.ui;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import javafx.scene.text.Font;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fallback font for emoji and symbols on Linux: Symbola (monochrome outlines, bundled with the app). A text with
 * an emoji showed empty boxes there: the usual Linux fonts (DejaVu) lack most emoji, and JavaFX cannot draw a colour
 * bitmap font such as Noto Color Emoji (its glyphs come out blank). JavaFX puts a font loaded at start on the
 * fallback list of every font, so the text box, the token chips and every label then draw the emoji in black and
 * white, in the text's colour. macOS and Windows have emoji fonts of their own and are left alone.
 */
public final class EmojiFont {
    private static final Logger LOG = LoggerFactory.getLogger(EmojiFont.class);
    static final String RESOURCE = "fonts/Symbola.ttf";
    private static volatile Font loaded;

    private EmojiFont() {}

    /** Loads the fallback once (on Linux; a no-op elsewhere); call before the first text is shown. */
    public static synchronized void install() {
        if (loaded != null || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return;
        }
        try (InputStream in = EmojiFont.class.getResourceAsStream(RESOURCE)) {
            loaded = in == null ? null : Font.loadFont(in, 13);
        } catch (IOException e) {
            loaded = null;
        }
        if (loaded == null) {
            // the text still shows; only emoji the system fonts lack appear as boxes
            LOG.warn("could not load the emoji fallback font {}", RESOURCE);
        }
    }

    /** The fallback's family name, or null where it is not loaded. */
    public static String family() {
        Font f = loaded;
        return f == null ? null : f.getFamily();
    }
}
