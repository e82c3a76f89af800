package dev.protolens.app.cli;

import dev.protolens.app.figures.Figure;
import dev.protolens.app.figures.FigureExport;
import dev.protolens.app.figures.FigureStyle;
import dev.protolens.engine.UserError;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code --out FILE} writes, chosen by the file's extension: the numbers (CSV, JSON) or a figure of them
 * (SVG, PNG, PDF), drawn by the same figure classes as the window's charts.
 */
enum OutputFormat {
    CSV, JSON, SVG, PNG, PDF;

    static OutputFormat of(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (OutputFormat f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(ext)) {
                return f;
            }
        }
        throw new UserError("Cannot tell what to write to " + file + " from its extension: end the file name in"
                + " .csv or .json (numbers), or .svg, .png or .pdf (a figure).");
    }

    boolean isFigure() {
        return this == SVG || this == PNG || this == PDF;
    }

    /** Writes {@code f} in this (figure) format, light as for a page, creating the folder if needed. */
    void writeFigure(Path file, Figure f, double width, double height) throws IOException {
        createParent(file);
        FigureExport.write(f, width, height, FigureExport.Format.valueOf(name()), FigureStyle.LIGHT, file);
    }

    /** {@code --width}/{@code --height} of a figure, in points. */
    static void checkFigureSize(double width, double height) {
        if (!(width >= 100 && width <= 10_000) || !(height >= 100 && height <= 10_000)) {
            throw new UserError(String.format(Locale.ROOT, "--width and --height are in points, from 100 to 10000;"
                    + " got %s × %s.", width, height));
        }
    }

    /** Writes text atomically, creating the folder if needed. */
    static void write(Path file, String text) throws IOException {
        createParent(file);
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break. */
    static String csv(String s) {
        return FigureExport.csvField(s);
    }
}
