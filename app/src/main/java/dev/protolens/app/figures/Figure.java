package dev.protolens.app.figures;

import java.awt.Graphics2D;

/**
 * A plot drawn once against {@link Graphics2D}: the same routine paints the screen (FXGraphics2D on a
 * Canvas) and every export (PNG through a BufferedImage, SVG through JFreeSVG, PDF through JFreePDF), so
 * what is exported is what was seen.
 */
public interface Figure {
    /** Paints the whole figure into {@code [0, width] × [0, height]} of {@code g}'s user space. */
    void draw(Graphics2D g, double width, double height, FigureStyle style);

    /** Used for export file names and as the figure's heading. */
    String title();

    /**
     * The numbers the figure shows, as CSV with a header line (what "Export data as CSV" writes), or null when
     * it shows none worth exporting.
     */
    default String csv() {
        return null;
    }
}
