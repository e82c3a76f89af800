package dev.protolens.app.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The paper's locality finding as two histograms over the same bins: distances between solutions of the same
 * text (different seeds) and between solutions of different texts, each as a share of its own pairs so groups
 * of different sizes compare, with each group's mean marked.
 */
public final class DistanceHistogramFigure implements Figure {
    private static final int BINS = 20;

    private String title = "Distances between solutions";
    private String metric = "cosine distance";
    private double[] same = new double[0];
    private double[] different = new double[0];

    /**
     * @param metricLabel the x axis, e.g. "cosine distance between e"
     * @param sameText    one distance per pair of runs of one text with different seeds
     * @param otherTexts  one distance per pair of runs of different texts
     */
    public void setData(String metricLabel, double[] sameText, double[] otherTexts) {
        metric = metricLabel;
        same = sameText.clone();
        different = otherTexts.clone();
    }

    public void setTitle(String t) {
        title = t;
    }

    @Override
    public String title() {
        return title;
    }

    public static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    @Override
    public String csv() {
        StringBuilder b = new StringBuilder("pairs,").append(FigureExport.csvField(metric)).append('\n');
        for (double v : same) {
            b.append("same_text,").append(String.format(Locale.ROOT, "%.6f", v)).append('\n');
        }
        for (double v : different) {
            b.append("different_texts,").append(String.format(Locale.ROOT, "%.6f", v)).append('\n');
        }
        return b.toString();
    }

    /** [lo, hi] of both groups, widened to nice ticks. */
    private Axis xAxis() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] g : List.of(same, different)) {
            for (double v : g) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!Double.isFinite(lo)) {
            return Axis.linear(0, 1, 5);
        }
        return Axis.linear(Math.max(0, lo), hi, 5);
    }

    static double[] shares(double[] values, double lo, double hi, int bins) {
        double[] h = new double[bins];
        if (values.length == 0) {
            return h;
        }
        for (double v : values) {
            int b = (int) Math.floor((v - lo) / (hi - lo) * bins);
            h[Math.max(0, Math.min(bins - 1, b))]++;
        }
        for (int i = 0; i < bins; i++) {
            h[i] /= values.length;
        }
        return h;
    }

    @Override
    public void draw(Graphics2D g, double width, double height, FigureStyle s) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(s.background());
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        Axis x = xAxis();
        double[] hs = shares(same, x.min(), x.max(), BINS);
        double[] hd = shares(different, x.min(), x.max(), BINS);
        double highest = 0;
        for (int i = 0; i < BINS; i++) {
            highest = Math.max(highest, Math.max(hs[i], hd[i]));
        }
        Axis y = Axis.linear(0, highest > 0 ? highest : 1, 4);
        FontMetrics fm = g.getFontMetrics(s.font(0.92f, Font.PLAIN));
        FontMetrics tm = g.getFontMetrics(s.font(1.08f, Font.BOLD));
        // title, then one legend line per group, then the plot (whose own title is left out)
        g.setFont(s.font(1.08f, Font.BOLD));
        g.setColor(s.foreground());
        g.drawString(title, 4f, (float) tm.getAscent());
        double line = Plot.lineHeight(fm);
        double legendY = Plot.lineHeight(tm) + 2 + fm.getAscent();
        double top = Plot.lineHeight(tm) + 2 * (line + 2) + 2;
        Plot p = new Plot(g, s, new Rectangle2D.Double(0, top, width, height - top), x, y, null, metric,
                "share of pairs");
        p.drawFrame(g, s);
        Rectangle2D a = p.area();
        double bw = a.getWidth() / BINS;
        Color cs = s.seriesColor(0);
        Color cd = s.seriesColor(1);
        for (int i = 0; i < BINS; i++) {
            bar(g, p, a.getX() + i * bw, bw, hd[i], translucent(cd));
            bar(g, p, a.getX() + i * bw, bw, hs[i], translucent(cs));
        }
        double ms = mean(same);
        double md = mean(different);
        g.setFont(s.font(0.92f, Font.PLAIN));
        meanLine(g, s, p, ms, cs, fm, 0);
        meanLine(g, s, p, md, cd, fm, 1);
        double ly = legendY;
        legendRow(g, s, fm, 4, ly, cs, String.format(Locale.ROOT, "same text, other seed: %d pairs, mean %s", same.length,
                fmt(ms)));
        legendRow(g, s, fm, 4, ly + line + 2, cd, String.format(Locale.ROOT,
                "different texts: %d pairs, mean %s", different.length, fmt(md)));
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "–";
    }

    private static void legendRow(Graphics2D g, FigureStyle s, FontMetrics fm, double x, double y, Color c, String text) {
        g.setColor(translucent(c));
        g.fill(new Rectangle2D.Double(x, y - fm.getAscent() + 2, 14, fm.getAscent() - 2));
        g.setColor(c);
        g.draw(new Rectangle2D.Double(x, y - fm.getAscent() + 2, 14, fm.getAscent() - 2));
        g.setColor(s.foreground());
        g.drawString(text, (float) (x + 20), (float) y);
    }

    private static void bar(Graphics2D g, Plot p, double x, double w, double share, Color c) {
        if (share <= 0) {
            return;
        }
        double y = p.py(share);
        g.setColor(c);
        g.fill(new Rectangle2D.Double(x + 0.5, y, Math.max(1, w - 1), p.area().getMaxY() - y));
    }

    private static void meanLine(Graphics2D g, FigureStyle s, Plot p, double m, Color c, FontMetrics fm, int row) {
        if (!Double.isFinite(m)) {
            return;
        }
        Rectangle2D a = p.area();
        double x = p.px(m);
        g.setColor(c);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 3f}, 0f));
        g.draw(new Line2D.Double(x, a.getY(), x, a.getMaxY()));
        g.setStroke(new BasicStroke(1f));
        String label = "mean " + fmt(m);
        double lx = x + 4 + fm.stringWidth(label) > a.getMaxX() ? x - 4 - fm.stringWidth(label) : x + 4;
        g.setColor(s.foreground());
        g.drawString(label, (float) lx, (float) (a.getY() + fm.getAscent() + 2 + row * (Plot.lineHeight(fm) + 1)));
    }

    private static Color translucent(Color c) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), 150);
    }
}
