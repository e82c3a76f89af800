package dev.protolens.app.figures;

import dev.protolens.engine.inside.LensMap;
import dev.protolens.engine.model.PassProbe;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The logit lens as layers × positions maps, side by side: the fitted one-step pass and the text read normally
 * (teacher-forced). Each cell is coloured by the probability the lens gives the text's token when the residual
 * stream stops after that layer (input at the bottom, the last layer on top); a dot marks a cell whose most likely
 * token is the text's. At the right of each row, the share of the text the lens writes there.
 */
public final class LensFigure implements Figure {
    /** A cell under the pointer: the map it belongs to, its row (layer read) and column (token). */
    public record Hit(LensMap map, int row, int column) {}

    private record Panel(LensMap map, Rectangle2D area) {}

    private String[] tokens = new String[0];
    private LensMap oneStep;
    private LensMap teacherForced;
    private String placeholder = "choose a run";
    private final List<Panel> panels = new ArrayList<>();

    /**
     * @param tokenLabels the text's tokens as shown (one per column)
     * @param read        the teacher-forced lens, or null while it is being read (its panel says so)
     */
    public void setData(String[] tokenLabels, LensMap fitted, LensMap read) {
        tokens = tokenLabels.clone();
        oneStep = fitted;
        teacherForced = read;
    }

    /** No data: the maps' place shows {@code message}. */
    public void clear(String message) {
        oneStep = null;
        teacherForced = null;
        placeholder = message;
    }

    public LensMap oneStep() {
        return oneStep;
    }

    public LensMap teacherForced() {
        return teacherForced;
    }

    @Override
    public String title() {
        return "Logit lens";
    }

    @Override
    public String csv() {
        if (oneStep == null) {
            return null;
        }
        StringBuilder b = new StringBuilder("pass,layer,position,token,p_token,top_token,p_top\n");
        for (LensMap m : teacherForced == null ? List.of(oneStep) : List.of(oneStep, teacherForced)) {
            for (int r = 0; r < m.rows(); r++) {
                for (int c = 0; c < m.columns(); c++) {
                    b.append(m.pass()).append(',').append(m.layers()[r]).append(',').append(c).append(',')
                            .append(FigureExport.csvField(tokens[c])).append(',').append(num(m.prob(r, c))).append(',')
                            .append(FigureExport.csvField(m.topPiece(r, c))).append(',').append(num(m.topProb(r, c)))
                            .append('\n');
                }
            }
        }
        return b.toString();
    }

    private static String num(float v) {
        return Float.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    /** The cell at (x, y) of the last drawing, or null. */
    public Hit hit(double x, double y) {
        for (Panel p : panels) {
            Rectangle2D a = p.area();
            if (p.map() != null && a.contains(x, y)) {
                int col = (int) ((x - a.getX()) / a.getWidth() * p.map().columns());
                int fromTop = (int) ((y - a.getY()) / a.getHeight() * p.map().rows());
                int row = p.map().rows() - 1 - fromTop;
                return new Hit(p.map(), Math.max(0, Math.min(p.map().rows() - 1, row)),
                        Math.max(0, Math.min(p.map().columns() - 1, col)));
            }
        }
        return null;
    }

    @Override
    public void draw(Graphics2D g, double width, double height, FigureStyle s) {
        panels.clear();
        Font small = s.font(0.85f, Font.PLAIN);
        String where = oneStep != null && oneStep.site() == PassProbe.Site.AFTER_ATTENTION
                ? "after the attention of each layer" : "after each layer";
        double y = Heatmaps.page(g, s, width, height,
                "Logit lens: the probability of the text's token when the stream stops " + where) + 4;
        double barEnd = Heatmaps.colourBar(g, s, 6, y, 120, "p(text's token)");
        g.setFont(small);
        g.setColor(s.muted());
        g.drawString("dot: the lens's top token is the text's · right: share of the text written at that layer",
                (float) (barEnd + 18), (float) (y + g.getFontMetrics().getAscent() - 1));
        y += 34;
        if (oneStep == null) {
            g.setColor(s.muted());
            g.setFont(s.font());
            g.drawString(placeholder, 8f, (float) (y + 20));
            return;
        }
        double gap = 18;
        double panelW = (width - gap) / 2;
        drawPanel(g, s, oneStep, "one step: [e, m, …, m]", new Rectangle2D.Double(0, y, panelW, height - y));
        drawPanel(g, s, teacherForced, "teacher-forced: the text read normally",
                new Rectangle2D.Double(panelW + gap, y, panelW, height - y));
    }

    private void drawPanel(Graphics2D g, FigureStyle s, LensMap m, String name, Rectangle2D outer) {
        Font small = s.font(0.85f, Font.PLAIN);
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        double line = Plot.lineHeight(fm);
        g.setColor(s.foreground());
        g.setFont(s.font(0.95f, Font.BOLD));
        g.drawString(name, (float) outer.getX() + 4, (float) (outer.getY() + fm.getAscent()));
        g.setFont(small);
        if (m == null) {
            g.setColor(s.muted());
            g.drawString("reading the text normally…", (float) outer.getX() + 4, (float) (outer.getY() + line * 2.2));
            return;
        }
        double labelW = fm.stringWidth("layer 88") + 8;
        double accW = fm.stringWidth("100 %") + 10;
        int longest = 0;
        for (String t : tokens) {
            longest = Math.max(longest, fm.stringWidth(ProjectionFigure.ellipsize(t, fm, 70)));
        }
        double bottom = Math.min(76, longest + 8) + 4;
        double top = outer.getY() + line + 6;
        Rectangle2D area = new Rectangle2D.Double(outer.getX() + labelW, top,
                Math.max(10, outer.getWidth() - labelW - accW), Math.max(10, outer.getMaxY() - top - bottom));
        panels.add(new Panel(m, area));
        int rows = m.rows();
        int cols = m.columns();
        // the image's first row is the top of the map: the last layer
        float[] flipped = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(m.targetProb(), r * cols, flipped, (rows - 1 - r) * cols, cols);
        }
        Heatmaps.draw(g, Heatmaps.image(flipped, 0, rows, cols, s, s.grid(), false), area);
        double cw = area.getWidth() / cols;
        double ch = area.getHeight() / rows;
        if (cw >= 5 && ch >= 5) {
            double rad = Math.min(cw, ch) / 6;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    if (m.top(r, c) >= 0 && m.top(r, c) == m.target()[c]) {
                        g.setColor(ColorScale.textOn(s.scale().color(m.prob(r, c))));
                        double cx = area.getX() + (c + 0.5) * cw;
                        double cy = area.getY() + (rows - 1 - r + 0.5) * ch;
                        g.fill(new Ellipse2D.Double(cx - rad, cy - rad, 2 * rad, 2 * rad));
                    }
                }
            }
        }
        int rowStep = Heatmaps.labelStep(ch, fm.getAscent() + 2);
        for (int r = 0; r < rows; r++) {
            double cy = area.getY() + (rows - 1 - r + 0.5) * ch + fm.getAscent() / 2.0 - 1;
            if ((rows - 1 - r) % rowStep == 0 || r == 0) {
                String l = m.layers()[r] == 0 ? "input" : "layer " + m.layers()[r];
                g.setColor(s.muted());
                g.drawString(l, (float) (area.getX() - 6 - fm.stringWidth(l)), (float) cy);
                double acc = m.accuracy(r);
                String a = Double.isNaN(acc) ? "" : String.format(Locale.ROOT, "%.0f %%", 100 * acc);
                g.setColor(acc == 1.0 ? s.accent() : s.muted());
                g.drawString(a, (float) (area.getMaxX() + 6), (float) cy);
            }
        }
        int colStep = Heatmaps.labelStep(cw, fm.getAscent() + 3);
        g.setColor(s.muted());
        for (int c = 0; c < cols; c += colStep) {
            String t = ProjectionFigure.ellipsize(tokens[c], fm, bottom - 8);
            Heatmaps.vertical(g, t, area.getX() + (c + 0.5) * cw + fm.getAscent() / 2.0 - 1,
                    area.getMaxY() + 4 + fm.stringWidth(t));
        }
        g.setColor(s.muted());
        g.draw(area);
    }

    /** A tooltip's lines for a hit: layer, token, p(token), the lens's top token. */
    public static String describe(Hit h, String[] tokenLabels, java.util.function.UnaryOperator<String> show) {
        LensMap m = h.map();
        int r = h.row();
        int c = h.column();
        String layer = m.layers()[r] == 0 ? "the input" : "layer " + m.layers()[r];
        String pass = m.pass().equals(LensMap.ONE_STEP) ? "one step" : "teacher-forced";
        if (m.top(r, c) < 0) {
            return String.format(Locale.ROOT, "%s · %s · position %d «%s»: no prediction (the first token has no"
                    + " context without BOS)", pass, layer, c, tokenLabels[c]);
        }
        return String.format(Locale.ROOT, "%s · %s · position %d «%s»%np(«%s») = %.3f · top «%s» %.3f", pass, layer,
                c, tokenLabels[c], tokenLabels[c], m.prob(r, c), show.apply(m.topPiece(r, c)), m.topProb(r, c));
    }
}
