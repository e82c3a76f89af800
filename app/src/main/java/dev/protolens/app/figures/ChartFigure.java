package dev.protolens.app.figures;

import dev.protolens.engine.experiment.Chart;
import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Locale;

/**
 * An experiment's chart ({@link Chart}: grouped bars, lines, a labelled scatter) drawn as a {@link Figure};
 * the locality histogram goes to {@link DistanceHistogramFigure}. See {@link #of}.
 */
public final class ChartFigure implements Figure {
    private final Chart chart;

    private ChartFigure(Chart chart) {
        this.chart = chart;
    }

    /** The figure that draws the chart. */
    public static Figure of(Chart chart) {
        if (chart instanceof Chart.Histogram h) {
            DistanceHistogramFigure f = new DistanceHistogramFigure();
            f.setTitle(h.title());
            f.setData(h.metric(), h.same(), h.different());
            return f;
        }
        return new ChartFigure(chart);
    }

    @Override
    public String title() {
        return chart.title();
    }

    @Override
    public String csv() {
        StringBuilder b = new StringBuilder();
        switch (chart) {
            case Chart.Bars c -> {
                b.append("category,series,value\n");
                for (int s = 0; s < c.series().size(); s++) {
                    for (int i = 0; i < c.categories().size(); i++) {
                        b.append(FigureExport.csvField(c.categories().get(i))).append(',')
                                .append(FigureExport.csvField(c.series().get(s))).append(',').append(c.values()[s][i])
                                .append('\n');
                    }
                }
            }
            case Chart.Lines c -> {
                b.append("series,x,y\n");
                for (Chart.Series s : c.series()) {
                    for (int i = 0; i < s.x().length; i++) {
                        b.append(FigureExport.csvField(s.name())).append(',').append(s.x()[i]).append(',')
                                .append(s.y()[i]).append('\n');
                    }
                }
            }
            case Chart.Scatter c -> {
                b.append("label,x,y,group\n");
                for (Chart.Point p : c.points()) {
                    b.append(FigureExport.csvField(p.label())).append(',').append(p.x()).append(',').append(p.y())
                            .append(',').append(FigureExport.csvField(c.groups().get(p.group()))).append('\n');
                }
            }
            case Chart.Histogram h -> {
                return ChartFigure.of(h).csv();
            }
        }
        return b.toString();
    }

    @Override
    public void draw(Graphics2D g, double width, double height, FigureStyle s) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(s.background());
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        FontMetrics fm = g.getFontMetrics(s.font(0.92f, Font.PLAIN));
        List<String> legend = switch (chart) {
            case Chart.Bars c -> c.series();
            case Chart.Lines c -> c.series().stream().map(Chart.Series::name).toList();
            case Chart.Scatter c -> c.groups();
            case Chart.Histogram h -> List.of();
        };
        // legend in a band on the right, so long series names never cover data
        double legendW = 0;
        for (String l : legend) {
            legendW = Math.max(legendW, fm.stringWidth(l) + 34);
        }
        legendW = Math.min(legendW, width * 0.38);
        Rectangle2D outer = new Rectangle2D.Double(0, 0, width - legendW, height);
        switch (chart) {
            case Chart.Bars c -> drawBars(g, s, outer, c);
            case Chart.Lines c -> drawLines(g, s, outer, c);
            case Chart.Scatter c -> drawScatter(g, s, outer, c);
            case Chart.Histogram h -> { }
        }
        g.setFont(s.font(0.92f, Font.PLAIN));
        double y = Plot.lineHeight(g.getFontMetrics(s.font(1.08f, Font.BOLD))) + 10 + fm.getAscent();
        for (int i = 0; i < legend.size(); i++) {
            double x = width - legendW + 6;
            g.setColor(s.seriesColor(i));
            boolean dashed = chart instanceof Chart.Lines c && c.series().get(i).dashed();
            g.setStroke(stroke(dashed));
            if (chart instanceof Chart.Lines) {
                g.draw(new Line2D.Double(x, y - fm.getAscent() / 2.0, x + 22, y - fm.getAscent() / 2.0));
            } else {
                g.fill(new Rectangle2D.Double(x, y - fm.getAscent() + 2, 22, fm.getAscent() - 2));
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(s.foreground());
            g.drawString(legend.get(i), (float) (x + 28), (float) y);
            y += Plot.lineHeight(fm) + 2;
        }
    }

    private static BasicStroke stroke(boolean dashed) {
        return dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    private static double max(double[][] v) {
        double m = 0;
        for (double[] r : v) {
            for (double x : r) {
                if (Double.isFinite(x)) {
                    m = Math.max(m, x);
                }
            }
        }
        return m;
    }

    private static void drawBars(Graphics2D g, FigureStyle s, Rectangle2D outer, Chart.Bars c) {
        double hi = max(c.values());
        Axis y = hi <= 1 ? Axis.fixed(0, 1, 0.25) : Axis.linear(0, hi, 5);
        int cats = c.categories().size();
        Axis x = Axis.fixed(0, Math.max(1, cats), Math.max(1, cats));
        Plot p = new Plot(g, s, outer, x, y, c.title(), null, c.yLabel());
        p.drawFrame(g, s);
        Rectangle2D a = p.area();
        // the frame's numeric x labels mean nothing for categories: cover them, then name the categories
        g.setColor(s.background());
        g.fill(new Rectangle2D.Double(a.getX() - 30, a.getMaxY() + 1, a.getWidth() + 60,
                Plot.lineHeight(g.getFontMetrics(s.font(0.92f, Font.PLAIN))) + 4));
        double slot = a.getWidth() / Math.max(1, cats);
        int ns = c.series().size();
        double bw = slot * 0.8 / Math.max(1, ns);
        FontMetrics fm = g.getFontMetrics(s.font(0.92f, Font.PLAIN));
        g.setFont(s.font(0.92f, Font.PLAIN));
        for (int i = 0; i < cats; i++) {
            for (int k = 0; k < ns; k++) {
                double v = c.values()[k][i];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double x0 = a.getX() + i * slot + slot * 0.1 + k * bw;
                double top = p.py(v);
                g.setColor(s.seriesColor(k));
                g.fill(new Rectangle2D.Double(x0, top, Math.max(1, bw - 1), a.getMaxY() - top));
            }
            String label = c.categories().get(i);
            g.setColor(s.foreground());
            double lw = fm.stringWidth(label);
            g.drawString(label, (float) (a.getX() + i * slot + (slot - lw) / 2), (float) (a.getMaxY() + fm.getAscent() + 4));
        }
    }

    private static void drawLines(Graphics2D g, FigureStyle s, Rectangle2D outer, Chart.Lines c) {
        double xlo = Double.POSITIVE_INFINITY;
        double xhi = Double.NEGATIVE_INFINITY;
        double yhi = 0;
        for (Chart.Series se : c.series()) {
            for (int i = 0; i < se.x().length; i++) {
                xlo = Math.min(xlo, se.x()[i]);
                xhi = Math.max(xhi, se.x()[i]);
                if (Double.isFinite(se.y()[i])) {
                    yhi = Math.max(yhi, se.y()[i]);
                }
            }
        }
        if (!Double.isFinite(xlo)) {
            xlo = 0;
            xhi = 1;
        }
        if (xhi <= xlo) {
            xhi = xlo + 1;
        }
        // linear even when logX: the log axis widens to whole decades, which squeezes a 2-16 grid into a corner
        Axis x = Axis.linear(xlo, xhi, 6);
        Axis y = yhi <= 1 ? Axis.fixed(0, 1, 0.25) : Axis.linear(0, yhi, 5);
        Plot p = new Plot(g, s, outer, x, y, c.title(), c.xLabel(), c.yLabel());
        p.drawFrame(g, s);
        java.awt.Shape clip = g.getClip();
        g.clip(new Rectangle2D.Double(p.area().getX() - 4, p.area().getY() - 4, p.area().getWidth() + 8,
                p.area().getHeight() + 8));
        for (int k = 0; k < c.series().size(); k++) {
            Chart.Series se = c.series().get(k);
            Path2D path = new Path2D.Double();
            boolean started = false;
            g.setColor(s.seriesColor(k));
            for (int i = 0; i < se.x().length; i++) {
                if (!Double.isFinite(se.y()[i])) {
                    continue;
                }
                double px = p.px(se.x()[i]);
                double py = p.py(se.y()[i]);
                if (!started) {
                    path.moveTo(px, py);
                    started = true;
                } else {
                    path.lineTo(px, py);
                }
                g.fill(new Ellipse2D.Double(px - 2.5, py - 2.5, 5, 5));
            }
            g.setStroke(stroke(se.dashed()));
            g.draw(path);
            g.setStroke(new BasicStroke(1f));
        }
        g.setClip(clip);
    }

    private static void drawScatter(Graphics2D g, FigureStyle s, Rectangle2D outer, Chart.Scatter c) {
        double xhi = 1;
        double yhi = 1;
        for (Chart.Point pt : c.points()) {
            if (Double.isFinite(pt.x())) {
                xhi = Math.max(xhi, pt.x());
            }
            yhi = Math.max(yhi, pt.y());
        }
        Axis x = Axis.linear(0, xhi * 1.1, 6);
        Axis y = Axis.linear(0, yhi * 1.15, 5);
        Plot p = new Plot(g, s, outer, x, y, c.title(), c.xLabel(), c.yLabel());
        p.drawFrame(g, s);
        FontMetrics fm = g.getFontMetrics(s.font(0.92f, Font.PLAIN));
        g.setFont(s.font(0.92f, Font.PLAIN));
        for (Chart.Point pt : c.points()) {
            if (!Double.isFinite(pt.x())) {
                continue;
            }
            double px = p.px(pt.x());
            double py = p.py(pt.y());
            g.setColor(s.seriesColor(pt.group()));
            g.fill(new Ellipse2D.Double(px - 4, py - 4, 8, 8));
            g.setColor(s.foreground());
            String l = pt.label();
            double lx = px + 6 + fm.stringWidth(l) > p.area().getMaxX() ? px - 6 - fm.stringWidth(l) : px + 6;
            g.drawString(l, (float) lx, (float) (py - 5));
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ChartFigure[%s]", chart.file());
    }

}
