package dev.protolens.app.ui;

import java.util.concurrent.atomic.AtomicBoolean;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.beans.value.ObservableValue;
import javafx.scene.Node;

/**
 * Paints a view at most once per frame, and only while something changes and the view is on screen.
 * Producers on any thread call {@link #wake()} after putting their latest value somewhere the frame can read
 * it (an {@code AtomicReference}, latest wins): however fast they produce, the FX thread paints once per
 * pulse. The timer stops when the frame reports it has settled, and whenever the node leaves the screen —
 * a running {@link AnimationTimer} is a GC root and costs a pulse every 16 ms even when nothing moves.
 */
public final class FrameLoop {
    /** One frame's work; returns true while it needs more frames (an animation still moving). */
    @FunctionalInterface
    public interface Frame {
        boolean tick(long nowNanos);
    }

    private final Frame frame;
    private final ObservableValue<Boolean> showing;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private volatile boolean dirty;
    private boolean running;
    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            dirty = false;
            boolean more = frame.tick(now);
            if (!more && !dirty) {
                stopTimer();
            }
        }
    };

    public FrameLoop(Node owner, Frame frame) {
        this.frame = frame;
        this.showing = owner.sceneProperty()
                .flatMap(s -> s.windowProperty())
                .flatMap(w -> w.showingProperty())
                .orElse(false);
        // while the node is off screen its loop sleeps; coming back paints what arrived meanwhile
        showing.addListener((o, was, now) -> {
            if (now) {
                dirty = true;
                startTimer();
            } else {
                stopTimer();
            }
        });
    }

    /** Asks for a frame; safe from any thread, cheap to call for every produced value. */
    public void wake() {
        dirty = true;
        if (Platform.isFxApplicationThread()) {
            startTimer();
        } else if (wakeQueued.compareAndSet(false, true)) {
            Platform.runLater(() -> {
                wakeQueued.set(false);
                startTimer();
            });
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void startTimer() {
        if (!running && Boolean.TRUE.equals(showing.getValue())) {
            running = true;
            timer.start();
        }
    }

    private void stopTimer() {
        if (running) {
            running = false;
            timer.stop();
        }
    }
}
