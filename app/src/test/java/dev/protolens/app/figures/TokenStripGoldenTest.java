package dev.protolens.app.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Guards the token strip's drawing with a golden image: a fixed state (cells across the whole colour scale,
 * right and wrong tokens, the written token under the wrong ones, a wrapped second row, the legend) drawn at a
 * fixed size and compared pixel by pixel with {@code golden/token-strip.png}.
 *
 * <p>Text is drawn in DejaVu Sans (Debian's fonts-dejavu-core, which {@code .ci/run} installs) rather than the
 * logical SansSerif, which maps to whatever the machine has. Rasterisers still differ a little in anti-aliasing
 * between JDK and FreeType versions, so a pixel counts as different only beyond {@value #CHANNEL_TOLERANCE}
 * levels in a channel, and up to {@value #MAX_SHARE} of the pixels may differ; a moved cell, another colour, a
 * missing underline or word is far more than that (the test checks that it notices such changes).
 *
 * <p>After an intended change to the strip, regenerate the golden and look at it:
 * {@code mvn -o -q test -pl app -am -Dtest=TokenStripGoldenTest -Dgolden.update=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TokenStripGoldenTest {
    static final String GOLDEN = "golden/token-strip.png";
    static final String FONT = "DejaVu Sans";
    static final int WIDTH = 640;
    static final int HEIGHT = 180;
    static final int CHANNEL_TOLERANCE = 48;
    static final double MAX_SHARE = 0.004;

    /** The light export style, in a font the test can count on. */
    static FigureStyle style() {
        FigureStyle l = FigureStyle.LIGHT;
        return new FigureStyle(l.background(), l.foreground(), l.muted(), l.grid(), l.accent(), l.danger(), l.series(),
                FONT, l.fontSize(), l.scale());
    }

    /** 24 tokens of a story, probabilities over the whole scale, every fourth one written wrong. */
    static TokenStripFigure strip(float bump) {
        TokenStripFigure f = new TokenStripFigure();
        String[] pieces = "Once upon a time , Lily saw a big red ball in the park . She ran to it and kicked it high"
                .split(" ");
        f.setTokens(pieces);
        float[] p = new float[pieces.length];
        boolean[] ok = new boolean[pieces.length];
        String[] written = new String[pieces.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = i / (float) (p.length - 1);
            ok[i] = i % 4 != 1;
            written[i] = ok[i] ? pieces[i] : "the";
        }
        p[5] = Math.min(1, p[5] + bump);
        f.setState(p, written, ok, "step 240 · 18/24 tokens right");
        return f;
    }

    static BufferedImage render(TokenStripFigure f) throws Exception {
        byte[] png = FigureExport.png(f, WIDTH, HEIGHT, 1, style());
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    @Test
    void theStripDrawsAsTheGoldenImage() throws Exception {
        assumeTrue(Arrays.asList(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames())
                .contains(FONT), FONT + " is not installed (Debian: fonts-dejavu-core; .ci/run installs it)");
        BufferedImage now = render(strip(0));
        if (Boolean.getBoolean("golden.update")) {
            Path file = Path.of("src/test/resources").resolve(GOLDEN);
            Files.createDirectories(file.getParent());
            ImageIO.write(now, "png", file.toFile());
            System.out.println("wrote " + file.toAbsolutePath() + ": look at it before committing");
        }
        BufferedImage golden;
        try (InputStream in = Boolean.getBoolean("golden.update")
                ? Files.newInputStream(Path.of("src/test/resources").resolve(GOLDEN))
                : TokenStripGoldenTest.class.getClassLoader().getResourceAsStream(GOLDEN)) {
            assertThat(in).as(GOLDEN + " (regenerate with -Dgolden.update=true)").isNotNull();
            golden = ImageIO.read(in);
        }
        Diff d = diff(golden, now);
        System.out.printf(Locale.ROOT, "token strip against its golden image: %d of %d pixels differ (%.3f %%), largest"
                + " channel difference %d%n", d.differing(), d.pixels(), 100 * d.share(), d.largest());
        assertThat(d.share()).as("share of pixels that differ from " + GOLDEN).isLessThanOrEqualTo(MAX_SHARE);

        // the comparison notices a change a person would: one cell's colour, one position's underline and word
        double recoloured = diff(golden, render(strip(0.5f))).share();
        assertThat(recoloured).as("one cell recoloured").isGreaterThan(MAX_SHARE);
        TokenStripFigure wrong = strip(0);
        boolean[] ok = new boolean[wrong.size()];
        Arrays.fill(ok, true);
        String[] written = new String[wrong.size()];
        wrong.setState(wrong.probabilities(), written, ok, "step 240 · 18/24 tokens right");
        double unmarked = diff(golden, render(wrong)).share();
        assertThat(unmarked).as("wrong tokens no longer marked").isGreaterThan(MAX_SHARE);
        System.out.printf(Locale.ROOT, "changes it must notice: one cell recoloured %.2f %% of the pixels, wrong tokens"
                + " unmarked %.2f %%%n", 100 * recoloured, 100 * unmarked);
    }

    record Diff(long pixels, long differing, int largest) {
        double share() {
            return (double) differing / pixels;
        }
    }

    static Diff diff(BufferedImage a, BufferedImage b) {
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        long differing = 0;
        int largest = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                int m = 0;
                for (int shift = 0; shift <= 24; shift += 8) {
                    m = Math.max(m, Math.abs(((p >>> shift) & 0xff) - ((q >>> shift) & 0xff)));
                }
                largest = Math.max(largest, m);
                if (m > CHANNEL_TOLERANCE) {
                    differing++;
                }
            }
        }
        return new Diff((long) a.getWidth() * a.getHeight(), differing, largest);
    }
}
