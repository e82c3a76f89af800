package dev.protolens.app.figures;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/**
 * What the Inside figures' maps share: a matrix of values in [0, 1] as an image of one pixel per cell (so a map of
 * a few hundred positions is one image, not a hundred thousand rectangles, on screen and in SVG and PDF), drawn
 * without smoothing; a colour bar; and labels rotated to fit under narrow columns.
 */
final class Heatmaps {
    private Heatmaps() {}

    /**
     * The {@code rows × cols} values from {@code offset} (row-major) in the style's scale; NaN cells take
     * {@code empty}. With {@code lowerTriangle} the cells above the diagonal (the future, for attention) are empty too.
     */
    static BufferedImage image(float[] values, int offset, int rows, int cols, FigureStyle s, Color empty,
                               boolean lowerTriangle) {
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = values[offset + r * cols + c];
                Color col = Float.isNaN(v) || (lowerTriangle && c > r) ? empty : s.scale().color(v);
                img.setRGB(c, r, col.getRGB());
            }
        }
        return img;
    }

    /**
     * Draws {@code img} into the rectangle, cells as sharp blocks. The image is first enlarged to the rectangle's size
     * in device pixels by repeating pixels, and drawn 1:1: neither FXGraphics2D on screen nor an SVG viewer honours
     * a request not to smooth a scaled image, and a smoothed map blurs its cells into each other.
     */
    static void draw(Graphics2D g, BufferedImage img, Rectangle2D at) {
        AffineTransform tx = g.getTransform();
        double sx = Math.max(1, Math.hypot(tx.getScaleX(), tx.getShearY()));
        double sy = Math.max(1, Math.hypot(tx.getScaleY(), tx.getShearX()));
        int w = (int) Math.max(1, Math.min(MAX_PIXELS, Math.round(at.getWidth() * sx)));
        int h = (int) Math.max(1, Math.min(MAX_PIXELS, Math.round(at.getHeight() * sy)));
        int cols = img.getWidth();
        int rows = img.getHeight();
        int[] src = img.getRGB(0, 0, cols, rows, null, 0, cols);
        int[] dst = new int[w * h];
        int[] colOf = new int[w];
        for (int x = 0; x < w; x++) {
            colOf[x] = Math.min(cols - 1, (int) ((long) x * cols / w));
        }
        for (int y = 0; y < h; y++) {
            int row = Math.min(rows - 1, (int) ((long) y * rows / h)) * cols;
            for (int x = 0; x < w; x++) {
                dst[y * w + x] = src[row + colOf[x]];
            }
        }
        BufferedImage big = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        big.setRGB(0, 0, w, h, dst, 0, w);
        AffineTransform t = new AffineTransform();
        t.translate(at.getX(), at.getY());
        t.scale(at.getWidth() / w, at.getHeight() / h);
        g.drawImage(big, t, null);
    }

    /** The largest side of an enlarged map, in pixels. */
    private static final int MAX_PIXELS = 4096;

    /**
     * The colour scale from 0 to 1 as a bar 9 px high at (x, y), {@code w} wide, with 0, 0.5 and 1 under it; leaves
     * the small legend font set.
     */
    static void scale(Graphics2D g, FigureStyle s, double x, double y, double w) {
        int steps = 48;
        for (int i = 0; i < steps; i++) {
            g.setColor(s.scale().color(i / (double) (steps - 1)));
            g.fill(new Rectangle2D.Double(x + w * i / steps, y, w / steps + 0.6, 9));
        }
        g.setFont(s.font(0.85f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        float ty = (float) (y + 11 + fm.getAscent());
        g.setColor(s.muted());
        g.drawString("0", (float) x, ty);
        g.drawString("0.5", (float) (x + w / 2 - fm.stringWidth("0.5") / 2.0), ty);
        g.drawString("1", (float) (x + w - fm.stringWidth("1")), ty);
    }

    /** {@link #scale} with its label to the right; returns where the label ends. */
    static double colourBar(Graphics2D g, FigureStyle s, double x, double y, double w, String label) {
        scale(g, s, x, y, w);
        FontMetrics fm = g.getFontMetrics();
        g.setColor(s.foreground());
        g.drawString(label, (float) (x + w + 10), (float) (y + fm.getAscent() - 1));
        return x + w + 10 + fm.stringWidth(label);
    }

    /** {@code text} drawn upwards from (x, y), its baseline along the column's centre line. */
    static void vertical(Graphics2D g, String text, double x, double y) {
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        g.drawString(text, 0f, 0f);
        g.setTransform(saved);
    }

    /** Every how many columns a label fits, when columns are {@code cell} wide and labels need {@code need}. */
    static int labelStep(double cell, double need) {
        return Math.max(1, (int) Math.ceil(need / Math.max(cell, 1e-6)));
    }

    /**
     * Starts a figure: the background, and {@code title} in bold at the top left (nothing for null); returns the
     * height the title takes.
     */
    static double page(Graphics2D g, FigureStyle s, double width, double height, String title) {
        g.setColor(s.background());
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        g.setFont(s.font(1.08f, Font.BOLD));
        double y = Plot.lineHeight(g.getFontMetrics());
        if (title != null) {
            g.setColor(s.foreground());
            g.drawString(title, 4f, (float) y - 4);
        }
        return y;
    }
}
