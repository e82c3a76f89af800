package dev.protolens.app.atlas;

import dev.protolens.app.figures.ProjectionFigure;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.MapColouring;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The words the Atlas's map shows on hover: one run in full, or every run of a stack (several runs drawn at one
 * place, which hide each other), one line each. Unfinished fits say that they are unfinished and how to go on.
 */
final class AtlasTips {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());
    /** A stack lists at most this many runs, then how many more. */
    static final int LIST_MAX = 12;

    private AtlasTips() {}

    /** The tooltip for the runs under the pointer (nearest first), as placed on the map. */
    static String of(List<Run> runs, List<ProjectionFigure.Point> at) {
        if (runs.size() == 1) {
            return describe(runs.getFirst(), at.getFirst());
        }
        StringBuilder b = new StringBuilder(runs.size() + " runs here (their markers overlap):\n");
        for (int k = 0; k < Math.min(runs.size(), LIST_MAX); k++) {
            b.append("• ").append(oneLine(runs.get(k))).append('\n');
        }
        if (runs.size() > LIST_MAX) {
            b.append("… and ").append(runs.size() - LIST_MAX).append(" more\n");
        }
        b.append("A click picks the nearest (the first listed).");
        return b.toString();
    }

    /** One run of a stack: its text, seed, accuracy, and whether it is unfinished. */
    static String oneLine(Run run) {
        RunRecord r = run.record();
        StringBuilder b = new StringBuilder();
        if (r.label() != null && !r.label().isBlank()) {
            b.append(r.label().strip()).append(" · ");
        }
        b.append('“').append(MapColouring.oneLine(r.text())).append('”');
        if (r.settings() != null) {
            b.append(" · seed ").append(r.settings().seed());
        }
        if (r.metrics() != null) {
            b.append(String.format(Locale.ROOT, " · %.0f %%", 100 * r.metrics().accuracy()));
        }
        if (r.isCheckpoint()) {
            b.append(" · unfinished");
        }
        return b.toString();
    }

    static String describe(Run run, ProjectionFigure.Point p) {
        RunRecord r = run.record();
        StringBuilder b = new StringBuilder();
        if (r.isCheckpoint()) {
            b.append("Unfinished fit (a checkpoint, drawn hollow): click it, then Resume in Fit to continue it.\n");
        }
        if (r.label() != null && !r.label().isBlank()) {
            b.append(r.label().strip()).append('\n');
        }
        b.append('“').append(r.text().strip()).append("”\n");
        b.append("run ").append(r.id()).append('\n');
        if (r.settings() != null) {
            b.append("seed ").append(r.settings().seed()).append(r.settings().sharedM() ? " · m shared in its batch" : "")
                    .append('\n');
        }
        RunRecord.Metrics m = r.metrics();
        if (m != null) {
            b.append(String.format(Locale.ROOT, "accuracy %.1f %% (%d/%d tokens) · %d steps%n", 100 * m.accuracy(),
                    m.correctTokens(), m.length(), m.updates()));
        }
        b.append(r.isCheckpoint() ? "saved " : "fitted ").append(date(r.createdAt())).append('\n');
        b.append(String.format(Locale.ROOT, "map position (%.3f, %.3f)", p.x(), p.y()));
        return b.toString();
    }

    private static String date(String iso) {
        try {
            return DATE.format(Instant.parse(iso));
        } catch (RuntimeException e) {
            return iso;
        }
    }
}
