package dev.protolens.app.ui;

import dev.protolens.engine.AtomicFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

/**
 * Every export dialog of the window, so they behave alike: they open in the folder used last (else the user's
 * Documents, else home; never the folder the app was started from, which may be a source checkout), suggest a
 * name that says what the file is (what, model, text, date), and after the write say what was written
 * ("Saved atlas.svg (48 KB)") with "Show in folder" in the status bar. Files keep the user's umask (AtomicFiles).
 */
public final class SaveDialogs {
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static Path lastFolder;
    private static Consumer<Path> saved = p -> { };

    private SaveDialogs() {}

    /** Where the next dialog opens: the last folder used, else ~/Documents, else the home folder. */
    public static synchronized Path startFolder() {
        if (lastFolder != null && Files.isDirectory(lastFolder)) {
            return lastFolder;
        }
        Path home = Path.of(System.getProperty("user.home"));
        Path docs = home.resolve("Documents");
        return Files.isDirectory(docs) ? docs : home;
    }

    /** Remembers the folder of a file the user chose, for the next dialog. */
    public static synchronized void remember(Path chosen) {
        Path dir = Files.isDirectory(chosen) ? chosen : chosen.toAbsolutePath().getParent();
        if (dir != null) {
            lastFolder = dir;
        }
    }

    /** A save dialog that opens in {@link #startFolder()} with {@code name} suggested. */
    public static FileChooser saveChooser(String title, String name, FileChooser.ExtensionFilter... types) {
        FileChooser c = new FileChooser();
        c.setTitle(title);
        c.setInitialDirectory(startFolder().toFile());
        c.setInitialFileName(name);
        c.getExtensionFilters().addAll(types);
        return c;
    }

    /** A folder dialog that opens in {@link #startFolder()}. */
    public static DirectoryChooser folderChooser(String title) {
        DirectoryChooser c = new DirectoryChooser();
        c.setTitle(title);
        c.setInitialDirectory(startFolder().toFile());
        return c;
    }

    /** Remembers the folder of {@code f} (may be null: cancelled) and returns it as a path. */
    public static Path chosen(File f) {
        if (f == null) {
            return null;
        }
        remember(f.toPath());
        return f.toPath();
    }

    /**
     * A file name from its parts, each made safe and short, with today's date: ("atlas", "stories260k-hf", "The cat
     * sat on the mat.") gives "atlas-stories260k-hf-the-cat-sat-on-the-mat-20261203".
     */
    public static String fileName(String... parts) {
        String body = Arrays.stream(parts).filter(Objects::nonNull).map(SaveDialogs::slug).filter(s -> !s.isEmpty())
                .collect(Collectors.joining("-"));
        return (body.isEmpty() ? "protolens" : body) + "-" + DAY.format(LocalDate.now());
    }

    static String slug(String s) {
        String x = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (x.length() > 40) {
            x = x.substring(0, 40).replaceAll("-[^-]*$", "");
        }
        return x;
    }

    /** "Saved atlas.svg (48 KB)": what a written file is called and how big it is. */
    public static String savedMessage(Path file) {
        long bytes;
        try {
            bytes = Files.isDirectory(file) ? -1 : Files.size(file);
        } catch (java.io.IOException e) {
            bytes = -1;
        }
        String size = bytes < 0 ? "" : bytes < 1024 ? " (" + bytes + " bytes)"
                : bytes < 1024 * 1024 ? String.format(Locale.ROOT, " (%d KB)", Math.round(bytes / 1024.0))
                : String.format(Locale.ROOT, " (%.1f MB)", bytes / (1024.0 * 1024));
        return "Saved " + file.getFileName() + size;
    }

    /** How the window confirms a write (the app posts it to the status bar with "Show in folder"). */
    public static synchronized void onSaved(Consumer<Path> confirm) {
        saved = confirm;
    }

    /** Call after a file or folder was written on the user's request. */
    public static void saved(Path file) {
        Consumer<Path> c;
        synchronized (SaveDialogs.class) {
            c = saved;
        }
        c.accept(file);
    }
}
