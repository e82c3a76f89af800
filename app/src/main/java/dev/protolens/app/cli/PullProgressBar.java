package dev.protolens.app.cli;

import dev.protolens.engine.hub.DownloadListener;
import dev.protolens.engine.hub.DownloadProgress;
import dev.protolens.engine.hub.Sizes;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A pull's progress on stderr: on a terminal one line redrawn in place (bar, percent, bytes, speed, current file);
 * elsewhere (a log, CI) one plain line per file and event, so nothing fills a log with carriage returns.
 */
final class PullProgressBar implements DownloadListener {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final int width;
    private final long t0 = System.nanoTime();
    private long lastDraw;
    private int lastLength;

    PullProgressBar(PrintStream err, boolean terminal, int width) {
        this.err = err;
        this.terminal = terminal;
        this.width = Math.max(40, width);
    }

    /** A terminal when stderr is one (Console.isTerminal), as wide as COLUMNS says (80 when unknown). */
    static PullProgressBar forStderr() {
        java.io.Console c = System.console();
        int cols = 80;
        try {
            String env = System.getenv("COLUMNS");
            cols = env == null ? 80 : Integer.parseInt(env.strip());
        } catch (NumberFormatException e) {
            cols = 80;
        }
        return new PullProgressBar(System.err, c != null && c.isTerminal(), cols);
    }

    @Override
    public void onProgress(DownloadProgress p) {
        if (terminal) {
            bar(p);
        } else {
            lines(p);
        }
    }

    private void bar(DownloadProgress p) {
        long now = System.nanoTime();
        boolean end = p.stage() == DownloadProgress.Stage.COMPLETE;
        if (!end && p.stage() == DownloadProgress.Stage.DOWNLOADING && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        String head = String.format(Locale.ROOT, " %3.0f%% %s/%s %s/s %d/%d ", 100 * p.fraction(),
                Sizes.human(p.bytesDone()), Sizes.human(p.bytesTotal()), Sizes.human((long) p.bytesPerSecond()),
                p.filesDone(), p.filesTotal());
        String file = p.file() == null ? (end ? "done" : "") : p.file();
        int barWidth = Math.max(10, Math.min(30, width - head.length() - 4 - Math.min(file.length(), 24)));
        int filled = (int) Math.round(barWidth * p.fraction());
        String line = "[" + "#".repeat(filled) + "-".repeat(barWidth - filled) + "]" + head + file;
        if (line.length() > width - 1) {
            line = line.substring(0, width - 1);
        }
        int pad = Math.max(0, lastLength - line.length());
        err.print("\r" + line + " ".repeat(pad));
        lastLength = line.length();
        if (end) {
            err.println();
        }
        err.flush();
    }

    private void lines(DownloadProgress p) {
        String at = String.format(Locale.ROOT, "[%d/%d, %.0f%%]", p.filesDone(), p.filesTotal(), 100 * p.fraction());
        switch (p.stage()) {
            case PLANNED -> err.printf("pulling %s: %d files, %s%n", p.repoId(), p.filesTotal(), Sizes.human(p.bytesTotal()));
            case CACHED -> err.printf("  cached  %s (%s) %s%n", p.file(), Sizes.human(p.fileSize()), at);
            case STARTED -> {
                if (p.resumedFrom() > 0) {
                    err.printf("  resume  %s from %s of %s%n", p.file(), Sizes.human(p.resumedFrom()),
                            Sizes.human(p.fileSize()));
                }
            }
            case RETRYING -> err.printf("  retry   %s at %s of %s (connection dropped)%n", p.file(),
                    Sizes.human(p.fileBytes()), Sizes.human(p.fileSize()));
            case DONE -> err.printf("  done    %s (%s) %s%n", p.file(), Sizes.human(p.fileSize()), at);
            case COMPLETE -> err.printf("pulled %s: %s in %.1f s%n", p.repoId(), Sizes.human(p.bytesTotal()),
                    (System.nanoTime() - t0) / 1e9);
            default -> { }
        }
        err.flush();
    }
}
