package dev.protolens.app.atlas;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.Host;
import dev.protolens.app.ui.LatestWins;
import dev.protolens.engine.analysis.Locality;
import dev.protolens.engine.analysis.RunSpace;
import dev.protolens.engine.analysis.Tsne;
import dev.protolens.engine.analysis.VectorKind;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.work.LibraryProjection;
import dev.protolens.engine.work.LibraryProjection.Frame;
import dev.protolens.engine.work.LibraryProjection.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The Atlas's map as requests: each asks the engine for a {@link LibraryProjection} on this screen's own thread
 * ({@code atlas-map}), and a newer request (another method, a third click) supersedes the running one
 * ({@link LatestWins}): its t-SNE stops and nothing it computes reaches the screen. A t-SNE hands its states
 * over as it runs; each is parked for the view's frame loop ({@link #takeFrame()}), latest wins, so the map
 * animates at most once per frame. Properties change on the UI thread only.
 */
public final class AtlasMap {
    static final int TSNE_EVERY = 5;

    private final Host host;
    private final Consumer<String> problem;
    private final LatestWins<Frame> maps;
    private final ReadOnlyBooleanWrapper tsneRunning = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<Locality> locality = new ReadOnlyObjectWrapper<>();
    private final AtomicReference<Frame> pendingFrame = new AtomicReference<>();
    private final ExecutorService compute = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "atlas-map");
        t.setDaemon(true);
        return t;
    });
    private volatile LibraryProjection current;
    private volatile Runnable wake = () -> { };

    /** @param problem shows why a map could not be made (too few runs for t-SNE, a damaged run) */
    AtlasMap(Host host, Consumer<String> problem) {
        this.host = host;
        this.problem = problem;
        this.maps = new LatestWins<>(host, 0);
    }

    public ReadOnlyBooleanProperty tsneRunningProperty() {
        return tsneRunning.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Locality> localityProperty() {
        return locality.getReadOnlyProperty();
    }

    public void setWake(Runnable r) {
        wake = r;
    }

    /** The newest map state since the last call, or null; the frame loop calls this once per frame. */
    public Frame takeFrame() {
        return pendingFrame.getAndSet(null);
    }

    void pause(boolean pause) {
        LibraryProjection p = current;
        if (p != null) {
            p.pause(pause);
        }
    }

    /** An empty map (no model chosen); whatever was running stops. */
    void clear() {
        stopCurrent();
        maps.cancel();
        locality.set(null);
        tsneRunning.set(false);
        publish(Frame.empty(List.of()));
    }

    /**
     * Asks for the map of {@code sp} (and its distance distributions), with its unfinished fits and the paths
     * between {@code pair}.
     */
    void request(RunLibrary lib, RunSpace sp, List<Run> checkpoints, VectorKind k, Method m, List<Run> pair) {
        stopCurrent();
        tsneRunning.set(m == Method.TSNE);
        maps.request(() -> {
            CompletableFuture<Frame> f = new CompletableFuture<>();
            compute.execute(() -> {
                if (f.isDone()) {
                    return; // superseded while queued
                }
                try {
                    var paths = pair.isEmpty() ? List.<LibraryProjection.Path>of()
                            : LibraryProjection.paths(lib, pair.get(0), pair.get(1), k);
                    LibraryProjection p = LibraryProjection.of(sp, k, m, paths, Tsne.Options.defaults())
                            .withCheckpoints(checkpoints);
                    current = p;
                    f.whenComplete((r, e) -> p.cancel()); // a superseded request stops its t-SNE
                    Locality loc = p.locality();
                    host.fx(() -> {
                        if (current == p) {
                            locality.set(loc);
                        }
                    });
                    f.complete(p.run(frame -> {
                        if (!f.isDone()) {
                            publish(frame);
                        }
                    }, TSNE_EVERY));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            return f;
        }, frame -> {
            tsneRunning.set(false);
            publish(frame);
        }, e -> {
            tsneRunning.set(false);
            problem.accept(Dialogs.describe(e));
            publish(Frame.empty(sp.runs()));
        });
    }

    /** Whether a map is being computed (waiting, running or moving). */
    boolean busy() {
        return maps.busy();
    }

    private void stopCurrent() {
        LibraryProjection old = current;
        current = null;
        if (old != null) {
            old.cancel();
        }
    }

    private void publish(Frame f) {
        pendingFrame.set(f);
        wake.run();
    }

    /** Stops the map's computation (the window is closing). */
    void close() {
        maps.cancel();
        stopCurrent();
        compute.shutdownNow();
    }
}
