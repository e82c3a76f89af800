package dev.protolens.app.figures;

import dev.protolens.engine.inside.AttentionMaps;
import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every head's attention in the one-step pass as a layer × head grid of small maps (query positions down, key
 * positions across, e in the first column for [e][m]×(N−1)). Heads that put most of their attention on e are
 * framed as sinks; the head shown in detail is framed in the accent colour.
 */
public final class AttentionGridFigure implements Figure {
    private AttentionMaps maps;
    private String placeholder = "choose a run";
    private int selectedLayer = -1;
    private int selectedHead = -1;
    private final Map<Object, BufferedImage> images = new HashMap<>();
    private Rectangle2D grid;
    private double cell;
    private double gap;

    public void setMaps(AttentionMaps m) {
        maps = m;
        images.clear();
    }

    public void clear(String message) {
        setMaps(null);
        placeholder = message;
    }

    public AttentionMaps maps() {
        return maps;
    }

    public void select(int layer, int head) {
        selectedLayer = layer;
        selectedHead = head;
    }

    @Override
    public String title() {
        return "Attention of every head";
    }

    @Override
    public String csv() {
        if (maps == null) {
            return null;
        }
        StringBuilder b = new StringBuilder("layer,head,mean_to_e,mean_to_m,sink\n");
        for (int l = 1; l <= maps.layers(); l++) {
            for (int h = 0; h < maps.heads(); h++) {
                double e = maps.meanToE(l, h);
                b.append(l).append(',').append(h).append(',').append(String.format(Locale.ROOT, "%.6f,%.6f", e, 1 - e))
                        .append(',').append(maps.sink(l, h)).append('\n');
            }
        }
        return b.toString();
    }

    /** The (layer, head) under (x, y) in the last drawing, or null. */
    public int[] hit(double x, double y) {
        if (maps == null || grid == null || !grid.contains(x, y)) {
            return null;
        }
        int h = (int) ((x - grid.getX()) / cell);
        int l = (int) ((y - grid.getY()) / cell) + 1;
        if (h < 0 || h >= maps.heads() || l < 1 || l > maps.layers()) {
            return null;
        }
        return new int[] {l, h};
    }

    @Override
    public void draw(Graphics2D g, double width, double height, FigureStyle s) {
        double y = Heatmaps.page(g, s, width, height, "Attention of every head") + 4;
        double barEnd = Heatmaps.colourBar(g, s, 6, y, 90, "attention");
        g.setFont(s.font(0.85f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(s.muted());
        g.drawString("queries ↓, keys → (e first) · red: a sink, over "
                + Math.round(100 * AttentionMaps.SINK_SHARE) + " % on e", (float) (barEnd + 14),
                (float) (y + fm.getAscent() - 1));
        y += 30;
        if (maps == null) {
            g.setColor(s.muted());
            g.setFont(s.font());
            g.drawString(placeholder, 8f, (float) (y + 20));
            grid = null;
            return;
        }
        double left = fm.stringWidth("L88") + 10;
        double top = y + fm.getAscent() + 6;
        int l = maps.layers();
        int h = maps.heads();
        cell = Math.max(4, Math.min((width - left - 8) / h, (height - top - 6) / l));
        gap = Math.max(1, Math.min(4, cell / 10));
        grid = new Rectangle2D.Double(left, top, cell * h, cell * l);
        int n = maps.positions();
        int hStep = Heatmaps.labelStep(cell, fm.stringWidth("h88") + 4);
        g.setColor(s.muted());
        for (int k = 0; k < h; k += hStep) {
            String t = "h" + k;
            g.drawString(t, (float) (left + k * cell + (cell - gap - fm.stringWidth(t)) / 2), (float) (top - 5));
        }
        int lStep = Heatmaps.labelStep(cell, fm.getAscent() + 2);
        for (int layer = 1; layer <= l; layer++) {
            double cy = top + (layer - 1) * cell;
            if ((layer - 1) % lStep == 0 || layer == l) {
                g.setColor(s.muted());
                String t = "L" + layer;
                g.drawString(t, (float) (left - 6 - fm.stringWidth(t)), (float) (cy + (cell - gap) / 2 + fm.getAscent() / 2.0 - 1));
            }
            for (int head = 0; head < h; head++) {
                Rectangle2D at = new Rectangle2D.Double(left + head * cell, cy, cell - gap, cell - gap);
                int off = ((layer - 1) * h + head) * n * n;
                BufferedImage img = images.computeIfAbsent(java.util.List.of(layer, head, s.grid().getRGB(),
                        s.scale().name()), k -> Heatmaps.image(maps.probabilities(), off, n, n, s, s.grid(), true));
                Heatmaps.draw(g, img, at);
                if (maps.sink(layer, head)) {
                    g.setColor(s.danger());
                    g.setStroke(new BasicStroke(2f));
                    g.draw(at);
                }
                if (layer == selectedLayer && head == selectedHead) {
                    g.setColor(s.accent());
                    g.setStroke(new BasicStroke(2.5f));
                    g.draw(new Rectangle2D.Double(at.getX() - 1.5, at.getY() - 1.5, at.getWidth() + 3, at.getHeight() + 3));
                }
                g.setStroke(new BasicStroke(1f));
            }
        }
    }
}
