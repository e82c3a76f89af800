package dev.protolens.app.figures;

import dev.protolens.engine.inside.AttentionMaps;
import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

/**
 * One head in detail: its attention map (query positions down, key positions across) beside the attention every
 * query position pays to e, with the average over the positions that can choose between e and m.
 */
public final class AttentionHeadFigure implements Figure {
    private AttentionMaps maps;
    private int layer = 1;
    private int head;
    private String placeholder = "click a head in the grid";

    public void show(AttentionMaps m, int layer, int head) {
        maps = m;
        this.layer = layer;
        this.head = head;
    }

    public void clear(String message) {
        maps = null;
        placeholder = message;
    }

    public int layer() {
        return layer;
    }

    public int head() {
        return head;
    }

    @Override
    public String title() {
        return "Attention of layer " + layer + ", head " + head;
    }

    @Override
    public String csv() {
        if (maps == null) {
            return null;
        }
        StringBuilder b = new StringBuilder("query,key,key_kind,probability\n");
        int n = maps.positions();
        for (int q = 0; q < n; q++) {
            for (int k = 0; k <= q; k++) {
                b.append(q).append(',').append(k).append(',').append(maps.pattern()[k] == 0 ? "e" : "m").append(',')
                        .append(String.format(Locale.ROOT, "%.6f", maps.p(layer, head, q, k))).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public void draw(Graphics2D g, double width, double height, FigureStyle s) {
        if (maps == null) {
            double y = Heatmaps.page(g, s, width, height, "One head");
            g.setFont(s.font());
            g.setColor(s.muted());
            g.drawString(placeholder, 8f, (float) (y + 24));
            return;
        }
        double mean = maps.meanToE(layer, head);
        double y = Heatmaps.page(g, s, width, height, String.format(Locale.ROOT,
                "Layer %d, head %d: %.0f %% of its attention on e%s", layer, head, 100 * mean,
                maps.sink(layer, head) ? " (a sink)" : "")) + 6;
        g.setFont(s.font(0.85f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        int n = maps.positions();
        double left = fm.stringWidth("88") + 10;
        double side = Math.max(20, Math.min(width * 0.45 - left, height - y - fm.getHeight() - 24));
        Rectangle2D map = new Rectangle2D.Double(left, y + fm.getAscent() + 4, side, side);
        int off = ((layer - 1) * maps.heads() + head) * n * n;
        Heatmaps.draw(g, Heatmaps.image(maps.probabilities(), off, n, n, s, s.grid(), true), map);
        g.setColor(s.muted());
        g.draw(map);
        double c = side / n;
        int step = Heatmaps.labelStep(c, fm.stringWidth("88") + 4);
        for (int i = 0; i < n; i += step) {
            String t = maps.pattern()[i] == 0 ? "e" : Integer.toString(i);
            g.drawString(t, (float) (map.getX() + (i + 0.5) * c - fm.stringWidth(t) / 2.0), (float) (map.getY() - 3));
            g.drawString(t, (float) (map.getX() - 5 - fm.stringWidth(t)), (float) (map.getY() + (i + 0.5) * c
                    + fm.getAscent() / 2.0 - 1));
        }
        g.drawString("keys →, queries ↓", (float) map.getX(), (float) (map.getMaxY() + 4 + fm.getAscent()));
        Heatmaps.colourBar(g, s, map.getX(), map.getMaxY() + 10 + fm.getHeight(), Math.min(120, side), "attention");

        Rectangle2D right = new Rectangle2D.Double(map.getMaxX() + 24, y, Math.max(60, width - map.getMaxX() - 28),
                Math.max(60, side + fm.getHeight() + 10));
        Plot p = new Plot(g, s, right, Axis.linear(0, Math.max(1, n - 1), 6), Axis.fixed(0, 1, 0.25),
                "to e, by position", "query position", "share on e");
        p.drawFrame(g, s);
        int from = maps.firstMixedQuery();
        if (from < n) {
            g.setColor(s.muted());
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
            g.draw(new Line2D.Double(p.px(from), p.py(mean), p.px(n - 1), p.py(mean)));
            g.setFont(s.font(0.85f, Font.PLAIN));
            // under the line when the line runs along the top of the plot
            double ly = mean > 0.8 ? p.py(mean) + g.getFontMetrics().getAscent() + 3 : p.py(mean) - 4;
            g.drawString(String.format(Locale.ROOT, "mean %.2f", mean), (float) p.px(from) + 4, (float) ly);
        }
        Path2D line = new Path2D.Double();
        g.setColor(s.accent());
        g.setStroke(new BasicStroke(1.6f));
        for (int q = 0; q < n; q++) {
            double px = p.px(q);
            double py = p.py(maps.toE(layer, head, q));
            if (q == 0) {
                line.moveTo(px, py);
            } else {
                line.lineTo(px, py);
            }
        }
        g.draw(line);
        if (n <= 80) {
            for (int q = 0; q < n; q++) {
                double px = p.px(q);
                double py = p.py(maps.toE(layer, head, q));
                g.fill(new Ellipse2D.Double(px - 2.5, py - 2.5, 5, 5));
            }
        }
        g.setStroke(new BasicStroke(1f));
    }
}
