package dev.protolens.app.ui;

import static dev.protolens.app.GuiTesting.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.testfx.api.FxToolkit;

/**
 * Emoji in the text box and the token chips draw as glyphs, not as the empty box of a missing one: each emoji's
 * rendering differs from that of a code point no font has. On Linux the bundled fallback (Symbola) provides them.
 */
@EnabledOnOs(OS.LINUX)
class EmojiFontTest {
    /** A private-use code point of plane 16: no font draws it, so it shows the missing-glyph box. */
    private static final String MISSING = new String(Character.toChars(0x10FFFD));
    private static final String[] EMOJI = {"🚀", "🎉", "👍", "✨", "🐱", "😀", "❤"};

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void emojiDrawAsGlyphsInTheTextBoxFontAndTheChipFont() throws Exception {
        onFx(() -> {
            EmojiFont.install();
            return null;
        });
        assertThat(EmojiFont.family()).isEqualTo("Symbola");
        assertThat(Font.getFamilies()).contains("Symbola");
        // the fonts the text box and the chips use (app.css: the default font, and "Monospaced" for chips)
        for (String family : new String[] {Font.getDefault().getFamily(), "Monospaced"}) {
            Map<String, int[]> drawn = new LinkedHashMap<>();
            int[] box = onFx(() -> pixels(MISSING, family));
            for (String e : EMOJI) {
                drawn.put(e, onFx(() -> pixels(e, family)));
            }
            for (var d : drawn.entrySet()) {
                assertThat(ink(d.getValue())).as(d.getKey() + " in " + family + " has ink").isGreaterThan(20);
                assertThat(d.getValue()).as(d.getKey() + " in " + family + " is not the missing-glyph box")
                        .isNotEqualTo(box);
            }
            assertThat(drawn.get("🚀")).isNotEqualTo(drawn.get("🎉"));
        }
    }

    @Test
    void theTextBoxShowsAnEmojiInTheTextItsOwnFont() throws Exception {
        onFx(() -> {
            EmojiFont.install();
            return null;
        });
        double[] widths = onFx(() -> {
            TextArea area = new TextArea("Lily 🚀 Ben");
            Label chip = new Label("🚀");
            chip.getStyleClass().add("chip");
            Scene scene = new Scene(new VBox(area, chip), 300, 200);
            new Theme.Choice(Theme.LIGHT).applyTo(scene);
            scene.getRoot().applyCss();
            scene.getRoot().layout();
            Text rocket = new Text("🚀");
            rocket.setFont(area.getFont());
            Text missing = new Text(MISSING);
            missing.setFont(area.getFont());
            return new double[] {rocket.getLayoutBounds().getWidth(), missing.getLayoutBounds().getWidth()};
        });
        // the rocket has a glyph of its own width (Symbola's are wider than the narrow missing box)
        assertThat(widths[0]).isGreaterThan(0);
        assertThat(widths[0]).isNotEqualTo(widths[1]);
    }

    /** The text drawn black on white at 28 px, as 0/1 per pixel (dark or not). */
    private static int[] pixels(String s, String family) {
        Text t = new Text(s);
        t.setFont(Font.font(family, 28));
        t.setFill(Color.BLACK);
        Scene scene = new Scene(new VBox(t), 48, 48, Color.WHITE);
        WritableImage img = scene.snapshot(null);
        PixelReader px = img.getPixelReader();
        int[] out = new int[48 * 48];
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) {
                out[y * 48 + x] = px.getColor(x, y).getBrightness() < 0.5 ? 1 : 0;
            }
        }
        return out;
    }

    private static int ink(int[] px) {
        int n = 0;
        for (int p : px) {
            n += p;
        }
        return n;
    }
}
