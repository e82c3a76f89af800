package dev.protolens.app.figures;

import dev.protolens.engine.inside.ProtoGeometry;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Where e and m sit among the token embeddings: the distribution of the embedding norms with e's and m's marked,
 * the tokens nearest to each by cosine, and for a run of a shared-m batch how alike the batch's e's are.
 */
public final class GeometryFigure implements Figure {
    private static final int BINS = 40;

    private ProtoGeometry geometry;
    private UnaryOperator<String> show = UnaryOperator.identity();
    private String placeholder = "choose a run";

    /** @param pieceLabel how a vocabulary piece is shown */
    public void setGeometry(ProtoGeometry g, UnaryOperator<String> pieceLabel) {
        geometry = g;
        show = pieceLabel;
    }

    public void clear(String message) {
        geometry = null;
        placeholder = message;
    }

    public ProtoGeometry geometry() {
        return geometry;
    }

    @Override
    public String title() {
        return "Geometry of e and m";
    }

    @Override
    public String csv() {
        if (geometry == null) {
            return null;
        }
        StringBuilder b = new StringBuilder("what,rank,token,value\n");
        b.append(String.format(Locale.ROOT, "norm e,,,%.6f%nnorm m,,,%.6f%nmedian token norm,,,%.6f%n", geometry.eNorm(),
                geometry.mNorm(), geometry.medianTokenNorm()));
        for (String v : List.of("e", "m")) {
            List<ProtoGeometry.Neighbour> list = v.equals("e") ? geometry.nearestE() : geometry.nearestM();
            for (int i = 0; i < list.size(); i++) {
                b.append("cosine to ").append(v).append(',').append(i + 1).append(',')
                        .append(FigureExport.csvField(list.get(i).piece())).append(',')
                        .append(String.format(Locale.ROOT, "%.6f", list.get(i).cosine())).append('\n');
            }
        }
        if (geometry.batch() != null) {
            ProtoGeometry.BatchSpread s = geometry.batch();
            b.append(String.format(Locale.ROOT, "batch mean cosine distance of e,,,%.6f%nbatch relative spread of e,,,%.6f%n",
                    s.meanCosineDistance(), s.relativeSpread()));
        }
        return b.toString();
    }

    @Override
    public void draw(Graphics2D g, double width, double height, FigureStyle s) {
        if (geometry == null) {
            Heatmaps.page(g, s, width, height, title());
            g.setFont(s.font());
            g.setColor(s.muted());
            g.drawString(placeholder, 8f, 44f);
            return;
        }
        Heatmaps.page(g, s, width, height, null);
        double histW = width * 0.46;
        drawNorms(g, s, new Rectangle2D.Double(0, 0, histW, height));
        double listW = width * 0.24;
        drawNearest(g, s, new Rectangle2D.Double(histW + 16, 0, listW, height));
        drawBatch(g, s, new Rectangle2D.Double(histW + listW + 32, 0, width - histW - listW - 32, height));
    }

    private void drawNorms(Graphics2D g, FigureStyle s, Rectangle2D r) {
        float[] norms = geometry.tokenNorms();
        double hi = Math.max(geometry.eNorm(), geometry.mNorm());
        for (float x : norms) {
            hi = Math.max(hi, x);
        }
        hi *= 1.05;
        double[] share = new double[BINS];
        for (float x : norms) {
            share[Math.min(BINS - 1, (int) (x / hi * BINS))] += 1.0 / norms.length;
        }
        double top = 0;
        for (double v : share) {
            top = Math.max(top, v);
        }
        Plot p = new Plot(g, s, r, Axis.linear(0, hi, 5), Axis.linear(0, top, 4), "Norms: e and m among the tokens",
                "L2 norm of the input embedding", "share of the vocabulary");
        p.drawFrame(g, s);
        g.setColor(s.muted());
        for (int i = 0; i < BINS; i++) {
            double x0 = p.px(hi * i / BINS);
            double x1 = p.px(hi * (i + 1) / BINS);
            g.fill(new Rectangle2D.Double(x0, p.py(share[i]), Math.max(1, x1 - x0 - 1), p.py(0) - p.py(share[i])));
        }
        g.setFont(s.font(0.85f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        mark(g, s, p, geometry.eNorm(), s.accent(), String.format(Locale.ROOT, "‖e‖ = %.2f (above %.0f %% of tokens)",
                geometry.eNorm(), 100 * geometry.ePercentile()), p.area().getY() + fm.getAscent() + 2);
        mark(g, s, p, geometry.mNorm(), s.seriesColor(1), String.format(Locale.ROOT,
                "‖m‖ = %.2f (above %.0f %% of tokens)", geometry.mNorm(), 100 * geometry.mPercentile()),
                p.area().getY() + 2 * fm.getAscent() + 8);
    }

    private static void mark(Graphics2D g, FigureStyle s, Plot p, double v, Color c, String label, double y) {
        double x = p.px(v);
        g.setColor(c);
        g.setStroke(new BasicStroke(2f));
        g.draw(new Line2D.Double(x, p.area().getY(), x, p.area().getMaxY()));
        g.setStroke(new BasicStroke(1f));
        FontMetrics fm = g.getFontMetrics();
        double lx = x + 4 + fm.stringWidth(label) > p.area().getMaxX() ? x - 4 - fm.stringWidth(label) : x + 4;
        g.drawString(label, (float) lx, (float) y);
    }

    /** A panel's heading at its top left; returns its baseline plus the gap below it. */
    private static double heading(Graphics2D g, FigureStyle s, Rectangle2D r, String text) {
        g.setFont(s.font(1.0f, Font.BOLD));
        double y = r.getY() + Plot.lineHeight(g.getFontMetrics());
        g.setColor(s.foreground());
        g.drawString(text, (float) r.getX(), (float) y - 4);
        return y;
    }

    private void drawNearest(Graphics2D g, FigureStyle s, Rectangle2D r) {
        double y = heading(g, s, r, "Nearest tokens (cosine)");
        g.setFont(s.font(0.88f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        double line = Plot.lineHeight(fm);
        double colW = r.getWidth() / 2;
        for (int k = 0; k < 2; k++) {
            List<ProtoGeometry.Neighbour> list = k == 0 ? geometry.nearestE() : geometry.nearestM();
            double x = r.getX() + k * colW;
            double yy = y + line;
            g.setColor(k == 0 ? s.accent() : s.seriesColor(1));
            g.drawString(k == 0 ? "to e" : "to m", (float) x, (float) yy);
            g.setColor(s.foreground());
            for (ProtoGeometry.Neighbour n : list) {
                yy += line;
                if (yy > r.getMaxY() - 4) {
                    break;
                }
                String c = String.format(Locale.ROOT, "%.2f", n.cosine());
                g.setColor(s.muted());
                g.drawString(c, (float) x, (float) yy);
                g.setColor(s.foreground());
                g.drawString(ProjectionFigure.ellipsize(show.apply(n.piece()), fm, colW - fm.stringWidth("0.00 ") - 8),
                        (float) (x + fm.stringWidth("0.00  ")), (float) yy);
            }
        }
    }

    private void drawBatch(Graphics2D g, FigureStyle s, Rectangle2D r) {
        double y = heading(g, s, r, "e within the shared-m batch");
        g.setFont(s.font(0.88f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        double line = Plot.lineHeight(fm);
        ProtoGeometry.BatchSpread b = geometry.batch();
        if (b == null) {
            g.setColor(s.muted());
            String[] words = ("This run was not fitted in a batch that shares m. Fit seeds of its text with one m"
                    + " (Atlas: Fit seeds…, or protolens fit --restarts K --shared-m) to see how much e alone varies.")
                    .split(" ");
            StringBuilder cur = new StringBuilder();
            double yy = y + line;
            for (String w : words) {
                if (fm.stringWidth(cur + " " + w) > r.getWidth() - 4 && cur.length() > 0) {
                    g.drawString(cur.toString(), (float) r.getX(), (float) yy);
                    yy += line;
                    cur.setLength(0);
                }
                cur.append(cur.length() == 0 ? "" : " ").append(w);
            }
            g.drawString(cur.toString(), (float) r.getX(), (float) yy);
            return;
        }
        g.setColor(s.foreground());
        g.drawString(String.format(Locale.ROOT, "%d runs, one m: mean cosine distance %.3f", b.size(),
                b.meanCosineDistance()), (float) r.getX(), (float) (y + line));
        g.drawString(String.format(Locale.ROOT, "spread of e around its mean: %.2f × ‖e‖", b.relativeSpread()),
                (float) r.getX(), (float) (y + 2 * line));
        double top = y + 2.6 * line;
        double side = Math.max(20, Math.min(r.getWidth() - 8, r.getMaxY() - top - 34));
        int k = b.size();
        float[] clipped = new float[k * k];
        for (int i = 0; i < clipped.length; i++) {
            clipped[i] = Math.max(0f, b.cosine()[i]);
        }
        Rectangle2D map = new Rectangle2D.Double(r.getX(), top, side, side);
        Heatmaps.draw(g, Heatmaps.image(clipped, 0, k, k, s, s.grid(), false), map);
        g.setColor(s.muted());
        g.draw(map);
        Heatmaps.colourBar(g, s, r.getX(), map.getMaxY() + 6, Math.min(100, side), "cosine of two e's (below 0 as 0)");
    }
}
