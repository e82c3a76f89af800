package dev.protolens.app.fit;

import dev.protolens.app.figures.FigureCanvas;
import dev.protolens.app.figures.TokenStripFigure;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitTarget;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.StackPane;
import javafx.util.Duration;

/**
 * The animated token strip: a {@link TokenStripFigure} on a canvas whose colours glide toward the latest
 * probabilities (exponential easing, ~0.12 s time constant) instead of jumping, with a tooltip per cell
 * giving the target, what the model writes and its top-k alternatives.
 */
final class TokenStrip extends StackPane {
    private static final double TAU_SECONDS = 0.12;

    private final TokenStripFigure figure = new TokenStripFigure();
    private final FigureCanvas canvas;
    private final Supplier<Decoded> alternatives;
    private final Tooltip tip = new Tooltip();
    private float[] goal = new float[0];
    private float[] shown = new float[0];
    private String[] targetPieces = new String[0];
    private FitFrames.Live live;
    private long lastNanos;
    private int hovered = -1;
    private boolean dirty;

    TokenStrip(BooleanSupplier dark, Supplier<Decoded> alternatives) {
        this.alternatives = alternatives;
        canvas = new FigureCanvas(() -> figure, dark);
        canvas.setId("token-strip");
        canvas.setMinHeight(110);
        canvas.setPrefHeight(140);
        canvas.setAfterPaint(() -> {
            double h = Math.ceil(figure.lastHeight());
            if (Math.abs(canvas.getPrefHeight() - h) > 1) {
                canvas.setPrefHeight(h);
            }
        });
        getChildren().add(canvas);
        tip.setShowDelay(Duration.millis(120));
        tip.setShowDuration(Duration.seconds(30));
        tip.setWrapText(true);
        tip.setMaxWidth(420);
        canvas.canvas().setOnMouseMoved(e -> hover(figure.cellAt(e.getX(), e.getY())));
        canvas.canvas().setOnMouseExited(e -> hover(-1));
        figure.setTitle("Token strip");
    }

    FigureCanvas canvas() {
        return canvas;
    }

    TokenStripFigure figure() {
        return figure;
    }

    /** A new text: one cell per token, all at probability 0. */
    void setTarget(FitTarget t) {
        targetPieces = new String[t == null ? 0 : t.length()];
        for (int i = 0; i < targetPieces.length; i++) {
            targetPieces[i] = TokenText.clean(t.pieces()[i]);
        }
        figure.setTokens(targetPieces);
        goal = new float[targetPieces.length];
        shown = new float[targetPieces.length];
        live = null;
        figure.setState(shown, null, null, "");
        canvas.repaint();
    }

    /** The latest state to glide toward. */
    void show(FitFrames.Live l) {
        if (l.prob().length != shown.length) {
            return;
        }
        live = l;
        goal = l.prob().clone();
        figure.setState(shown, l.written(), l.correct(), l.caption());
        dirty = true;
        if (hovered >= 0) {
            hover(hovered);
        }
    }

    /** One frame of easing; returns whether the colours are still moving. */
    boolean tick(long now) {
        double dt = lastNanos == 0 ? 1.0 / 60 : Math.min(0.25, (now - lastNanos) / 1e9);
        lastNanos = now;
        double k = 1 - Math.exp(-dt / TAU_SECONDS);
        boolean moving = false;
        for (int i = 0; i < shown.length; i++) {
            float d = goal[i] - shown[i];
            if (Math.abs(d) > 0.002f) {
                shown[i] += (float) (d * k);
                moving = true;
            } else {
                shown[i] = goal[i];
            }
        }
        if (moving || dirty) {
            canvas.repaint();
            dirty = false;
        }
        if (!moving) {
            lastNanos = 0;
        }
        return moving;
    }

    private void hover(int cell) {
        hovered = cell;
        if (cell < 0 || cell >= targetPieces.length) {
            Tooltip.uninstall(canvas.canvas(), tip);
            return;
        }
        tip.setText(describe(cell));
        Tooltip.install(canvas.canvas(), tip);
    }

    private String describe(int i) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "token %d of %d: \"%s\"%n", i + 1, targetPieces.length, targetPieces[i]));
        if (live != null) {
            b.append(String.format(Locale.ROOT, "P(correct token) = %.3f%n", live.prob()[i]));
            String w = live.written() != null ? live.written()[i] : null;
            if (w != null) {
                b.append(live.correct()[i] ? "the model writes it ✓" : "the model writes \"" + w + "\" instead");
                b.append('\n');
            }
        }
        Decoded alt = alternatives.get();
        if (alt != null && alt.alternatives() != null && i < alt.alternatives().length) {
            b.append(String.format(Locale.ROOT, "top %d:", alt.alternatives()[i].length));
            for (Decoded.Alternative a : alt.alternatives()[i]) {
                b.append(String.format(Locale.ROOT, "%n   %-14s %.3f", "\"" + TokenText.clean(a.piece()) + "\"", a.prob()));
            }
        } else {
            b.append("top-k alternatives appear with the first checkpoint (every few seconds)");
        }
        return b.toString();
    }
}
