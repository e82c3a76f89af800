package dev.protolens.app.figures;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;

/**
 * The token strip: one cell per target token, wrapped like text, filled with the colour of the probability
 * the model gives to the correct token at that position; where the model writes another token, that token
 * is printed under the cell. A legend explains the scale. Holds the values it shows (the Fit view eases them
 * from frame to frame); the cell layout is cached per width and remembered for hit testing (tooltips).
 */
public final class TokenStripFigure implements LayeredFigure {
    private static final double PAD_X = 5;
    private static final double GAP = 4;
    private static final double MIN_CELL = 18;

    private String[] target = new String[0];
    private float[] prob = new float[0];
    private String[] written = new String[0];
    private boolean[] correct = new boolean[0];
    private String caption = "";
    private String title = "Token strip";

    private Rectangle2D[] cells = new Rectangle2D[0];
    private double layoutWidth = -1;
    private Object layoutFont;
    private double height = 120;
    /** String widths per font: measuring text on a canvas builds a layout each time, too slow for 30 frames/s. */
    private final java.util.Map<Object, Double> widths = new java.util.HashMap<>();

    /** A new text: its pieces as shown; probabilities start at 0 and nothing is written yet. */
    public void setTokens(String[] pieces) {
        target = pieces.clone();
        prob = new float[pieces.length];
        written = new String[pieces.length];
        correct = new boolean[pieces.length];
        layoutWidth = -1;
    }

    /**
     * @param writtenPieces per position, the token the model writes now (shown where it differs), or null
     * @param isCorrect     per position, whether it writes the target
     */
    public void setState(float[] p, String[] writtenPieces, boolean[] isCorrect, String captionText) {
        if (p.length != target.length) {
            throw new IllegalArgumentException("the strip shows " + target.length + " tokens, not " + p.length);
        }
        prob = p;
        written = writtenPieces != null ? writtenPieces : new String[target.length];
        correct = isCorrect != null ? isCorrect : new boolean[target.length];
        caption = captionText == null ? "" : captionText;
    }

    public void setTitle(String t) {
        title = t;
    }

    public int size() {
        return target.length;
    }

    public float[] probabilities() {
        return prob;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public String csv() {
        StringBuilder b = new StringBuilder("position,token,probability,written,correct\n");
        for (int i = 0; i < target.length; i++) {
            b.append(i).append(',').append(FigureExport.csvField(target[i])).append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.6f", prob[i])).append(',')
                    .append(FigureExport.csvField(written[i] != null ? written[i] : "")).append(',').append(correct[i])
                    .append('\n');
        }
        return b.toString();
    }

    /** The height the last drawing needed at its width (the screen sizes the canvas to it). */
    public double lastHeight() {
        return height;
    }

    /** The cell under a point of the last drawing, or -1. */
    public int cellAt(double x, double y) {
        for (int i = 0; i < cells.length; i++) {
            Rectangle2D r = cells[i];
            if (r != null && x >= r.getX() && x <= r.getMaxX() && y >= r.getY() && y <= r.getMaxY() + 14) {
                return i;
            }
        }
        return -1;
    }

    /** Bounds of cell {@code i} in the last drawing (for placing a tooltip). */
    public Rectangle2D cellBounds(int i) {
        return i >= 0 && i < cells.length ? cells[i] : null;
    }

    private static final double LEGEND_H = 34;
    private static final double LEGEND_W = 180;
    private static final double LEGEND_TEXT_X = 12 + LEGEND_W + 14;

    @Override
    public Object backgroundKey(double width, double height, FigureStyle style) {
        return java.util.List.of(width, height, style, title);
    }

    /** Title and legend: fixed at the top, so they do not move when the cells wrap differently. */
    @Override
    public void drawBackground(Graphics2D g, double width, double h, FigureStyle s) {
        hints(g);
        g.setColor(s.background());
        g.fill(new Rectangle2D.Double(0, 0, width, h));
        Font titleFont = s.font(1.08f, Font.BOLD);
        FontMetrics tm = g.getFontMetrics(titleFont);
        g.setFont(titleFont);
        g.setColor(s.foreground());
        g.drawString(title, 12f, (float) (10 + tm.getAscent()));
        drawLegend(g, s, 10 + tm.getHeight() + 6, width);
    }

    /** The caption and the cells: what changes from frame to frame. */
    @Override
    public void drawForeground(Graphics2D g, double width, double h, FigureStyle s) {
        hints(g);
        Font cellFont = s.font(1.08f, Font.PLAIN);
        Font smallFont = s.font(0.85f, Font.ITALIC);
        FontMetrics fm = g.getFontMetrics(cellFont);
        FontMetrics sm = g.getFontMetrics(smallFont);
        FontMetrics tm = g.getFontMetrics(s.font(1.08f, Font.BOLD));
        // aligned with the legend's text below, not measured against the title: the canvas bridge measures
        // bold text narrower than it draws it
        g.setFont(s.font());
        g.setColor(s.muted());
        g.drawString(leading(caption, g.getFontMetrics(), width - LEGEND_TEXT_X - 12), (float) LEGEND_TEXT_X,
                (float) (10 + tm.getAscent()));

        double top = 10 + tm.getHeight() + 6 + LEGEND_H;
        double cellH = fm.getHeight() + 9;
        double rowH = cellH + sm.getHeight() + 6;
        layout(fm, width, top, cellH, rowH, cellFont);

        // axis-aligned rectangles: the cheapest shape to fill, which matters at 30 frames a second
        for (int i = 0; i < target.length; i++) {
            Rectangle2D r = cells[i];
            Color fill = s.scale().color(prob[i]);
            g.setColor(fill);
            g.fill(r);
            if (correct[i]) {
                g.setColor(s.foreground());
                g.fill(new Rectangle2D.Double(r.getX(), r.getMaxY() - 2, r.getWidth(), 2));
            }
            g.setFont(cellFont);
            g.setColor(ColorScale.textOn(fill));
            String t = target[i];
            g.drawString(t, (float) (r.getCenterX() - width(fm, t) / 2.0), (float) (r.getY() + 3.5 + fm.getAscent()));
            String w = written[i];
            if (!correct[i] && w != null) {
                g.setFont(smallFont);
                g.setColor(s.danger());
                String shown = ellipsize(w, sm, r.getWidth() + GAP);
                g.drawString(shown, (float) (r.getCenterX() - width(sm, shown) / 2.0),
                        (float) (r.getMaxY() + 2 + sm.getAscent()));
            }
        }
        height = (target.length == 0 ? top : cells[target.length - 1].getY() + rowH) + 6;
    }

    private static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }

    private void layout(FontMetrics fm, double width, double top, double cellH, double rowH, Font font) {
        if (layoutWidth == width && font.equals(layoutFont) && cells.length == target.length) {
            return;
        }
        cells = new Rectangle2D[target.length];
        double x = 12;
        double y = top;
        double right = width - 12;
        for (int i = 0; i < target.length; i++) {
            double w = Math.max(MIN_CELL, width(fm, target[i]) + 2 * PAD_X);
            if (x + w > right && x > 12) {
                x = 12;
                y += rowH;
            }
            cells[i] = new Rectangle2D.Double(x, y, w, cellH);
            x += w + GAP;
        }
        layoutWidth = width;
        layoutFont = font;
    }

    private void drawLegend(Graphics2D g, FigureStyle s, double y, double width) {
        Heatmaps.scale(g, s, 12, y, LEGEND_W);
        FontMetrics fm = g.getFontMetrics();
        float ty = (float) (y + 11 + fm.getAscent());
        double room = width - LEGEND_TEXT_X - 12;
        // a narrow window gets the short wording rather than a line cut at the canvas's edge
        g.setColor(s.foreground());
        g.drawString(longestFitting(fm, room, "cell colour: probability of the correct token;  underlined: written"
                + " correctly", "colour: P(correct token) · underlined: right", "colour: P(correct)"),
                (float) LEGEND_TEXT_X, (float) (y + fm.getAscent() - 1));
        g.setColor(s.danger());
        g.drawString(longestFitting(fm, room, "red text under a cell: the token the model writes there instead",
                "red: the token written instead", "red: written instead"), (float) LEGEND_TEXT_X, ty);
    }

    /** The first of the wordings that fits in {@code room} (the last one when none does). */
    private static String longestFitting(FontMetrics fm, double room, String... wordings) {
        for (String w : wordings) {
            if (fm.stringWidth(w) <= room) {
                return w;
            }
        }
        return wordings[wordings.length - 1];
    }

    /** The leading " · "-separated parts of {@code caption} that fit in {@code room}: whole parts, no ellipsis. */
    static String leading(String caption, FontMetrics fm, double room) {
        if (fm.stringWidth(caption) <= room) {
            return caption;
        }
        String[] parts = caption.split(" · ");
        StringBuilder b = new StringBuilder();
        for (String part : parts) {
            String next = b.isEmpty() ? part : b + " · " + part;
            if (fm.stringWidth(next) > room) {
                break;
            }
            b.setLength(0);
            b.append(next);
        }
        return b.toString();
    }

    private double width(FontMetrics fm, String s) {
        if (widths.size() > 20_000) {
            widths.clear();
        }
        // keyed by the metrics' class too: screen (JavaFX) and export (AWT) measure the same font differently
        return widths.computeIfAbsent(java.util.List.of(fm.getClass(), fm.getFont(), s), k -> (double) fm.stringWidth(s));
    }

    private String ellipsize(String s, FontMetrics fm, double max) {
        if (width(fm, s) <= max) {
            return s;
        }
        String e = s;
        while (e.length() > 1 && width(fm, e + "…") > max) {
            e = e.substring(0, e.length() - 1);
        }
        return e + "…";
    }
}
