package dev.protolens.app.figures;

import dev.protolens.engine.work.LibraryProjection;
import dev.protolens.engine.work.MapColouring;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The map of solutions: one marker per run at its 2-D projection (PCA or t-SNE), coloured by a category (text,
 * seed) or a value (accuracy, date) with a legend, the selected runs ringed and lettered A and B, and paths
 * between them (sampled straight line and Bézier curve, projected the same way) drawn as polylines.
 * Categories beyond the eight palette colours change the marker's shape, so up to 32 stay distinguishable.
 * Unfinished fits (checkpoints) are hollow markers. Markers whose centres lie within {@link #OVERLAP} pixels of
 * each other hide each other: such a stack carries a badge with its count, and {@link #pointsAt} names all of it.
 * A search dims the markers that do not match. Remembers where it drew each marker for hit testing (hover, click).
 */
public final class ProjectionFigure implements LayeredFigure {
    private static final double RADIUS = 4.5;
    private static final double HIT = 7;
    /** Two markers closer than this (pixels, centre to centre) hide at least half of the one below. */
    public static final double OVERLAP = RADIUS;
    private static final double LEGEND_W = 210;
    private static final int LEGEND_ROWS = 12;

    /**
     * A run on the map.
     *
     * @param unfinished a checkpoint of a fit that has not ended: drawn hollow
     */
    public record Point(String id, double x, double y, boolean unfinished) {
        public Point(String id, double x, double y) {
            this(id, x, y, false);
        }
    }

    private String title = "Map of solutions";
    private String xLabel = "component 1";
    private String yLabel = "component 2";
    private List<Point> points = List.of();
    private MapColouring colouring = MapColouring.categorical("", new int[0], new String[0]);
    private List<LibraryProjection.Trace> traces = List.of();
    private int[] selected = new int[0];
    private int hovered = -1;
    private String note = "";
    private Point2D[] drawn = new Point2D[0];
    private MarkerStacks stacks = MarkerStacks.NONE;
    private boolean[] matching;

    /** New data; the legend, axes and markers follow it. */
    public void setData(String t, String x, String y, List<Point> p, MapColouring c) {
        if (c.size() != p.size()) {
            throw new IllegalArgumentException("one colour per point");
        }
        title = t;
        xLabel = x;
        yLabel = y;
        points = List.copyOf(p);
        colouring = c;
        drawn = new Point2D[points.size()];
        stacks = MarkerStacks.NONE;
        matching = null;
    }

    /** New colours for the same points. */
    public void setColouring(MapColouring c) {
        if (c.size() != points.size()) {
            throw new IllegalArgumentException("one colour per point");
        }
        colouring = c;
    }

    public void setTraces(List<LibraryProjection.Trace> t) {
        traces = List.copyOf(t);
    }

    /** The selected points' indices in selection order (first is A, second B). */
    public void setSelected(int[] indices) {
        selected = indices.clone();
    }

    public void setHovered(int index) {
        hovered = index;
    }

    /** The points a search found (the others are dimmed); null: no search, nothing dimmed. */
    public void setMatching(boolean[] m) {
        if (m != null && m.length != points.size()) {
            throw new IllegalArgumentException("one mark per point");
        }
        matching = m == null ? null : m.clone();
    }

    /** Whether point {@code i} is drawn dimmed (a search is on and it does not match). */
    public boolean dimmed(int i) {
        return matching != null && i < matching.length && !matching[i];
    }

    /** A muted line under the title (e.g. the variance explained, or the t-SNE iteration). */
    public void setNote(String n) {
        note = n == null ? "" : n;
    }

    public String note() {
        return note;
    }

    public List<Point> points() {
        return points;
    }

    public List<LibraryProjection.Trace> traces() {
        return traces;
    }

    public int size() {
        return points.size();
    }

    @Override
    public String title() {
        return title;
    }

    /** The marker nearest to a point of the last drawing within a few pixels, or -1. */
    public int pointAt(double x, double y) {
        int best = -1;
        double bestD = HIT * HIT;
        for (int i = 0; i < drawn.length; i++) {
            Point2D p = drawn[i];
            if (p != null) {
                double d = p.distanceSq(x, y);
                if (d <= bestD) {
                    bestD = d;
                    best = i;
                }
            }
        }
        return best;
    }

    /**
     * Every marker within a few pixels of a point of the last drawing, nearest first: all the runs of a stack
     * (several runs at one place), which a single hit would hide.
     */
    public List<Integer> pointsAt(double x, double y) {
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < drawn.length; i++) {
            if (drawn[i] != null && drawn[i].distanceSq(x, y) <= HIT * HIT) {
                hits.add(i);
            }
        }
        hits.sort(java.util.Comparator.comparingDouble(i -> drawn[i].distanceSq(x, y)));
        return hits;
    }

    /** How many markers of the last drawing share point {@code i}'s place (1: it is seen alone). */
    public int stackSize(int i) {
        return stacks.sizeOf(i);
    }

    /** Where point {@code i} was drawn last (null before the first drawing). */
    public Point2D drawnAt(int i) {
        return i >= 0 && i < drawn.length ? drawn[i] : null;
    }

    @Override
    public String csv() {
        StringBuilder b = new StringBuilder("kind,id,x,y,tau,").append(FigureExport.csvField(
                colouring.title().isEmpty() ? "colour" : colouring.title())).append('\n');
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            b.append(p.unfinished() ? "checkpoint," : "run,").append(FigureExport.csvField(p.id())).append(',')
                    .append(num(p.x())).append(',').append(num(p.y())).append(",,").append(FigureExport.csvField(colouring.labelOf(i))).append('\n');
        }
        for (LibraryProjection.Trace t : traces) {
            int n = t.xy().length;
            for (int k = 0; k < n; k++) {
                double tau = n == 1 ? 0 : (double) k / (n - 1);
                b.append("path,").append(FigureExport.csvField(t.name())).append(',').append(num(t.xy()[k][0]))
                        .append(',').append(num(t.xy()[k][1])).append(',').append(num(tau)).append(",\n");
            }
        }
        return b.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    // ---- drawing ----

    private record Axes(Axis x, Axis y) {}

    private Axes axes() {
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Point p : points) {
            minX = Math.min(minX, p.x());
            maxX = Math.max(maxX, p.x());
            minY = Math.min(minY, p.y());
            maxY = Math.max(maxY, p.y());
        }
        for (LibraryProjection.Trace t : traces) {
            for (double[] q : t.xy()) {
                minX = Math.min(minX, q[0]);
                maxX = Math.max(maxX, q[0]);
                minY = Math.min(minY, q[1]);
                maxY = Math.max(maxY, q[1]);
            }
        }
        if (!Double.isFinite(minX)) {
            return new Axes(Axis.linear(-1, 1, 5), Axis.linear(-1, 1, 5));
        }
        // a margin so markers at the extremes are not cut by the frame
        double px = Math.max(1e-9, (maxX - minX) * 0.06);
        double py = Math.max(1e-9, (maxY - minY) * 0.06);
        return new Axes(Axis.linear(minX - px, maxX + px, 5), Axis.linear(minY - py, maxY + py, 5));
    }

    private Plot plot(Graphics2D g, FigureStyle s, double width, double height, Axes a) {
        return new Plot(g, s, new Rectangle2D.Double(0, 0, Math.max(60, width - LEGEND_W), height), a.x(), a.y(),
                title, xLabel, yLabel);
    }

    @Override
    public Object backgroundKey(double width, double height, FigureStyle style) {
        Axes a = axes();
        return List.of(width, height, style, title, xLabel, yLabel, note, a.x().min(), a.x().max(), a.y().min(),
                a.y().max(), colouring.title(), legendKey(), anyUnfinished());
    }

    private List<String> legendKey() {
        List<String> k = new ArrayList<>();
        if (colouring.isCategorical()) {
            k.addAll(List.of(colouring.categories()));
        } else {
            k.add(colouring.low());
            k.add(colouring.high());
        }
        return k;
    }

    @Override
    public void drawBackground(Graphics2D g, double width, double height, FigureStyle s) {
        hints(g);
        g.setColor(s.background());
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        Plot p = plot(g, s, width, height, axes());
        p.drawFrame(g, s);
        if (!note.isEmpty()) {
            g.setFont(s.font(0.92f, Font.PLAIN));
            g.setColor(s.muted());
            FontMetrics fm = g.getFontMetrics();
            double titleW = g.getFontMetrics(s.font(1.08f, Font.BOLD)).stringWidth(title);
            if (titleW + 16 + fm.stringWidth(note) <= p.area().getWidth()) {
                // on the title's line (Plot draws it 8 px above the area), right-aligned
                g.drawString(note, (float) (p.area().getMaxX() - fm.stringWidth(note)), (float) (p.area().getY() - 8));
            } else {
                // a narrow map: never over the title, but inside the frame's top right corner on its own backing
                double w = fm.stringWidth(note) + 8;
                double x = p.area().getMaxX() - w - 2;
                double y = p.area().getY() + 2;
                g.setColor(new java.awt.Color(s.background().getRed(), s.background().getGreen(),
                        s.background().getBlue(), 225));
                g.fill(new Rectangle2D.Double(x, y, w, fm.getHeight() + 2));
                g.setColor(s.muted());
                g.drawString(note, (float) (x + 4), (float) (y + 1 + fm.getAscent()));
            }
        }
        drawLegend(g, s, width - LEGEND_W + 14, p.area().getY(), LEGEND_W - 20);
    }

    @Override
    public void drawForeground(Graphics2D g, double width, double height, FigureStyle s) {
        hints(g);
        Plot p = plot(g, s, width, height, axes());
        for (LibraryProjection.Trace t : traces) {
            drawTrace(g, s, p, t);
        }
        if (drawn.length != points.size()) {
            drawn = new Point2D[points.size()];
        }
        for (int i = 0; i < points.size(); i++) {
            Point pt = points.get(i);
            drawn[i] = new Point2D.Double(p.px(pt.x()), p.py(pt.y()));
        }
        stacks = MarkerStacks.of(drawn, OVERLAP);
        // dimmed first, so that what a search found is never under what it did not
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < points.size(); i++) {
                if (dimmed(i) == (pass == 0)) {
                    drawMarker(g, s, i);
                }
            }
        }
        stacks.drawBadges(g, s, drawn, RADIUS);
        g.setFont(s.font(1f, Font.BOLD));
        FontMetrics fm = g.getFontMetrics();
        for (int k = 0; k < selected.length; k++) {
            Point2D c = drawnAt(selected[k]);
            if (c == null) {
                continue;
            }
            g.setColor(s.foreground());
            g.setStroke(new BasicStroke(1.8f));
            g.draw(new Ellipse2D.Double(c.getX() - RADIUS - 3.5, c.getY() - RADIUS - 3.5, 2 * RADIUS + 7,
                    2 * RADIUS + 7));
            String letter = k == 0 ? "A" : k == 1 ? "B" : Integer.toString(k + 1);
            g.drawString(letter, (float) (c.getX() + RADIUS + 5), (float) (c.getY() - RADIUS - 2));
        }
        Point2D h = drawnAt(hovered);
        if (h != null) {
            g.setColor(s.accent());
            g.setStroke(new BasicStroke(1.5f));
            g.draw(new Ellipse2D.Double(h.getX() - RADIUS - 2.5, h.getY() - RADIUS - 2.5, 2 * RADIUS + 5,
                    2 * RADIUS + 5));
        }
        if (points.isEmpty()) {
            g.setFont(s.font());
            g.setColor(s.muted());
            String msg = "no runs to show";
            g.drawString(msg, (float) (p.area().getCenterX() - fm.stringWidth(msg) / 2.0), (float) p.area().getCenterY());
        }
    }

    private void drawMarker(Graphics2D g, FigureStyle s, int i) {
        double x = drawn[i].getX();
        double y = drawn[i].getY();
        Shape m = marker(i, x, y, RADIUS);
        Color c = colourOf(i, s);
        if (dimmed(i)) {
            c = blend(c, s.background(), 0.2);
        }
        if (points.get(i).unfinished()) {
            // hollow: an unfinished fit is a place on the way, not a solution
            g.setColor(s.background());
            g.fill(m);
            g.setColor(c);
            g.setStroke(new BasicStroke(1.8f));
            g.draw(m);
        } else {
            g.setColor(c);
            g.fill(m);
            g.setStroke(new BasicStroke(0.8f));
            g.setColor(s.background());
            g.draw(m);
        }
    }

    private static Color blend(Color c, Color bg, double amount) {
        return new Color((int) Math.round(bg.getRed() + amount * (c.getRed() - bg.getRed())),
                (int) Math.round(bg.getGreen() + amount * (c.getGreen() - bg.getGreen())),
                (int) Math.round(bg.getBlue() + amount * (c.getBlue() - bg.getBlue())));
    }

    private boolean anyUnfinished() {
        return points.stream().anyMatch(Point::unfinished);
    }

    private void drawTrace(Graphics2D g, FigureStyle s, Plot p, LibraryProjection.Trace t) {
        if (t.xy().length < 2) {
            return;
        }
        Path2D.Double line = new Path2D.Double();
        for (int k = 0; k < t.xy().length; k++) {
            double x = p.px(t.xy()[k][0]);
            double y = p.py(t.xy()[k][1]);
            if (k == 0) {
                line.moveTo(x, y);
            } else {
                line.lineTo(x, y);
            }
        }
        Color c = t.straight() ? s.muted() : s.accent();
        g.setColor(c);
        g.setStroke(t.straight()
                ? new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {5f, 4f}, 0f)
                : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(line);
        for (double[] q : t.xy()) {
            double x = p.px(q[0]);
            double y = p.py(q[1]);
            g.fill(new Ellipse2D.Double(x - 1.8, y - 1.8, 3.6, 3.6));
        }
    }

    private Color colourOf(int i, FigureStyle s) {
        if (colouring.isCategorical()) {
            return s.seriesColor(colouring.category()[i]);
        }
        return s.scale().color(colouring.value()[i]);
    }

    /** Circle, square, diamond, triangle: the shape changes every eight categories, after the palette repeats. */
    private Shape marker(int i, double x, double y, double r) {
        int shape = colouring.isCategorical() ? (colouring.category()[i] / 8) % 4 : 0;
        return shape(shape, x, y, r);
    }

    private static Shape shape(int shape, double x, double y, double r) {
        return switch (shape) {
            case 1 -> new Rectangle2D.Double(x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r);
            case 2 -> polygon(new double[] {x, x + r * 1.2, x, x - r * 1.2}, new double[] {y - r * 1.2, y, y + r * 1.2, y});
            case 3 -> polygon(new double[] {x, x + r * 1.15, x - r * 1.15}, new double[] {y - r * 1.2, y + r * 0.9, y + r * 0.9});
            default -> new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r);
        };
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int k = 1; k < xs.length; k++) {
            p.lineTo(xs[k], ys[k]);
        }
        p.closePath();
        return p;
    }

    private void drawLegend(Graphics2D g, FigureStyle s, double x, double y, double w) {
        Font f = s.font(0.92f, Font.PLAIN);
        FontMetrics fm = g.getFontMetrics(f);
        g.setFont(s.font(1f, Font.BOLD));
        g.setColor(s.foreground());
        g.drawString(colouring.title(), (float) x, (float) (y + g.getFontMetrics().getAscent()));
        double row = Math.max(16, fm.getHeight() + 3);
        double ty = y + g.getFontMetrics().getHeight() + 6;
        g.setFont(f);
        if (colouring.isCategorical()) {
            String[] names = colouring.categories();
            int shown = Math.min(names.length, names.length > LEGEND_ROWS ? LEGEND_ROWS - 1 : LEGEND_ROWS);
            for (int c = 0; c < shown; c++) {
                double cy = ty + c * row + row / 2;
                g.setColor(s.seriesColor(c));
                g.fill(shape((c / 8) % 4, x + 6, cy - 2, RADIUS));
                g.setColor(s.foreground());
                g.drawString(ellipsize(names[c], fm, w - 20), (float) (x + 18), (float) (cy - 2 + fm.getAscent() / 2.0 - 1));
            }
            if (shown < names.length) {
                g.setColor(s.muted());
                g.drawString("… " + (names.length - shown) + " more", (float) (x + 18),
                        (float) (ty + shown * row + row / 2 - 2 + fm.getAscent() / 2.0 - 1));
            }
            double tracesY = ty + (shown + (shown < names.length ? 1 : 0)) * row + 8;
            drawTraceLegend(g, s, x, tracesY, row, fm);
        } else {
            int steps = 48;
            double barW = Math.min(w - 8, 160);
            for (int i = 0; i < steps; i++) {
                g.setColor(s.scale().color(i / (double) (steps - 1)));
                g.fill(new Rectangle2D.Double(x + barW * i / steps, ty, barW / steps + 0.6, 10));
            }
            g.setColor(s.muted());
            float ly = (float) (ty + 12 + fm.getAscent());
            g.drawString(colouring.low(), (float) x, ly);
            String hi = colouring.high();
            g.drawString(hi, (float) (x + barW - fm.stringWidth(hi)), ly + (fm.stringWidth(colouring.low())
                    + fm.stringWidth(hi) + 8 > barW ? fm.getHeight() : 0));
            drawTraceLegend(g, s, x, ty + 14 + 2.2 * fm.getHeight(), row, fm);
        }
    }

    private void drawTraceLegend(Graphics2D g, FigureStyle s, double x, double y, double row, FontMetrics fm) {
        if (anyUnfinished()) {
            double cy = y + row / 2;
            Shape m = shape(0, x + 6, cy - 2, RADIUS);
            g.setColor(s.foreground());
            g.setStroke(new BasicStroke(1.8f));
            g.draw(m);
            g.drawString("unfinished fit (checkpoint)", (float) (x + 18), (float) (cy - 2 + fm.getAscent() / 2.0 - 1));
            y += row;
        }
        int k = 0;
        for (String name : List.of("straight line", "learned Bézier")) {
            boolean straight = k == 0;
            if (traces.stream().noneMatch(t -> t.straight() == straight)) {
                k++;
                continue;
            }
            double cy = y + row / 2;
            g.setColor(straight ? s.muted() : s.accent());
            g.setStroke(straight
                    ? new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {5f, 4f}, 0f)
                    : new BasicStroke(2f));
            g.draw(new Line2D.Double(x, cy - 2, x + 14, cy - 2));
            g.setColor(s.foreground());
            g.drawString(name, (float) (x + 18), (float) (cy - 2 + fm.getAscent() / 2.0 - 1));
            y += row;
            k++;
        }
    }

    static String ellipsize(String s, FontMetrics fm, double max) {
        if (fm.stringWidth(s) <= max) {
            return s;
        }
        String e = s;
        while (e.length() > 1 && fm.stringWidth(e + "…") > max) {
            e = e.substring(0, e.length() - 1);
        }
        return e + "…";
    }

    private static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }
}
