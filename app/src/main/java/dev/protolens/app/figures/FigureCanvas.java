package dev.protolens.app.figures;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.SaveDialogs;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.image.WritableImage;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.stage.FileChooser;
import org.jfree.fx.FXGraphics2D;

/**
 * Shows a {@link Figure} on a JavaFX Canvas through FXGraphics2D, sized to this region, and offers its export
 * from a right-click menu (PNG 2×, SVG, PDF, copy). Painting happens only when asked ({@link #repaint()}),
 * so the owner decides how often: the Fit view paints once per frame at most.
 */
public final class FigureCanvas extends Region {
    private final Canvas back = new Canvas();
    private final Canvas canvas = new Canvas();
    // nodes over the drawing that move often (a slider's marker): JavaFX repaints only the few pixels they cover
    private final Pane overlay = new Pane();
    private Object backKey;
    // one Graphics2D per canvas for its whole life: FXGraphics2D caches the font and paint it last set on the
    // GraphicsContext, so a fresh instance over the same context could skip a needed change
    private final FXGraphics2D frontG = new ScreenGraphics(canvas.getGraphicsContext2D());
    private final FXGraphics2D backG = new ScreenGraphics(back.getGraphicsContext2D());
    private final Supplier<Figure> figure;
    private final BooleanSupplier dark;
    private Runnable afterPaint = () -> { };

    /** @param dark whether the screen currently uses the dark theme (exports always use the light style) */
    public FigureCanvas(Supplier<Figure> figure, BooleanSupplier dark) {
        this.figure = figure;
        this.dark = dark;
        getStyleClass().add("figure-pane");
        overlay.setMouseTransparent(true);
        overlay.setManaged(false);
        getChildren().addAll(back, canvas, overlay);
        widthProperty().addListener((o, a, b) -> repaint());
        heightProperty().addListener((o, a, b) -> repaint());
        setContextMenu();
    }

    public Canvas canvas() {
        return canvas;
    }

    /** The figure shown now (what a repaint draws), e.g. for a check that its texts fit the canvas. */
    public Figure figure() {
        return figure.get();
    }

    /** The style the screen draws with now (dark or light theme). */
    public FigureStyle style() {
        return dark.getAsBoolean() ? FigureStyle.DARK : FigureStyle.LIGHT;
    }

    /** A layer over the figure, the canvas's size, for nodes that move while the figure stays (not exported). */
    public Pane overlay() {
        return overlay;
    }

    /** Called after each paint (e.g. to resize to the figure's needs). */
    public void setAfterPaint(Runnable r) {
        afterPaint = r;
    }

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        overlay.resizeRelocate(0, 0, w, h);
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            back.setWidth(w);
            back.setHeight(h);
            repaint();
        }
    }

    /**
     * Paints the figure now. A {@link LayeredFigure}'s background is repainted only when its key changed, so
     * a frame usually costs just the data on top.
     */
    public void repaint() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        if (w < 2 || h < 2) {
            return;
        }
        Figure f = figure.get();
        FigureStyle style = style();
        // clearing the whole canvas through the GraphicsContext lets JavaFX drop the old drawing commands
        canvas.getGraphicsContext2D().clearRect(0, 0, w, h);
        if (f instanceof LayeredFigure lf) {
            Object key = lf.backgroundKey(w, h, style);
            if (!key.equals(backKey)) {
                backKey = key;
                back.getGraphicsContext2D().clearRect(0, 0, w, h);
                lf.drawBackground(backG, w, h, style);
            }
            lf.drawForeground(frontG, w, h, style);
        } else {
            backKey = null;
            back.getGraphicsContext2D().clearRect(0, 0, w, h);
            f.draw(frontG, w, h, style);
        }
        afterPaint.run();
    }

    private void setContextMenu() {
        ContextMenu menu = new ContextMenu();
        for (FigureExport.Format fmt : FigureExport.Format.values()) {
            MenuItem item = new MenuItem("Export as " + fmt.label() + "…");
            item.setId("export-" + fmt.extension());
            item.setOnAction(e -> export(fmt));
            menu.getItems().add(item);
        }
        MenuItem data = new MenuItem("Export data as CSV…");
        data.setId("export-csv");
        data.setOnAction(e -> exportCsv());
        menu.setOnShowing(e -> data.setDisable(figure.get().csv() == null));
        menu.getItems().addAll(new SeparatorMenuItem(), data);
        MenuItem copy = new MenuItem("Copy image");
        copy.setOnAction(e -> {
            WritableImage img = snapshot(null, null);
            ClipboardContent c = new ClipboardContent();
            c.putImage(img);
            Clipboard.getSystemClipboard().setContent(c);
        });
        menu.getItems().addAll(new SeparatorMenuItem(), copy);
        canvas.setOnContextMenuRequested(e -> menu.show(canvas, e.getScreenX(), e.getScreenY()));
    }

    private void export(FigureExport.Format fmt) {
        Figure f = figure.get();
        FileChooser c = SaveDialogs.saveChooser("Export " + f.title(), SaveDialogs.fileName(f.title()) + "."
                + fmt.extension(), new FileChooser.ExtensionFilter(fmt.label(), "*." + fmt.extension()));
        Path file = SaveDialogs.chosen(c.showSaveDialog(getScene().getWindow()));
        if (file != null) {
            exportTo(file, fmt);
        }
    }

    /** The export dialog for any format (Ctrl+E): the type chosen in the dialog decides the format. */
    public void exportDialog() {
        Figure f = figure.get();
        FileChooser c = SaveDialogs.saveChooser("Export " + f.title(), SaveDialogs.fileName(f.title()));
        for (FigureExport.Format fmt : FigureExport.Format.values()) {
            c.getExtensionFilters().add(new FileChooser.ExtensionFilter(fmt.label(), "*." + fmt.extension()));
        }
        Path chosen = SaveDialogs.chosen(c.showSaveDialog(getScene().getWindow()));
        if (chosen == null) {
            return;
        }
        FigureExport.Format fmt = FigureExport.Format.values()[Math.max(0,
                c.getExtensionFilters().indexOf(c.getSelectedExtensionFilter()))];
        Path p = chosen;
        for (FigureExport.Format known : FigureExport.Format.values()) {
            if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith("." + known.extension())) {
                fmt = known;
            }
        }
        if (!p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith("." + fmt.extension())) {
            p = p.resolveSibling(p.getFileName() + "." + fmt.extension());
        }
        exportTo(p, fmt);
    }

    private void exportCsv() {
        Figure f = figure.get();
        FileChooser c = SaveDialogs.saveChooser("Export the numbers of " + f.title(),
                SaveDialogs.fileName(f.title()) + ".csv", new FileChooser.ExtensionFilter("CSV table", "*.csv"));
        Path file = SaveDialogs.chosen(c.showSaveDialog(getScene().getWindow()));
        if (file != null) {
            exportCsvTo(file);
        }
    }

    /** Writes the figure's numbers ({@link Figure#csv()}) to {@code file}. */
    public void exportCsvTo(Path file) {
        try {
            FigureExport.writeCsv(figure.get(), file);
            SaveDialogs.saved(file);
        } catch (IOException | RuntimeException ex) {
            Dialogs.error(getScene().getWindow(), "Could not export the numbers",
                    "Writing " + file + " failed: " + ex.getMessage());
        }
    }

    /** Writes the figure at its on-screen size (light style) to {@code file}. */
    public void exportTo(Path file, FigureExport.Format fmt) {
        try {
            FigureExport.write(figure.get(), canvas.getWidth(), canvas.getHeight(), fmt, FigureStyle.LIGHT, file);
            SaveDialogs.saved(file);
        } catch (IOException | RuntimeException ex) {
            Dialogs.error(getScene().getWindow(), "Could not export the figure",
                    "Writing " + file + " failed: " + ex.getMessage());
        }
    }
}
