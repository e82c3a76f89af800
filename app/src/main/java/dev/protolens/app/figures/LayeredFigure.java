package dev.protolens.app.figures;

import java.awt.Graphics2D;

/**
 * A figure whose slow-changing parts (axes, grid, labels, legend) form a background that the screen repaints
 * only when {@link #backgroundKey} changes, while the data on top is repainted as often as it moves. Exports
 * draw both layers through the same routines, so the file still shows what the screen shows.
 */
public interface LayeredFigure extends Figure {
    /** Everything the background depends on (size, axis ranges, style); equal keys mean an equal background. */
    Object backgroundKey(double width, double height, FigureStyle style);

    void drawBackground(java.awt.Graphics2D g, double width, double height, FigureStyle style);

    void drawForeground(java.awt.Graphics2D g, double width, double height, FigureStyle style);

    @Override
    default void draw(Graphics2D g, double width, double height, FigureStyle style) {
        drawBackground(g, width, height, style);
        drawForeground(g, width, height, style);
    }
}
