package dev.protolens.app.figures;

import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Bounds;
import javafx.scene.canvas.Canvas;
import javafx.scene.text.FontPosture;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextBoundsType;

/**
 * Whether every text a figure draws lies inside its canvas: paints the figure as the screen does ({@link
 * ScreenGraphics} on a canvas of the same size) through a Graphics2D that records each string's ink, measured as JavaFX draws it (the
 * same font, visual bounds) and placed by the transform in force (a rotated axis title included). The layout check
 * of the window walks every {@link FigureCanvas} through this (FX thread).
 */
public final class FigureTextCheck {
    private FigureTextCheck() {}

    /** A drawn string and its ink in canvas pixels. */
    public record Drawn(String text, Rectangle2D ink) {}

    /** One line per text that reaches outside the canvas ("'cross-entropy, nats per token' ... 3 px past the top"). */
    public static List<String> problems(FigureCanvas fc) {
        double w = fc.canvas().getWidth();
        double h = fc.canvas().getHeight();
        if (w < 2 || h < 2 || fc.figure() == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Drawn d : texts(fc.figure(), w, h, fc.style())) {
            String where = where(d.ink(), w, h);
            if (where != null) {
                out.add("text cut in the figure '" + fc.figure().title() + "' (" + Math.round(w) + "×" + Math.round(h)
                        + "): '" + d.text() + "' " + where);
            }
        }
        return out;
    }

    /** Every string {@code f} draws at this size, with its ink. */
    public static List<Drawn> texts(Figure f, double w, double h, FigureStyle style) {
        Recorder g = new Recorder(new Canvas(w, h));
        if (f instanceof LayeredFigure lf) {
            lf.drawBackground(g, w, h, style);
            lf.drawForeground(g, w, h, style);
        } else {
            f.draw(g, w, h, style);
        }
        return g.drawn;
    }

    private static String where(Rectangle2D r, double w, double h) {
        double tol = 0.5;
        List<String> sides = new ArrayList<>();
        if (r.getMinX() < -tol) {
            sides.add(px(-r.getMinX()) + " past the left edge");
        }
        if (r.getMaxX() > w + tol) {
            sides.add(px(r.getMaxX() - w) + " past the right edge");
        }
        if (r.getMinY() < -tol) {
            sides.add(px(-r.getMinY()) + " past the top");
        }
        if (r.getMaxY() > h + tol) {
            sides.add(px(r.getMaxY() - h) + " past the bottom");
        }
        return sides.isEmpty() ? null : String.join(", ", sides);
    }

    private static String px(double v) {
        return String.format(Locale.ROOT, "%.1f px", v);
    }

    private static final class Recorder extends ScreenGraphics {
        final List<Drawn> drawn = new ArrayList<>();

        Recorder(Canvas c) {
            super(c.getGraphicsContext2D());
        }

        @Override
        public void drawString(String s, int x, int y) {
            drawString(s, (float) x, (float) y);
        }

        @Override
        public void drawString(String s, float x, float y) {
            if (s != null && !s.isBlank()) {
                java.awt.Font f = getFont();
                // the font FXGraphics2D sets on the canvas for this AWT font
                Text t = new Text(s);
                t.setFont(javafx.scene.text.Font.font(f.getFamily(), f.isBold() ? FontWeight.BOLD : FontWeight.NORMAL,
                        f.isItalic() ? FontPosture.ITALIC : FontPosture.REGULAR, f.getSize()));
                t.setBoundsType(TextBoundsType.VISUAL);
                Bounds b = t.getLayoutBounds(); // about the baseline origin
                Rectangle2D ink = new Rectangle2D.Double(x + b.getMinX(), y + b.getMinY(), b.getWidth(), b.getHeight());
                drawn.add(new Drawn(s, getTransform().createTransformedShape(ink).getBounds2D()));
            }
            super.drawString(s, x, y);
        }
    }
}
