package dev.protolens.app.figures;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2D;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.jfree.svg.SVGGraphics2D;
import dev.protolens.engine.AtomicFiles;

/** Writes a figure as PNG (at a scale, 2× for sharp slides), SVG or PDF, through the figure's one routine. */
public final class FigureExport {
    public enum Format {
        PNG("png", "PNG image (2×)"), SVG("svg", "SVG drawing"), PDF("pdf", "PDF document");

        private final String extension;
        private final String label;

        Format(String extension, String label) {
            this.extension = extension;
            this.label = label;
        }

        public String extension() {
            return extension;
        }

        public String label() {
            return label;
        }

        /** The format a file name asks for, or null. */
        public static Format ofFile(Path p) {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            for (Format f : values()) {
                if (n.endsWith("." + f.extension)) {
                    return f;
                }
            }
            return null;
        }
    }

    private FigureExport() {}

    public static byte[] png(Figure f, double width, double height, double scale, FigureStyle style) {
        int w = (int) Math.ceil(width * scale);
        int h = (int) Math.ceil(height * scale);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.scale(scale, scale);
            g.setClip(new Rectangle2D.Double(0, 0, width, height));
            f.draw(g, width, height, style);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writePng(img, f.title(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The image with the figure's title as its PNG "Title" (UTF-8 iTXt: titles hold “”, ‖ and ×), so a PNG on its
     * own names what it shows (the map's model and run count) to file browsers and image tools, as a PDF does.
     */
    private static void writePng(BufferedImage img, String title, ByteArrayOutputStream out) throws IOException {
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("png").next();
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            javax.imageio.ImageWriteParam param = w.getDefaultWriteParam();
            javax.imageio.metadata.IIOMetadata meta = w.getDefaultImageMetadata(
                    javax.imageio.ImageTypeSpecifier.createFromRenderedImage(img), param);
            javax.imageio.metadata.IIOMetadataNode entry = new javax.imageio.metadata.IIOMetadataNode("iTXtEntry");
            entry.setAttribute("keyword", "Title");
            entry.setAttribute("compressionFlag", "FALSE");
            entry.setAttribute("compressionMethod", "0");
            entry.setAttribute("languageTag", "");
            entry.setAttribute("translatedKeyword", "");
            entry.setAttribute("text", title == null ? "" : title);
            javax.imageio.metadata.IIOMetadataNode itxt = new javax.imageio.metadata.IIOMetadataNode("iTXt");
            itxt.appendChild(entry);
            javax.imageio.metadata.IIOMetadataNode root = new javax.imageio.metadata.IIOMetadataNode("javax_imageio_png_1.0");
            root.appendChild(itxt);
            meta.mergeTree("javax_imageio_png_1.0", root);
            w.setOutput(ios);
            w.write(new javax.imageio.IIOImage(img, null, meta));
        } finally {
            w.dispose();
        }
    }

    public static String svg(Figure f, double width, double height, FigureStyle style) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        g.setClip(new Rectangle2D.Double(0, 0, width, height));
        f.draw(g, width, height, style);
        return g.getSVGDocument();
    }

    /** One page the figure's size, its text in DejaVu Sans embedded ({@link PdfFonts}), shapes as vectors. */
    public static byte[] pdf(Figure f, double width, double height, FigureStyle style) {
        try (PDDocument doc = new PDDocument()) {
            doc.getDocumentInformation().setTitle(f.title());
            doc.getDocumentInformation().setAuthor("ProtoLens");
            PDPage page = new PDPage(new PDRectangle((float) width, (float) height));
            doc.addPage(page);
            PdfBoxGraphics2D g = new PdfBoxGraphics2D(doc, (float) width, (float) height);
            g.setFontTextDrawer(new PdfFonts(doc));
            try {
                f.draw(g, width, height, style);
            } finally {
                g.dispose();
            }
            try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                content.drawForm(g.getXFormObject());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the figure's numbers ({@link Figure#csv()}) to {@code file} (atomically). */
    public static void writeCsv(Figure f, Path file) throws IOException {
        String csv = f.csv();
        if (csv == null) {
            throw new IllegalArgumentException(f.title() + " has no numbers to export");
        }
        AtomicFiles.write(file, csv.getBytes(StandardCharsets.UTF_8));
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break. */
    public static String csvField(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** Writes {@code f} to {@code file} (atomically) in {@code format}. */
    public static void write(Figure f, double width, double height, Format format, FigureStyle style, Path file)
            throws IOException {
        byte[] data = switch (format) {
            case PNG -> png(f, width, height, 2, style);
            case SVG -> svg(f, width, height, style).getBytes(StandardCharsets.UTF_8);
            case PDF -> pdf(f, width, height, style);
        };
        AtomicFiles.write(file, data);
    }
}
