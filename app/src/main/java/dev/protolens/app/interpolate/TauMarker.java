package dev.protolens.app.interpolate;

import dev.protolens.app.figures.FigureStyle;
import dev.protolens.app.figures.TauCurvesFigure;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Line;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/**
 * The slider's τ on the accuracy-vs-τ chart, as nodes over the chart's canvas: a vertical line, its label and
 * a dot on each curve. Moving them repaints a strip a few pixels wide; repainting the chart itself for every
 * slider event kept the FX thread and the renderer busy for milliseconds a frame, which the written text's
 * repaint then had to wait for. The chart's exports draw the same marker themselves.
 */
final class TauMarker {
    private final Pane layer;
    private final Line line = new Line();
    private final Text label = new Text();
    private final List<Circle> dots = new ArrayList<>();

    TauMarker(Pane layer) {
        this.layer = layer;
        line.setStrokeWidth(1.2);
        line.setId("interp-tau-marker");
        layer.getChildren().addAll(line, label);
        show(null, FigureStyle.LIGHT);
    }

    /** Places the marker (hidden when {@code m} is null). */
    void show(TauCurvesFigure.Marker m, FigureStyle s) {
        boolean visible = m != null;
        line.setVisible(visible);
        label.setVisible(visible);
        if (!visible) {
            dots.forEach(d -> d.setVisible(false));
            return;
        }
        Color muted = fx(s.muted());
        // whole pixels plus a half: a 1-pixel line stays crisp instead of smearing over two columns
        double x = Math.round(m.x()) + 0.5;
        line.setStroke(muted);
        line.setStartX(x);
        line.setEndX(x);
        line.setStartY(m.top());
        line.setEndY(m.bottom());
        java.awt.Font f = s.font(0.92f, java.awt.Font.PLAIN);
        if (label.getFont().getSize() != f.getSize2D()) {
            label.setFont(Font.font(f.getSize2D()));
        }
        label.setFill(muted);
        label.setText(m.label());
        double w = label.getLayoutBounds().getWidth();
        label.setX(x + 4 + w > m.right() ? x - 4 - w : x + 4);
        label.setY(m.bottom() - 6);
        while (dots.size() < m.y().length) {
            Circle c = new Circle(3.5);
            dots.add(c);
            layer.getChildren().add(c);
        }
        for (int i = 0; i < dots.size(); i++) {
            Circle c = dots.get(i);
            boolean on = i < m.y().length && Double.isFinite(m.y()[i]);
            c.setVisible(on);
            if (on) {
                c.setCenterX(m.x());
                c.setCenterY(m.y()[i]);
                c.setFill(fx(m.colours()[i]));
            }
        }
    }

    Line line() {
        return line;
    }

    private static Color fx(java.awt.Color c) {
        return Color.rgb(c.getRed(), c.getGreen(), c.getBlue(), c.getAlpha() / 255.0);
    }
}
