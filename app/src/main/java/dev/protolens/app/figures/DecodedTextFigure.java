package dev.protolens.app.figures;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import dev.protolens.engine.store.RunRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one forward pass writes at a point of a path: one cell per written token, wrapped like text, each marked
 * against the two ends' texts. Between two solutions of one text a cell is plain where it writes the text's
 * token and red where it does not, with the text's token printed under it; between different texts a cell is
 * tinted by which end's token it writes at that position (A, B, both or neither). The legend and title are the
 * background; the cells change as the slider moves.
 */
public final class DecodedTextFigure implements LayeredFigure {
    private static final double PAD_X = 5;
    private static final double GAP = 4;
    private static final double MIN_CELL = 16;

    private String title = "Written in one pass at φ(τ)";
    private String[] written = new String[0];
    private boolean[] asA = new boolean[0];
    private boolean[] asB = new boolean[0];
    private String[] pieceA = new String[0];
    private String[] pieceB = new String[0];
    private boolean sameText = true;
    private String caption = "";
    private RunRecord endA;
    private RunRecord endB;
    private double height = 90;
    private final Map<Object, Double> widths = new HashMap<>();

    /**
     * @param tokens  the written pieces, as shown
     * @param sameAsA per position, the token equals end A's token there
     * @param textA   end A's pieces (shown under a cell that differs from the text)
     * @param oneText both ends are solutions of the same text
     */
    public void setText(String[] tokens, boolean[] sameAsA, boolean[] sameAsB, String[] textA, String[] textB,
                        boolean oneText, String captionText) {
        if (sameAsA.length != tokens.length || sameAsB.length != tokens.length) {
            throw new IllegalArgumentException("one mark per written token");
        }
        written = tokens.clone();
        asA = sameAsA.clone();
        asB = sameAsB.clone();
        pieceA = textA.clone();
        pieceB = textB.clone();
        sameText = oneText;
        caption = captionText == null ? "" : captionText;
    }

    public void clear(String captionText) {
        setText(new String[0], new boolean[0], new boolean[0], new String[0], new String[0], sameText, captionText);
    }

    public void setTitle(String t) {
        title = t;
    }

    /** The path's ends, named on a line under the key (null: not named). */
    public void setEnds(RunRecord a, RunRecord b) {
        endA = a;
        endB = b;
    }

    private boolean endsNamed() {
        return endA != null && endB != null;
    }

    public String caption() {
        return caption;
    }

    /** The written tokens shown now. */
    public String[] written() {
        return written.clone();
    }

    /** The height the last drawing needed at its width. */
    public double lastHeight() {
        return height;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public String csv() {
        StringBuilder b = new StringBuilder("position,written,same_as_a,same_as_b,token_a,token_b\n");
        for (int i = 0; i < written.length; i++) {
            b.append(i).append(',').append(FigureExport.csvField(written[i])).append(',').append(asA[i]).append(',')
                    .append(asB[i]).append(',').append(FigureExport.csvField(i < pieceA.length ? pieceA[i] : ""))
                    .append(',').append(FigureExport.csvField(i < pieceB.length ? pieceB[i] : "")).append('\n');
        }
        return b.toString();
    }

    @Override
    public Object backgroundKey(double width, double h, FigureStyle style) {
        return List.of(width, h, style, title, sameText, endA == null ? "" : endA.id(), endB == null ? "" : endB.id());
    }

    @Override
    public void drawBackground(Graphics2D g, double width, double h, FigureStyle s) {
        hints(g);
        g.setColor(s.background());
        g.fill(new Rectangle2D.Double(0, 0, width, h));
        Font titleFont = s.font(1.08f, Font.BOLD);
        FontMetrics tm = g.getFontMetrics(titleFont);
        g.setFont(titleFont);
        g.setColor(s.foreground());
        g.drawString(title, 12f, (float) (10 + tm.getAscent()));
        g.setFont(s.font(0.85f, Font.PLAIN));
        FontMetrics fm = g.getFontMetrics();
        float y = (float) (10 + tm.getHeight() + 4 + fm.getAscent());
        double x = 12;
        if (sameText) {
            x = key(g, s, fm, x, y, fill(s, true, true), "writes the text's token");
            key(g, s, fm, x, y, fill(s, false, false), "writes another (the text's token below)");
        } else {
            x = key(g, s, fm, x, y, fill(s, true, false), "A's token");
            x = key(g, s, fm, x, y, fill(s, false, true), "B's token");
            x = key(g, s, fm, x, y, fill(s, true, true), "both");
            key(g, s, fm, x, y, fill(s, false, false), "neither (A's token below)");
        }
        if (endsNamed()) {
            g.setColor(s.muted());
            g.drawString(PathEnds.line("", endA, endB, fm, width - 24), 12f, (float) (y + Plot.lineHeight(fm) + 2));
        }
    }

    private static double key(Graphics2D g, FigureStyle s, FontMetrics fm, double x, float y, Color c, String label) {
        g.setColor(c);
        g.fill(new Rectangle2D.Double(x, y - fm.getAscent() + 1, 12, fm.getAscent()));
        g.setColor(s.muted());
        g.drawString(label, (float) (x + 16), y);
        return x + 16 + fm.stringWidth(label) + 16;
    }

    @Override
    public void drawForeground(Graphics2D g, double width, double h, FigureStyle s) {
        hints(g);
        // larger than the strip's cells: this text is what the slider is for
        Font cellFont = s.font(1.4f, Font.PLAIN);
        Font smallFont = s.font(0.92f, Font.ITALIC);
        FontMetrics fm = g.getFontMetrics(cellFont);
        FontMetrics sm = g.getFontMetrics(smallFont);
        FontMetrics tm = g.getFontMetrics(s.font(1.08f, Font.BOLD));
        g.setFont(s.font());
        g.setColor(s.muted());
        FontMetrics cm = g.getFontMetrics();
        g.drawString(caption, (float) Math.max(12 + width(tm, title) + 24, width - 12 - width(cm, caption)),
                (float) (10 + tm.getAscent()));

        double top = 10 + tm.getHeight() + 4 + sm.getHeight() + 10
                + (endsNamed() ? Plot.lineHeight(g.getFontMetrics(s.font(0.85f, Font.PLAIN))) + 2 : 0);
        double cellH = fm.getHeight() + 8;
        double rowH = cellH + sm.getHeight() + 4;
        double x = 12;
        double y = top;
        double right = width - 12;
        for (int i = 0; i < written.length; i++) {
            String t = written[i];
            double w = Math.max(MIN_CELL, width(fm, t) + 2 * PAD_X);
            if (x + w > right && x > 12) {
                x = 12;
                y += rowH;
            }
            Rectangle2D r = new Rectangle2D.Double(x, y, w, cellH);
            Color f = fill(s, asA[i], asB[i]);
            g.setColor(f);
            g.fill(r);
            g.setFont(cellFont);
            g.setColor(ColorScale.textOn(f));
            g.drawString(t, (float) (r.getCenterX() - width(fm, t) / 2.0), (float) (r.getY() + 3 + fm.getAscent()));
            if (!asA[i] && !asB[i] && i < pieceA.length) {
                g.setFont(smallFont);
                g.setColor(s.muted());
                String shown = ellipsize(pieceA[i], sm, w + GAP);
                g.drawString(shown, (float) (r.getCenterX() - width(sm, shown) / 2.0),
                        (float) (r.getMaxY() + 1 + sm.getAscent()));
            }
            x += w + GAP;
        }
        height = (written.length == 0 ? top : y + rowH) + 4;
    }

    /** Neutral where both ends agree with the written token, tinted by end, red where neither does. */
    private static Color fill(FigureStyle s, boolean a, boolean b) {
        if (a && b) {
            return s.grid();
        }
        if (!a && !b) {
            return tint(s.danger(), s.background(), 0.75);
        }
        return tint(s.seriesColor(a ? 0 : 1), s.background(), 0.55);
    }

    private static Color tint(Color c, Color bg, double amount) {
        return new Color((int) Math.round(bg.getRed() + amount * (c.getRed() - bg.getRed())),
                (int) Math.round(bg.getGreen() + amount * (c.getGreen() - bg.getGreen())),
                (int) Math.round(bg.getBlue() + amount * (c.getBlue() - bg.getBlue())));
    }

    private double width(FontMetrics fm, String s) {
        if (widths.size() > 20_000) {
            widths.clear();
        }
        // keyed by the metrics' class too: screen (JavaFX) and export (AWT) measure the same font differently
        return widths.computeIfAbsent(List.of(fm.getClass(), fm.getFont(), s), k -> (double) fm.stringWidth(s));
    }

    private String ellipsize(String s, FontMetrics fm, double max) {
        if (width(fm, s) <= max) {
            return s;
        }
        String e = s;
        while (e.length() > 1 && width(fm, e + "…") > max) {
            e = e.substring(0, e.length() - 1);
        }
        return e + "…";
    }

    private static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }
}
