package dev.protolens.app.cli;

import dev.protolens.engine.fit.FitProgress;
import dev.protolens.engine.work.JobProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The fit's progress on stderr: one line rewritten in place on a terminal (step, loss, accuracy, steps/s and
 * a compact strip with one character per target token, darker = more probable, a cross where wrong), or a
 * plain line every few seconds when stderr is a file or a pipe.
 */
final class TerminalProgress {
    private static final char[] SHADES = {'·', '░', '▒', '▓', '█'};
    private final PrintStream out;
    private final boolean tty;
    private final int maxStrip;
    private long lastPlain;
    private boolean shownFinal;

    TerminalProgress(PrintStream out) {
        this.out = out;
        java.io.Console c = System.console();
        this.tty = c != null && c.isTerminal() && !"dumb".equals(System.getenv("TERM"));
        this.maxStrip = 60;
    }

    /** Shows a job's snapshot: the same numbers the window and --json read (see JobProgress). */
    void update(JobProgress p) {
        FitProgress.Item it = p.item();
        if (it == null) {
            return;
        }
        long now = System.currentTimeMillis();
        boolean last = p.stage() != JobProgress.Stage.FITTING;
        if (!tty && !last && now - lastPlain < 2000) {
            return;
        }
        if (last && shownFinal) {
            return;
        }
        shownFinal |= last;
        lastPlain = now;
        String line = p.line() + "  " + strip(it);
        if (p.items().size() > 1) {
            long reached = p.items().stream().filter(FitProgress.Item::reached).count();
            line += String.format(Locale.ROOT, "  %d/%d seeds at target", reached, p.items().size());
        }
        if (tty) {
            out.print("\r\u001b[2K" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the progress line (on a terminal it was rewritten in place). */
    void done() {
        if (tty) {
            out.println();
            out.flush();
        }
    }

    private String strip(FitProgress.Item it) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(maxStrip, it.targetProb().length);
        for (int i = 0; i < n; i++) {
            if (!it.correct()[i]) {
                sb.append(tty ? "\u001b[31m×\u001b[0m" : "×");
            } else {
                int s = Math.min(SHADES.length - 1, (int) (it.targetProb()[i] * SHADES.length));
                sb.append(tty ? "\u001b[32m" + SHADES[s] + "\u001b[0m" : String.valueOf(SHADES[s]));
            }
        }
        if (it.targetProb().length > n) {
            sb.append('…');
        }
        return "[" + sb + "]";
    }
}
