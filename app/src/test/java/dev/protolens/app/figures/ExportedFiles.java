package dev.protolens.app.figures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/**
 * Checks an exported figure file the way a reader's tools would open it: SVG as XML and through librsvg, PDF
 * through poppler, PNG as an image with something drawn on it. The external renderers are installed by
 * {@code .ci/run}; where one is missing the check is skipped with a message saying so.
 */
public final class ExportedFiles {
    private ExportedFiles() {}

    /** Parses {@code svg} as XML and renders it with {@code rsvg-convert}; returns the rendering. */
    public static BufferedImage svgRenders(Path svg) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        // JFreeSVG names the SVG 1.0 DTD; the parse checks well-formedness and must not go online for it
        dbf.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = dbf.newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        Path png = svg.resolveSibling(svg.getFileName() + ".rsvg.png");
        tool("rsvg-convert (librsvg2-bin)", "rsvg-convert", "-o", png.toString(), svg.toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("rsvg-convert wrote a PNG").isNotNull();
        assertDrawn(img, svg.toString());
        return img;
    }

    /** Renders the first page of {@code pdf} with {@code pdftoppm}; returns the rendering. */
    public static BufferedImage pdfOpens(Path pdf) throws Exception {
        assertThat(new String(Files.readAllBytes(pdf), 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo("%PDF-");
        Path prefix = pdf.resolveSibling(pdf.getFileName() + ".poppler");
        tool("pdftoppm (poppler-utils)", "pdftoppm", "-png", "-r", "72", "-singlefile", pdf.toString(),
                prefix.toString());
        BufferedImage img = ImageIO.read(prefix.resolveSibling(prefix.getFileName() + ".png").toFile());
        assertThat(img).as("pdftoppm wrote a PNG").isNotNull();
        assertDrawn(img, pdf.toString());
        return img;
    }

    /** Reads {@code png} and checks that it is not one flat colour; returns it. */
    public static BufferedImage pngDrawn(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as(png + " is a PNG").isNotNull();
        assertDrawn(img, png.toString());
        return img;
    }

    /** The PNG's "Title" text chunk (iTXt or tEXt), or null. */
    public static String pngTitle(Path png) throws IOException {
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(png.toFile())) {
            javax.imageio.ImageReader r = ImageIO.getImageReadersByFormatName("png").next();
            r.setInput(in);
            org.w3c.dom.Node root = r.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
            for (org.w3c.dom.Node c = root.getFirstChild(); c != null; c = c.getNextSibling()) {
                for (org.w3c.dom.Node e = c.getFirstChild(); e != null; e = e.getNextSibling()) {
                    org.w3c.dom.NamedNodeMap a = e.getAttributes();
                    if (a != null && a.getNamedItem("keyword") != null
                            && "Title".equals(a.getNamedItem("keyword").getNodeValue())) {
                        org.w3c.dom.Node v = a.getNamedItem("text") != null ? a.getNamedItem("text") : a.getNamedItem("value");
                        return v == null ? null : v.getNodeValue();
                    }
                }
            }
            return null;
        }
    }

    /** At least 1 % of the pixels differ from the top-left one (the background). */
    public static void assertDrawn(BufferedImage img, String what) {
        int bg = img.getRGB(0, 0);
        long differ = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (img.getRGB(x, y) != bg) {
                    differ++;
                }
            }
        }
        assertThat(differ).as(what + " shows something besides its background")
                .isGreaterThan((long) img.getWidth() * img.getHeight() / 100);
    }

    /** What {@code command} (a poppler tool) prints, or the test is skipped when it is not installed. */
    public static String tool(String name, String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, name + " is not installed; .ci/run installs it");
            return "";
        }
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(name + " finished").isTrue();
        assertThat(p.exitValue()).as(new ArrayList<>(List.of(command)) + ": " + new String(output)).isZero();
        return new String(output, java.nio.charset.StandardCharsets.UTF_8);
    }
}
