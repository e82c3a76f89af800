package dev.protolens.app.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures' one drawing routine, through every export: PNG at 2x, SVG (rendered by librsvg), PDF. */
class FigureExportTest {
    @TempDir
    Path tmp;

    /** The golden image's strip: probabilities across the whole scale, some tokens written wrong. */
    static TokenStripFigure strip() {
        return TokenStripGoldenTest.strip(0);
    }

    static CurvesFigure curves() {
        CurvesFigure f = new CurvesFigure();
        Random r = new Random(1);
        float[][] loss = new float[3][600];
        float[][] acc = new float[3][600];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 600; i++) {
                loss[k][i] = (float) (8 * Math.exp(-i / (150.0 + 40 * k)) + 0.05 * r.nextDouble());
                acc[k][i] = (float) Math.min(1, i / (500.0 + 50 * k));
            }
        }
        f.setLines(List.of(CurvesFigure.Line.of(loss[0], acc[0]), CurvesFigure.Line.of(loss[1], acc[1]),
                CurvesFigure.Line.of(loss[2], acc[2])), 0, 600);
        return f;
    }

    @Test
    void pngIsTwiceTheSizeAndShowsTheScale() throws Exception {
        byte[] png = FigureExport.png(strip(), 640, 180, 2, FigureStyle.LIGHT);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(1280);
        assertThat(img.getHeight()).isEqualTo(360);
        // the first cell (probability 0) is cividis' dark blue, not the white background
        boolean foundDark = false;
        for (int x = 0; x < 200 && !foundDark; x++) {
            for (int y = 40; y < 160 && !foundDark; y++) {
                Color c = new Color(img.getRGB(x, y));
                foundDark = c.getBlue() > 60 && c.getRed() < 20 && c.getGreen() < 70;
            }
        }
        assertThat(foundDark).as("a cell at probability 0 is drawn in the scale's darkest colour").isTrue();
    }

    @Test
    void svgIsValidAndRendersWithLibrsvg() throws Exception {
        String svg = FigureExport.svg(curves(), 800, 300, FigureStyle.LIGHT);
        assertThat(svg).startsWith("<?xml").contains("<svg").contains("Token accuracy").contains("Loss");
        Path file = tmp.resolve("curves.svg");
        Files.writeString(file, svg, StandardCharsets.UTF_8);
        BufferedImage img = ExportedFiles.svgRenders(file);
        assertThat(img.getWidth()).isEqualTo(800);
    }

    @Test
    void pdfIsAPdfWithTheFigureTitle() throws Exception {
        byte[] pdf = FigureExport.pdf(strip(), 640, 180, FigureStyle.LIGHT);
        String head = new String(pdf, 0, 8, StandardCharsets.ISO_8859_1);
        assertThat(head).startsWith("%PDF-");
        assertThat(new String(pdf, StandardCharsets.ISO_8859_1)).contains("%%EOF");
        Path file = tmp.resolve("strip.pdf");
        Files.write(file, pdf);
        assertThat(ExportedFiles.tool("pdfinfo (poppler-utils)", "pdfinfo", file.toString())).contains("Token strip");
        assertThat(ExportedFiles.pdfOpens(file).getWidth()).isEqualTo(640);
    }

    @Test
    void writeChoosesTheFormatAndWritesAtomically() throws Exception {
        for (FigureExport.Format f : FigureExport.Format.values()) {
            Path out = tmp.resolve("strip." + f.extension());
            FigureExport.write(strip(), 500, 160, f, FigureStyle.DARK, out);
            assertThat(Files.size(out)).isPositive();
            assertThat(FigureExport.Format.ofFile(out)).isEqualTo(f);
        }
        try (var s = Files.list(tmp)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void stripHitTestingFindsTheCellUnderThePointer() throws Exception {
        TokenStripFigure f = strip();
        FigureExport.png(f, 640, 180, 1, FigureStyle.LIGHT);
        for (int i = 0; i < f.size(); i++) {
            var r = f.cellBounds(i);
            assertThat(f.cellAt(r.getCenterX(), r.getCenterY())).isEqualTo(i);
        }
        assertThat(f.cellAt(-5, -5)).isEqualTo(-1);
    }

    @Test
    void longLinesAreReducedToPixelColumnsWithoutLosingTheirExtremes() {
        int n = 20_000;
        float[] loss = new float[n];
        float[] acc = new float[n];
        for (int i = 0; i < n; i++) {
            loss[i] = i == 12_345 ? 50f : 1f;
            acc[i] = 0.5f;
        }
        CurvesFigure.Line l = CurvesFigure.Line.of(loss, acc);
        BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
        var g = img.createGraphics();
        Plot p = new Plot(g, FigureStyle.LIGHT, new java.awt.geom.Rectangle2D.Double(0, 0, 400, 300),
                Axis.linear(0, n, 5), Axis.linear(0, 50, 5), null, null, null);
        var path = CurvesFigure.path(l, p, true);
        int segments = 0;
        for (var it = path.getPathIterator(null); !it.isDone(); it.next()) {
            segments++;
        }
        assertThat(segments).as("at most a few points per pixel column").isLessThan(4 * 400);
        assertThat(path.getBounds2D().getMinY()).as("the spike survives").isLessThan(p.py(49));
    }
}
