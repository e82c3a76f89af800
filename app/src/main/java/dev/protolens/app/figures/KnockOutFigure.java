package dev.protolens.app.figures;

import dev.protolens.engine.inside.KnockOutCurve;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one pass's accuracy with attention knocked out, against the layer ℓ: one curve per kind of attention
 * removed (to e, among the m positions), the accuracy with nothing removed dashed. Points are hit-tested so the
 * screen can show the text written at each.
 */
public final class KnockOutFigure implements Figure {
    /** A point under the pointer. */
    public record Hit(KnockOutCurve curve, int layer) {}

    private List<KnockOutCurve> curves = List.of();
    private String placeholder = "choose a run";
    private final List<double[]> points = new ArrayList<>(); // x, y, curve index, layer

    public void setCurves(List<KnockOutCurve> c) {
        curves = List.copyOf(c);
    }

    public void clear(String message) {
        curves = List.of();
        placeholder = message;
    }

    public List<KnockOutCurve> curves() {
        return curves;
    }

    @Override
    public String title() {
        return "Knock-outs";
    }

    @Override
    public String csv() {
        if (curves.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("knock_out,scope,layer,accuracy,text\n");
        for (KnockOutCurve c : curves) {
            for (int l = 1; l <= c.layers(); l++) {
                double a = c.accuracy()[l - 1];
                b.append(c.what().cliName()).append(',').append(c.scope().cliName()).append(',').append(l).append(',')
                        .append(Double.isNaN(a) ? "" : String.format(Locale.ROOT, "%.6f", a)).append(',')
                        .append(FigureExport.csvField(c.texts()[l - 1])).append('\n');
            }
        }
        return b.toString();
    }

    /** The point nearest (x, y) within 12 px in the last drawing, or null. */
    public Hit hit(double x, double y) {
        double best = 144;
        Hit h = null;
        for (double[] p : points) {
            double d = (p[0] - x) * (p[0] - x) + (p[1] - y) * (p[1] - y);
            if (d < best) {
                best = d;
                h = new Hit(curves.get((int) p[2]), (int) p[3]);
            }
        }
        return h;
    }

    @Override
    public void draw(Graphics2D g, double width, double height, FigureStyle s) {
        points.clear();
        int layers = curves.isEmpty() ? 1 : curves.getFirst().layers();
        String scope = curves.isEmpty() ? "" : " " + curves.getFirst().scope().label();
        double top = Heatmaps.page(g, s, width, height, "Accuracy of the one pass with attention removed" + scope);
        g.setFont(s.font(0.85f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        double legendY = top + fm.getAscent() + 2;
        double lx = 8;
        for (int i = 0; i < curves.size(); i++) {
            String name = curves.get(i).what().label() + " removed";
            g.setColor(i == 0 ? s.accent() : s.seriesColor(1));
            g.fill(new Rectangle2D.Double(lx, legendY - fm.getAscent() / 2.0 - 1, 14, 3));
            g.setColor(s.foreground());
            g.drawString(name, (float) lx + 18, (float) legendY);
            lx += fm.stringWidth(name) + 36;
        }
        top = legendY + 6;
        Plot p = new Plot(g, s, new Rectangle2D.Double(0, top, width, height - top),
                Axis.linear(0.5, layers + 0.5, Math.min(layers, 10)), Axis.fixed(0, 1, 0.25), null, "layer ℓ",
                "token accuracy");
        p.drawFrame(g, s);
        if (curves.isEmpty()) {
            g.setColor(s.muted());
            g.setFont(s.font());
            g.drawString(placeholder, (float) p.area().getX() + 10, (float) p.area().getCenterY());
            return;
        }
        double base = curves.getFirst().baseline();
        g.setColor(s.muted());
        g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        g.draw(new Line2D.Double(p.area().getX(), p.py(base), p.area().getMaxX(), p.py(base)));
        g.setFont(s.font(0.85f, Font.PLAIN));
        double labelY = base > 0.9 ? p.py(base) + fm.getAscent() + 3 : p.py(base) - 4;
        g.drawString(String.format(Locale.ROOT, "nothing removed: %.0f %%", 100 * base), (float) p.area().getX() + 6,
                (float) labelY);
        Graphics2D clip = (Graphics2D) g.create();
        clip.clip(new Rectangle2D.Double(p.area().getX() - 6, p.area().getY() - 6, p.area().getWidth() + 12,
                p.area().getHeight() + 12));
        for (int i = 0; i < curves.size(); i++) {
            KnockOutCurve c = curves.get(i);
            Color col = i == 0 ? s.accent() : s.seriesColor(1);
            Path2D line = new Path2D.Double();
            boolean started = false;
            for (int l = 1; l <= c.layers(); l++) {
                double a = c.accuracy()[l - 1];
                if (Double.isNaN(a)) {
                    continue;
                }
                double x = p.px(l);
                double y = p.py(a) + (i == 0 ? -1 : 1); // two equal points stay visible
                if (!started) {
                    line.moveTo(x, y);
                    started = true;
                } else {
                    line.lineTo(x, y);
                }
                points.add(new double[] {x, y, i, l});
            }
            clip.setColor(col);
            clip.setStroke(new BasicStroke(2f));
            clip.draw(line);
            for (double[] pt : points) {
                if (pt[2] == i) {
                    clip.fill(new Ellipse2D.Double(pt[0] - 3.5, pt[1] - 3.5, 7, 7));
                }
            }
        }
        clip.dispose();
        g.setStroke(new BasicStroke(1f));
    }
}
