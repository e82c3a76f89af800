package dev.protolens.app.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import dev.protolens.engine.analysis.PathCurve;
import dev.protolens.engine.analysis.PathPoint;
import dev.protolens.engine.store.RunRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A value along paths between two solutions against τ ∈ [0, 1]: token accuracy on the straight line and on the
 * learned Bézier path between two solutions of one text (or, between different texts, how much of each end's
 * text every point writes), with the current τ of the slider marked. The axes and legend are the background,
 * the curves the foreground; on screen the τ marker is not painted into the canvas but placed over it
 * ({@link #screenMarker}), so a slider drag moves a line instead of repainting a chart 60 times a second.
 */
public final class TauCurvesFigure implements LayeredFigure {
    /**
     * One curve.
     *
     * @param style which path it belongs to: drawn solid in the accent colour (learned Bézier), dashed (straight)
     * @param series palette index when several curves share a style (match with A, with B)
     */
    public record Curve(String name, double[] tau, double[] value, Style style, int series) {
        public Curve {
            if (tau.length != value.length) {
                throw new IllegalArgumentException("one value per τ");
            }
        }
    }

    public enum Style { STRAIGHT, BEZIER }

    private String title = "Accuracy along the paths";
    private String yLabel = "token accuracy";
    private List<Curve> curves = List.of();
    private double tau = Double.NaN;
    private Plot screenPlot;
    private RunRecord endA;
    private RunRecord endB;

    public void setTitle(String t) {
        title = t;
    }

    public void setCurves(String valueLabel, List<Curve> c) {
        yLabel = valueLabel;
        curves = List.copyOf(c);
    }

    /**
     * The paths between two runs, as the Interpolation view and {@code protolens interpolate} show them: between
     * solutions of one text, token accuracy on the straight line and (when learned) the Bézier path; between
     * different texts, how much of A's and of B's text each point of the straight line writes. No curves when
     * {@code straight} is null.
     */
    public void showPaths(boolean sameText, PathCurve straight, PathCurve bezier) {
        List<Curve> list = new ArrayList<>();
        if (straight == null || sameText) {
            title = "Accuracy along the paths";
            if (straight != null) {
                list.add(new Curve("straight line", straight.taus(), straight.accuracies(), Style.STRAIGHT, -1));
            }
            if (straight != null && bezier != null) {
                list.add(new Curve("learned Bézier", bezier.taus(), bezier.accuracies(), Style.BEZIER, -1));
            }
            setCurves("token accuracy", list);
        } else {
            title = "How much of each end's text is written";
            list.add(new Curve("A's tokens", straight.taus(),
                    straight.points().stream().mapToDouble(PathPoint::matchA).toArray(), Style.STRAIGHT, 0));
            list.add(new Curve("B's tokens", straight.taus(),
                    straight.points().stream().mapToDouble(PathPoint::matchB).toArray(), Style.STRAIGHT, 1));
            setCurves("share of the end's tokens at their place", list);
        }
    }

    /** The runs at τ = 0 and τ = 1, named under the τ axis (null: the axis says only "run A", "run B"). */
    public void setEnds(RunRecord a, RunRecord b) {
        endA = a;
        endB = b;
    }

    /** The τ axis's title as last drawn at {@code width}: with the ends' names when they are known. */
    public String xLabel(Graphics2D g, FigureStyle s, double width) {
        if (endA == null || endB == null) {
            return "τ (0 = run A, 1 = run B)";
        }
        return PathEnds.line("τ from 0 to 1:  ", endA, endB, g.getFontMetrics(s.font(0.92f, Font.PLAIN)), width - 70);
    }

    /** The slider's τ, marked by a vertical line (NaN: none). */
    public void setTau(double t) {
        tau = t;
    }

    public List<Curve> curves() {
        return curves;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public String csv() {
        StringBuilder b = new StringBuilder("curve,tau,").append(FigureExport.csvField(yLabel)).append('\n');
        for (Curve c : curves) {
            for (int i = 0; i < c.tau().length; i++) {
                b.append(FigureExport.csvField(c.name())).append(',')
                        .append(String.format(Locale.ROOT, "%.6f,%s", c.tau()[i],
                                Double.isFinite(c.value()[i]) ? String.format(Locale.ROOT, "%.6f", c.value()[i]) : ""))
                        .append('\n');
            }
        }
        return b.toString();
    }

    private Plot plot(Graphics2D g, FigureStyle s, double width, double height) {
        return new Plot(g, s, new Rectangle2D.Double(0, 0, width, height), Axis.fixed(0, 1, 0.1),
                Axis.fixed(0, 1, 0.25), title, xLabel(g, s, width), yLabel);
    }

    @Override
    public Object backgroundKey(double width, double height, FigureStyle style) {
        return List.of(width, height, style, title, yLabel, curves.stream().map(Curve::name).toList(),
                endA == null ? "" : endA.id(), endB == null ? "" : endB.id());
    }

    @Override
    public void drawBackground(Graphics2D g, double width, double height, FigureStyle s) {
        hints(g);
        g.setColor(s.background());
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        Plot p = plot(g, s, width, height);
        p.drawFrame(g, s);
        // the legend on the title's line, from the right
        g.setFont(s.font(0.92f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        double x = p.area().getMaxX();
        double y = p.area().getY() - 8;
        for (int i = curves.size() - 1; i >= 0; i--) {
            Curve c = curves.get(i);
            double w = fm.stringWidth(c.name());
            x -= w;
            g.setColor(s.foreground());
            g.drawString(c.name(), (float) x, (float) y);
            x -= 22;
            g.setColor(colour(c, s));
            g.setStroke(stroke(c));
            g.draw(new Line2D.Double(x, y - fm.getAscent() / 2.0 + 1, x + 18, y - fm.getAscent() / 2.0 + 1));
            x -= 16;
        }
    }

    /**
     * The whole figure with the τ marker, as exports and the command line draw it. The screen draws the same
     * parts apart: {@link #drawForeground} paints the curves only, and the marker is a node over the canvas
     * ({@link #screenMarker()}), so moving the slider repaints a thin line, not the canvas.
     */
    @Override
    public void draw(Graphics2D g, double width, double height, FigureStyle s) {
        drawBackground(g, width, height, s);
        Plot p = plot(g, s, width, height);
        drawCurves(g, p, s);
        drawMarker(g, p, s);
    }

    /** On screen only: the curves, without the τ marker. Remembers the plot's geometry for the marker. */
    @Override
    public void drawForeground(Graphics2D g, double width, double height, FigureStyle s) {
        Plot p = plot(g, s, width, height);
        screenPlot = p;
        drawCurves(g, p, s);
    }

    /**
     * Where the τ marker goes over the last on-screen paint: the line's x, the plot's top and bottom, and each
     * curve's dot (y NaN where the curve has no value at τ). Null before a paint or without a τ.
     */
    public Marker screenMarker(FigureStyle s) {
        Plot p = screenPlot;
        if (p == null || !Double.isFinite(tau)) {
            return null;
        }
        double t = Math.max(0, Math.min(1, tau));
        double[] y = new double[curves.size()];
        Color[] colours = new Color[curves.size()];
        for (int i = 0; i < y.length; i++) {
            double v = valueAt(curves.get(i), t);
            y[i] = Double.isFinite(v) ? p.py(v) : Double.NaN;
            colours[i] = colour(curves.get(i), s);
        }
        Rectangle2D a = p.area();
        return new Marker(p.px(t), a.getY(), a.getMaxY(), a.getMaxX(), y, colours, markerLabel());
    }

    /**
     * The τ marker's geometry in the canvas's coordinates.
     *
     * @param right the plot's right edge (the label flips to the line's left there)
     */
    public record Marker(double x, double top, double bottom, double right, double[] y, Color[] colours,
                         String label) {}

    private String markerLabel() {
        return String.format(Locale.ROOT, "τ = %.2f", tau);
    }

    private void drawMarker(Graphics2D g, Plot p, FigureStyle s) {
        if (!Double.isFinite(tau)) {
            return;
        }
        hints(g);
        Rectangle2D a = p.area();
        double x = p.px(Math.max(0, Math.min(1, tau)));
        g.setColor(s.muted());
        g.setStroke(new BasicStroke(1.2f));
        g.draw(new Line2D.Double(x, a.getY(), x, a.getMaxY()));
        g.setFont(s.font(0.92f, Font.PLAIN));
        String label = markerLabel();
        FontMetrics fm = g.getFontMetrics();
        double lx = x + 4 + fm.stringWidth(label) > a.getMaxX() ? x - 4 - fm.stringWidth(label) : x + 4;
        g.drawString(label, (float) lx, (float) (a.getMaxY() - 6));
        for (Curve c : curves) {
            double v = valueAt(c, tau);
            if (Double.isFinite(v)) {
                g.setColor(colour(c, s));
                g.fill(new Ellipse2D.Double(x - 3.5, p.py(v) - 3.5, 7, 7));
            }
        }
    }

    private void drawCurves(Graphics2D g, Plot p, FigureStyle s) {
        hints(g);
        for (Curve c : curves) {
            Path2D.Double line = new Path2D.Double();
            boolean started = false;
            for (int i = 0; i < c.tau().length; i++) {
                double v = c.value()[i];
                if (!Double.isFinite(v)) {
                    started = false;
                    continue;
                }
                double x = p.px(c.tau()[i]);
                double y = p.py(v);
                if (started) {
                    line.lineTo(x, y);
                } else {
                    line.moveTo(x, y);
                    started = true;
                }
            }
            g.setColor(colour(c, s));
            g.setStroke(stroke(c));
            g.draw(line);
        }
    }

    /** Linear interpolation of a curve at τ (NaN outside it or next to a missing value). */
    static double valueAt(Curve c, double t) {
        double[] ts = c.tau();
        for (int i = 1; i < ts.length; i++) {
            if (t <= ts[i] || i == ts.length - 1) {
                double f = ts[i] == ts[i - 1] ? 0 : (t - ts[i - 1]) / (ts[i] - ts[i - 1]);
                f = Math.max(0, Math.min(1, f));
                return c.value()[i - 1] + f * (c.value()[i] - c.value()[i - 1]);
            }
        }
        return ts.length == 1 ? c.value()[0] : Double.NaN;
    }

    private static Color colour(Curve c, FigureStyle s) {
        if (c.series() >= 0) {
            return s.seriesColor(c.series());
        }
        return c.style() == Style.BEZIER ? s.accent() : s.muted();
    }

    private static Stroke stroke(Curve c) {
        return c.style() == Style.STRAIGHT
                ? new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    private static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }
}
