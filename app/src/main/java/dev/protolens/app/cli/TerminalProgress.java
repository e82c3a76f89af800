package dev.protolens.app.cli;

import dev.protolens.engine.fit.FitProgress;
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

    TerminalProgress(PrintStream out) {
        this.out = out;
        java.io.Console c = System.console();
        this.tty = c != null && c.isTerminal() && !"dumb".equals(System.getenv("TERM"));
        this.maxStrip = 60;
    }

    void update(FitProgress p) {
        long now = System.currentTimeMillis();
        if (!tty && !p.finished() && now - lastPlain < 2000) {
            return;
        }
        lastPlain = now;
        FitProgress.Item best = p.best();
        String line = String.format(Locale.ROOT, "step %5d/%d  loss %7.4f  acc %5.1f%%  %6.1f steps/s  %s",
                p.step(), p.maxSteps(), best.loss(), best.accuracy() * 100, p.stepsPerSecond(), strip(best));
        if (p.items().size() > 1) {
            long reached = p.items().stream().filter(FitProgress.Item::reached).count();
            line += String.format(Locale.ROOT, "  %d/%d restarts at target", reached, p.items().size());
        }
        if (tty) {
            out.print("\r\u001b[2K" + line);
            if (p.finished()) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
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
