package dev.protolens.app.figures;

import java.awt.BasicStroke;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;

/**
 * A rectangle of a figure with two axes: computes the inner plotting area from the labels' sizes, draws the
 * title, grid, ticks and axis titles, and maps data to pixels. The shared frame of every chart (curves now,
 * atlas and interpolation charts later).
 */
public final class Plot {
    private final Rectangle2D outer;
    private final Rectangle2D area;
    private final Axis x;
    private final Axis y;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final double yBaseline;

    public Plot(Graphics2D g, FigureStyle s, Rectangle2D outer, Axis x, Axis y, String title, String xLabel,
                String yLabel) {
        this.outer = outer;
        this.x = x;
        this.y = y;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        FontMetrics small = g.getFontMetrics(s.font(0.92f, java.awt.Font.PLAIN));
        FontMetrics titleFm = g.getFontMetrics(s.font(1.08f, java.awt.Font.BOLD));
        int tickW = 0;
        for (double t : y.ticks()) {
            tickW = Math.max(tickW, small.stringWidth(y.label(t)));
        }
        // the rotated y title in a band of its own, 6 px to the tick labels, 6 px to the axis. Sized from the
        // font, not the metrics: on screen FXGraphics2D's metrics do not match the drawn glyphs
        double size = s.font(0.92f, java.awt.Font.PLAIN).getSize2D();
        yBaseline = outer.getX() + 2 + Math.ceil(size);
        double left = 2 + Math.ceil(size * 1.4) + 6 + tickW + 6;
        double top = title == null ? 8 : lineHeight(titleFm) + 8;
        double bottom = lineHeight(small) * 2 + 12;
        // the last x tick label is centred on the plot's right edge: room for its right half ("1 500" at 1070 steps)
        double right = 12;
        for (double t : x.ticks()) {
            right = Math.max(right, small.stringWidth(x.label(t)) / 2.0 + EDGE);
        }
        area = new Rectangle2D.Double(outer.getX() + left, outer.getY() + top,
                Math.max(10, outer.getWidth() - left - right), Math.max(10, outer.getHeight() - top - bottom));
    }

    /**
     * A line of text's height. The screen's FXGraphics2D reports no descent (height = ascent), which would let
     * axis titles run off the figure's edge or into the tick labels; a line is at least 1.3 × the ascent.
     */
    static double lineHeight(FontMetrics fm) {
        return Math.max(fm.getHeight(), Math.ceil(fm.getAscent() * 1.3));
    }

    public Rectangle2D area() {
        return area;
    }

    public double px(double v) {
        return area.getX() + x.fraction(v) * area.getWidth();
    }

    public double py(double v) {
        return area.getMaxY() - y.fraction(v) * area.getHeight();
    }

    /** Title, grid lines, tick labels and axis titles. Data is drawn afterwards, clipped to {@link #area()}. */
    public void drawFrame(Graphics2D g, FigureStyle s) {
        FontMetrics small = g.getFontMetrics(s.font(0.92f, java.awt.Font.PLAIN));
        g.setStroke(new BasicStroke(1f));
        g.setFont(s.font(0.92f, java.awt.Font.PLAIN));
        for (double t : y.ticks()) {
            double py = py(t);
            g.setColor(s.grid());
            g.draw(new Line2D.Double(area.getX(), py, area.getMaxX(), py));
            g.setColor(s.muted());
            String l = y.label(t);
            g.drawString(l, (float) (area.getX() - 6 - small.stringWidth(l)), (float) (py + small.getAscent() / 2.0 - 1));
        }
        for (double t : x.ticks()) {
            double px = px(t);
            g.setColor(s.grid());
            g.draw(new Line2D.Double(px, area.getY(), px, area.getMaxY()));
            g.setColor(s.muted());
            String l = x.label(t);
            g.drawString(l, (float) (px - small.stringWidth(l) / 2.0), (float) (area.getMaxY() + 4 + small.getAscent()));
        }
        g.setColor(s.muted());
        g.draw(new Line2D.Double(area.getX(), area.getMaxY(), area.getMaxX(), area.getMaxY()));
        g.draw(new Line2D.Double(area.getX(), area.getY(), area.getX(), area.getMaxY()));
        if (xLabel != null) {
            g.setColor(s.foreground());
            g.drawString(xLabel, (float) (area.getCenterX() - small.stringWidth(xLabel) / 2.0),
                    (float) (area.getMaxY() + 8 + lineHeight(small) + small.getAscent()));
        }
        if (yLabel != null) {
            // a figure less high than its y title is long (the Fit view's curves in a small window): a smaller
            // font, then the end cut with "…"; centred on the plot but never past the figure's top or bottom
            double room = outer.getHeight() - 2 * EDGE;
            java.awt.Font font = s.font(0.92f, java.awt.Font.PLAIN);
            FontMetrics fm = small;
            if (fm.stringWidth(yLabel) > room) {
                font = s.font(0.8f, java.awt.Font.PLAIN);
                fm = g.getFontMetrics(font);
            }
            String label = ProjectionFigure.ellipsize(yLabel, fm, room);
            double length = fm.stringWidth(label);
            double start = Math.min(outer.getMaxY() - EDGE,
                    Math.max(outer.getY() + EDGE + length, area.getCenterY() + length / 2.0));
            AffineTransform saved = g.getTransform();
            // rotated, the ascent points left: the glyphs' tops about 2 px inside the figure's edge
            g.translate(yBaseline, start);
            g.rotate(-Math.PI / 2);
            g.setFont(font);
            g.setColor(s.foreground());
            g.drawString(label, 0f, 0f);
            g.setTransform(saved);
        }
        if (title != null) {
            java.awt.Font font = s.font(1.08f, java.awt.Font.BOLD);
            FontMetrics fm = g.getFontMetrics(font);
            // over the plot's left edge where it fits; moved left, then cut with "…", where the figure is narrow
            String t = ProjectionFigure.ellipsize(title, fm, outer.getWidth() - 2 * EDGE);
            double tx = Math.max(outer.getX() + EDGE, Math.min(area.getX(), outer.getMaxX() - EDGE - fm.stringWidth(t)));
            g.setFont(font);
            g.setColor(s.foreground());
            g.drawString(t, (float) tx, (float) (area.getY() - 8));
        }
    }

    /** The least room between a text and the figure's edge, in pixels. */
    private static final double EDGE = 2;
}
