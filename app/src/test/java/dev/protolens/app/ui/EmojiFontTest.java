package dev.protolens.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emoji in the text box and the token chips draw as glyphs, not as the empty box of a missing one: each emoji's
 * rendering differs from that of a code point no font has. On Linux the bundled fallback (Symbola) provides them.
 * Checked in a JVM of its own, started as the app starts (the font loaded before any text is drawn): JavaFX fixes a
 * font's fallback list when the font is first used, so in a test JVM where other tests drew text first the result
 * would depend on the order the tests ran in.
 */
@EnabledOnOs(OS.LINUX)
class EmojiFontTest {
    /** A private-use code point of plane 16: no font draws it, so it shows the missing-glyph box. */
    private static final String MISSING = new String(Character.toChars(0x10FFFD));
    private static final String[] EMOJI = {"🚀", "🎉", "👍", "✨", "🐱", "😀", "❤"};

    @TempDir
    Path tmp;

    @Test
    void emojiDrawAsGlyphsInTheTextBoxFontAndTheChipFont() throws Exception {
        List<String> problems = child("glyphs");
        assertThat(problems).as(String.join("\n", problems)).containsExactly("ok");
    }

    @Test
    void withoutTheFallbackTheCheckSeesBoxes() throws Exception {
        // the same check with the font not loaded: what a user saw before (DejaVu alone lacks these emoji)
        List<String> problems = child("none");
        assertThat(problems).anyMatch(p -> p.startsWith("🚀 in ") && p.endsWith("is the missing-glyph box"));
    }

    /** Runs {@link #main} in a fresh JVM with this one's class path and headless JavaFX settings; its findings. */
    private List<String> child(String mode) throws Exception {
        Path out = tmp.resolve(mode + ".txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        for (String p : List.of("testfx.headless", "prism.order", "prism.text", "glass.platform", "monocle.platform",
                "java.awt.headless")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of(EmojiFontTest.class.getName(), mode, out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(mode + ".log").toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
        String log = Files.readString(tmp.resolve(mode + ".log"));
        assertThat(p.exitValue()).as(log).isZero();
        return Files.readAllLines(out);
    }

    /** The child: {@code glyphs OUT} loads the fallback first, {@code none OUT} does not; writes its findings. */
    public static void main(String[] args) throws Exception {
        CompletableFuture<List<String>> found = new CompletableFuture<>();
        Platform.startup(() -> {
            try {
                if (args[0].equals("glyphs")) {
                    EmojiFont.install();
                }
                found.complete(check(args[0].equals("glyphs")));
            } catch (Throwable t) {
                found.completeExceptionally(t);
            }
        });
        Files.write(Path.of(args[1]), found.get(60, TimeUnit.SECONDS));
        Platform.exit();
        System.exit(0);
    }

    private static List<String> check(boolean installed) {
        List<String> problems = new ArrayList<>();
        if (installed && !"Symbola".equals(EmojiFont.family())) {
            problems.add("the fallback font is " + EmojiFont.family() + ", not Symbola");
        }
        // the fonts of the text box and the chips, as the app's stylesheet sets them
        TextArea area = new TextArea("Lily 🚀 Ben");
        Label chip = new Label("🚀");
        chip.getStyleClass().add("chip");
        Scene scene = new Scene(new VBox(area, chip), 300, 200);
        new Theme.Choice(Theme.LIGHT).applyTo(scene);
        scene.getRoot().applyCss();
        scene.getRoot().layout();
        for (Font font : List.of(area.getFont(), chip.getFont())) {
            int[] box = pixels(MISSING, font);
            int[] rocket = null;
            for (String e : EMOJI) {
                int[] drawn = pixels(e, font);
                if (ink(drawn) <= 20) {
                    problems.add(e + " in " + font.getFamily() + " has no ink");
                }
                if (Arrays.equals(drawn, box)) {
                    problems.add(e + " in " + font.getFamily() + " is the missing-glyph box");
                }
                if (e.equals("🚀")) {
                    rocket = drawn;
                } else if (e.equals("🎉") && Arrays.equals(drawn, rocket)) {
                    problems.add("🚀 and 🎉 in " + font.getFamily() + " look the same");
                }
            }
        }
        return problems.isEmpty() ? List.of("ok") : problems;
    }

    /** The text drawn black on white at 28 px in {@code font}'s family, as 0/1 per pixel (dark or not). */
    private static int[] pixels(String s, Font font) {
        Text t = new Text(s);
        t.setFont(Font.font(font.getFamily(), 28));
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
