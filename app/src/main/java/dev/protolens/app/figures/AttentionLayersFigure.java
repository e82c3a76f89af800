package dev.protolens.app.figures;

import dev.protolens.engine.inside.AttentionMaps;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

/**
 * Where each layer's attention goes, averaged over its heads and the positions that can choose: to e, to the query
 * itself, to the other m positions, as one stacked bar per layer.
 */
public final class AttentionLayersFigure implements Figure {
    private AttentionMaps maps;

    public void setMaps(AttentionMaps m) {
        maps = m;
    }

    @Override
    public String title() {
        return "Attention per layer";
    }

    @Override
    public String csv() {
        if (maps == null) {
            return null;
        }
        StringBuilder b = new StringBuilder("layer,to_e,to_self,to_other_m\n");
        for (int l = 1; l <= maps.layers(); l++) {
            AttentionMaps.LayerShare x = maps.layerShare(l);
            b.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f%n", l, x.toE(), x.toSelf(), x.toOtherM()));
        }
        return b.toString();
    }

    @Override
    public void draw(Graphics2D g, double width, double height, FigureStyle s) {
        int layers = maps == null ? 1 : maps.layers();
        double top = Heatmaps.page(g, s, width, height,
                "Attention per layer, mean over heads and positions");
        g.setFont(s.font(0.85f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        Color[] colours = {s.accent(), s.seriesColor(1), s.seriesColor(2)};
        String[] names = {"to e", "to itself", "to the other m"};
        double legendY = top + fm.getAscent() + 2;
        double lx = 8;
        for (int k = 0; k < names.length; k++) {
            g.setColor(colours[k]);
            g.fill(new Rectangle2D.Double(lx, legendY - fm.getAscent() + 1, 10, 10));
            g.setColor(s.foreground());
            g.drawString(names[k], (float) lx + 14, (float) legendY);
            lx += fm.stringWidth(names[k]) + 34;
        }
        top = legendY + 6;
        Plot p = new Plot(g, s, new Rectangle2D.Double(0, top, width, height - top),
                Axis.linear(0.5, layers + 0.5, Math.min(layers, 10)), Axis.fixed(0, 1, 0.25), null, "layer", "share");
        p.drawFrame(g, s);
        if (maps == null) {
            return;
        }
        double w = (p.px(1.5) - p.px(0.5)) * 0.7;
        for (int l = 1; l <= layers; l++) {
            AttentionMaps.LayerShare x = maps.layerShare(l);
            double[] parts = {x.toE(), x.toSelf(), x.toOtherM()};
            double base = 0;
            for (int k = 0; k < 3; k++) {
                if (!Double.isFinite(parts[k])) {
                    continue;
                }
                double y0 = p.py(base);
                double y1 = p.py(base + parts[k]);
                g.setColor(colours[k]);
                g.fill(new Rectangle2D.Double(p.px(l) - w / 2, y1, w, y0 - y1));
                base += parts[k];
            }
        }
    }
}
