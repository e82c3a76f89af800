package dev.protolens.app.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.List;

/**
 * Loss and token accuracy against optimisation steps, side by side: one thin line per restart and the best
 * one drawn bold. Lines with more points than the plot has pixels are reduced to each pixel column's
 * minimum and maximum, so a 5000-step history costs the same to draw as a 500-step one and no spike is lost.
 */
public final class CurvesFigure implements LayeredFigure {
    /** One restart's history: {@code count} points (step, loss, accuracy). */
    public record Line(int[] steps, float[] loss, float[] accuracy, int count) {
        public static Line of(float[] loss, float[] accuracy) {
            int[] s = new int[loss.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = i;
            }
            return new Line(s, loss, accuracy, loss.length);
        }
    }

    private List<Line> lines = List.of();
    private int best;
    private int stepsHint = 100;
    private boolean logLoss;
    private String title = "Loss and accuracy";

    /**
     * @param bestIndex the line drawn bold (the best restart)
     * @param xHint     the x axis covers at least [0, xHint]
     */
    public void setLines(List<Line> l, int bestIndex, int xHint) {
        lines = List.copyOf(l);
        best = bestIndex;
        stepsHint = Math.max(10, xHint);
    }

    public void setLogLoss(boolean log) {
        logLoss = log;
    }

    public boolean isLogLoss() {
        return logLoss;
    }

    public void setTitle(String t) {
        title = t;
    }

    public List<Line> lines() {
        return lines;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public String csv() {
        StringBuilder b = new StringBuilder("line,step,loss,accuracy\n");
        for (int k = 0; k < lines.size(); k++) {
            Line l = lines.get(k);
            for (int i = 0; i < l.count(); i++) {
                b.append(k).append(',').append(l.steps()[i]).append(',').append(l.loss()[i]).append(',')
                        .append(l.accuracy()[i]).append('\n');
            }
        }
        return b.toString();
    }

    /** The two plots' axes for the current data; both layers are drawn against the same ones. */
    private record Axes(Axis x, Axis loss, Axis accuracy) {}

    private Axes axes() {
        int lastStep = stepsHint;
        double lossMin = Double.POSITIVE_INFINITY;
        double lossMax = 0;
        for (Line l : lines) {
            if (l.count() > 0) {
                lastStep = Math.max(lastStep, l.steps()[l.count() - 1]);
            }
            for (int i = 0; i < l.count(); i++) {
                float v = l.loss()[i];
                if (Float.isFinite(v)) {
                    lossMax = Math.max(lossMax, v);
                    if (v > 0) {
                        lossMin = Math.min(lossMin, v);
                    }
                }
            }
        }
        if (lossMax <= 0) {
            lossMax = 1;
        }
        if (!Double.isFinite(lossMin)) {
            lossMin = lossMax / 100;
        }
        return new Axes(Axis.linear(0, lastStep, 5), logLoss ? Axis.log(lossMin, lossMax) : Axis.linear(0, lossMax, 4),
                Axis.fixed(0, 1, 0.25));
    }

    private Plot[] plots(Graphics2D g, FigureStyle s, double width, double height, Axes a) {
        double gap = 18;
        double half = (width - gap) / 2;
        return new Plot[] {
            new Plot(g, s, new Rectangle2D.Double(0, 0, half, height), a.x(), a.loss(),
                    "Loss" + (logLoss ? " (log scale)" : ""), "step", "cross-entropy, nats per token"),
            new Plot(g, s, new Rectangle2D.Double(half + gap, 0, half, height), a.x(), a.accuracy(),
                    "Token accuracy", "step", "fraction of tokens right")
        };
    }

    @Override
    public Object backgroundKey(double width, double height, FigureStyle style) {
        Axes a = axes();
        return java.util.List.of(width, height, style, logLoss, a.x().min(), a.x().max(), a.loss().min(),
                a.loss().max());
    }

    @Override
    public void drawBackground(Graphics2D g, double width, double height, FigureStyle s) {
        hints(g);
        g.setColor(s.background());
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        for (Plot p : plots(g, s, width, height, axes())) {
            p.drawFrame(g, s);
        }
    }

    @Override
    public void drawForeground(Graphics2D g, double width, double height, FigureStyle s) {
        hints(g);
        Plot[] p = plots(g, s, width, height, axes());
        drawLines(g, s, p[0], true);
        drawLines(g, s, p[1], false);
        drawLegend(g, s, p[0]);
    }

    /**
     * Each restart keeps one colour for the whole fit, before and after it ends (the best is drawn thicker, not in
     * another colour); one line alone takes the accent.
     */
    static Color lineColour(int i, int lines, FigureStyle s) {
        return lines == 1 ? s.accent() : s.seriesColor(i + 1);
    }

    /** With restarts: "K1 K2 K3 · thick = best" in the loss plot's top right corner, on the background. */
    private void drawLegend(Graphics2D g, FigureStyle s, Plot p) {
        if (lines.size() < 2) {
            return;
        }
        g.setFont(s.font(0.85f, java.awt.Font.PLAIN));
        java.awt.FontMetrics fm = g.getFontMetrics();
        String tail = "thick = best";
        double swatch = 14;
        double w = fm.stringWidth(tail) + 8;
        for (int i = 0; i < lines.size(); i++) {
            w += swatch + 3 + fm.stringWidth("K" + (i + 1)) + 8;
        }
        Rectangle2D a = p.area();
        if (w > a.getWidth() - 8) {
            // a narrow plot: the restarts' keys only; the thick line is still the best
            w -= fm.stringWidth(tail) + 8;
            tail = "";
        }
        double x = Math.max(a.getX() + 2, a.getMaxX() - w - 4);
        double y = a.getY() + 4;
        double h = fm.getHeight() + 4;
        g.setColor(new Color(s.background().getRed(), s.background().getGreen(), s.background().getBlue(), 220));
        g.fill(new Rectangle2D.Double(x - 4, y, w + 6, h));
        double base = y + 2 + fm.getAscent();
        for (int i = 0; i < lines.size(); i++) {
            g.setColor(lineColour(i, lines.size(), s));
            g.setStroke(new BasicStroke(i == best ? 2.4f : 1.4f));
            double mid = y + h / 2;
            g.draw(new java.awt.geom.Line2D.Double(x, mid, x + swatch, mid));
            x += swatch + 3;
            g.setColor(s.foreground());
            String k = "K" + (i + 1);
            g.drawString(k, (float) x, (float) base);
            x += fm.stringWidth(k) + 8;
        }
        g.setColor(s.muted());
        g.drawString(tail, (float) x, (float) base);
    }

    private static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }

    private void drawLines(Graphics2D g, FigureStyle s, Plot p, boolean isLoss) {
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < lines.size(); i++) {
                boolean bold = i == best;
                if (bold != (pass == 1)) {
                    continue; // thin lines first, the best on top
                }
                Line l = lines.get(i);
                Color c = lineColour(i, lines.size(), s);
                g.setColor(bold ? c : new Color(c.getRed(), c.getGreen(), c.getBlue(), 170));
                g.setStroke(new BasicStroke(bold ? 1.8f : 1f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(path(l, p, isLoss));
            }
        }
    }

    /** The line as a path, reduced to min/max per pixel column when it has more points than pixels. */
    static Path2D path(Line l, Plot p, boolean isLoss) {
        Path2D.Double path = new Path2D.Double();
        float[] v = isLoss ? l.loss() : l.accuracy();
        int n = l.count();
        boolean started = false;
        int column = Integer.MIN_VALUE;
        double colMin = 0;
        double colMax = 0;
        double colFirst = 0;
        double colLast = 0;
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(v[i])) {
                continue;
            }
            // clamped into the plot rather than clipped: a clip is costly on a canvas
            Rectangle2D a = p.area();
            double px = Math.min(a.getMaxX(), Math.max(a.getX(), p.px(l.steps()[i])));
            double py = Math.min(a.getMaxY() + 1, Math.max(a.getY() - 1, p.py(v[i])));
            int c = (int) Math.floor(px);
            if (c != column) {
                if (started) {
                    flushColumn(path, column, colFirst, colMin, colMax, colLast);
                }
                column = c;
                colFirst = py;
                colMin = py;
                colMax = py;
                colLast = py;
                if (!started) {
                    path.moveTo(px, py);
                    started = true;
                }
            } else {
                colMin = Math.min(colMin, py);
                colMax = Math.max(colMax, py);
                colLast = py;
            }
        }
        if (started) {
            flushColumn(path, column, colFirst, colMin, colMax, colLast);
        }
        return path;
    }

    private static void flushColumn(Path2D path, int column, double first, double min, double max, double last) {
        double x = column + 0.5;
        path.lineTo(x, first);
        if (max - min > 0.5) {
            path.lineTo(x, min);
            path.lineTo(x, max);
        }
        path.lineTo(x, last);
    }
}
