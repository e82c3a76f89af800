package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code --out FILE} writes, chosen by the file's extension: the numbers (CSV, JSON) or a figure of them
 * (SVG, PNG, PDF). Commands switch over this, so a figure renderer plugs into their figure cases.
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

    /** Until the figures package renders charts, a figure request says so instead of writing nothing. */
    UserError figureNotYet(Path file) {
        return new UserError("Figure output (" + file.getFileName() + ") arrives with the figures package; for now"
                + " write the numbers with --out FILE.csv or --out FILE.json.");
    }

    /** Writes text atomically, creating the folder if needed. */
    static void write(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break. */
    static String csv(String s) {
        return dev.protolens.app.figures.FigureExport.csvField(s);
    }
}
