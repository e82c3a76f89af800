package dev.protolens.app.figures;

import java.awt.Font;
import java.awt.FontMetrics;
import javafx.scene.canvas.GraphicsContext;
import org.jfree.fx.FXFontMetrics;
import org.jfree.fx.FXGraphics2D;

/**
 * The Graphics2D a figure draws on screen: FXGraphics2D, with font metrics for the font asked for.
 * FXGraphics2D 2.1.5's {@code getFontMetrics(font)} measures the font last <em>set</em> instead, so a figure that
 * measured its bold title before setting it laid it out too narrow and the title ran past the canvas (issue 16:
 * "Token accuracy" and the rotated axis titles of the narrow curves). Measured here the way FXGraphics2D draws:
 * a JavaFX Text in the same font.
 */
class ScreenGraphics extends FXGraphics2D {
    ScreenGraphics(GraphicsContext gc) {
        super(gc);
    }

    @Override
    public FontMetrics getFontMetrics(Font f) {
        return new FXFontMetrics(f, this);
    }
}
