package dev.protolens.engine.work;

import dev.protolens.engine.analysis.BezierPath;
import dev.protolens.engine.analysis.Interpolation;
import dev.protolens.engine.analysis.PathCurve;
import dev.protolens.engine.analysis.PathGrid;
import dev.protolens.engine.analysis.PathPoint;
import dev.protolens.engine.session.ModelSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The slider along a path, so that it never waits on the model. Each path shown (the straight line, the learned
 * Bézier path) gets a {@link PathGrid} that the model's worker decodes in the background, one batch at a time
 * (coarse first, nearest the thumb first; the shown path before the others). Moving the thumb shows the nearest
 * decoded grid point at once, with no model work; when the thumb rests (not dragged), the exact τ is decoded
 * and replaces it. A newer position cancels an exact decode the worker has not started.
 *
 * <p>Everything to show is parked in one slot ({@link #take}); a newer position always wins over an older one,
 * and nothing of a path that is no longer shown is ever taken. Call {@link #show}, {@link #moveTo} and
 * {@link #close} from one thread (the UI's); the rest is safe from any thread.
 */
public final class PathSlider implements AutoCloseable {
    /** Aim for a batch to take about this long, so an exact decode asked for meanwhile waits at most that. */
    static final double BATCH_MILLIS = 100;
    static final int MAX_BATCH = 32;
    /** The first batch: the end nearest the thumb, so a text shows after one point's decode. */
    static final int FIRST_BATCH = 1;

    /** The model's worker: runs work in order; a future cancelled before its work starts skips it. */
    public interface Worker {
        CompletableFuture<Void> submit(Runnable work);
    }

    /** Decodes points of a path (on the worker): their texts, and accuracy where the ends share a text. */
    public interface Decoder {
        List<PathPoint> decode(BezierPath path, double[] taus);
    }

    /**
     * What the slider shows.
     *
     * @param tau            the thumb's τ when it was asked for
     * @param point          the decoded point shown: at {@code tau} when {@code exact}, else the nearest on the grid
     * @param decoded        grid points decoded when it was chosen (of {@code gridSize})
     * @param requestedNanos when the thumb moved there ({@link System#nanoTime()})
     */
    public record Shown(long seq, double tau, BezierPath path, PathPoint point, boolean exact, int decoded,
                        int gridSize, long requestedNanos) {}

    private final Worker worker;
    private final Decoder decoder;
    private final int gridPoints;
    private final Runnable onChange;
    private final AtomicReference<Shown> latest = new AtomicReference<>();
    private final List<PathGrid> grids = new ArrayList<>(); // the shown path's first
    private volatile Consumer<Throwable> onError = e -> { };
    private volatile double thumb;
    private volatile double millisPerPoint = Double.NaN;
    private volatile int batches;
    private BezierPath current;
    private long seq;
    private long lastMove;
    private long movedNanos;
    private long shownSeq = -1;
    private Shown parked;
    private CompletableFuture<Void> exact;
    private CompletableFuture<Void> batch;
    private boolean closed;

    /**
     * @param onChange called from any thread whenever something new is parked or a grid grew (wake the view)
     */
    public PathSlider(Worker worker, Decoder decoder, int gridPoints, Runnable onChange) {
        this.worker = worker;
        this.decoder = decoder;
        this.gridPoints = gridPoints;
        this.onChange = onChange;
    }

    /** On a session's worker, decoding between the given ends. */
    public static PathSlider on(ModelSession session, Interpolation ends, Runnable onChange) {
        return new PathSlider(r -> session.<Void>submit(m -> {
            r.run();
            return null;
        }), (path, taus) -> ends.textsAt(session.model(), path, taus), PathGrid.SLIDER_POINTS, onChange);
    }

    /** Where a failed decode goes (any thread); the slider stops refining the grid that failed. */
    public void setOnError(Consumer<Throwable> c) {
        onError = c;
    }

    /**
     * Shows {@code path} and refines {@code others} after it (null entries are ignored). Grids of paths no longer
     * listed are dropped (a waiting batch picks its grid when it starts); a path listed again keeps its grid.
     */
    public synchronized void show(BezierPath path, BezierPath... others) {
        List<PathGrid> next = new ArrayList<>();
        next.add(gridOf(path));
        for (BezierPath p : others) {
            if (p != null && p != path) {
                next.add(gridOf(p));
            }
        }
        grids.clear();
        grids.addAll(next);
        current = path;
        if (exact != null) {
            exact.cancel(false);
        }
        // a waiting batch is kept: it chooses its grid when it starts (one that runs finishes)
        parkNearest(false);
        pump();
    }

    private PathGrid gridOf(BezierPath p) {
        for (PathGrid g : grids) {
            if (g.path() == p) {
                return g;
            }
        }
        return new PathGrid(p, gridPoints);
    }

    /**
     * The thumb moved to τ: parks the nearest decoded point at once (and returns it, null while the grid is
     * empty). Unless {@code dragging}, the exact τ is decoded next, when the grid does not hold it already.
     */
    public synchronized Shown moveTo(double tau, boolean dragging) {
        thumb = tau;
        movedNanos = System.nanoTime();
        lastMove = ++seq;
        if (exact != null) {
            exact.cancel(false);
        }
        Shown s = parkNearest(true);
        if (current != null && (s == null || !s.exact()) && (!dragging || s == null)) {
            requestExact(tau);
        }
        return s;
    }

    /** The path shown, or null before {@link #show}. */
    public synchronized BezierPath current() {
        return current;
    }

    private Shown parkNearest(boolean always) {
        PathGrid g = grids.isEmpty() ? null : grids.getFirst();
        PathPoint p = g == null ? null : g.nearest(thumb);
        if (p == null) {
            return null;
        }
        Shown s = new Shown(always ? lastMove : ++seq, thumb, g.path(), p, p.tau() == thumb, g.decodedCount(),
                g.size(), movedNanos);
        park(s);
        return s;
    }

    private void requestExact(double tau) {
        long asked = lastMove;
        BezierPath path = current;
        long requested = movedNanos;
        CompletableFuture<Void> f = worker.submit(() -> {
            synchronized (this) {
                PathPoint have = grids.isEmpty() ? null : grids.getFirst().nearest(tau);
                if (have != null && have.tau() == tau && path == current) {
                    return; // a batch that ran meanwhile decoded this very τ, and it was shown
                }
            }
            PathPoint p = decoder.decode(path, new double[] {tau}).getFirst();
            synchronized (this) {
                if (asked == lastMove && path == current) {
                    park(new Shown(++seq, tau, path, p, true, grids.getFirst().decodedCount(), gridPoints, requested));
                }
            }
        });
        exact = f;
        f.whenComplete((v, e) -> failed(e));
    }

    private void park(Shown s) {
        parked = s;
        latest.accumulateAndGet(s, (old, now) -> old == null || now.seq() > old.seq() ? now : old);
        onChange.run();
    }

    /** The newest thing to show that was not taken yet, or null. Never one of a path no longer shown. */
    public synchronized Shown take() {
        Shown s = latest.getAndSet(null);
        if (s == null || s.seq() <= shownSeq || s.path() != current) {
            return null;
        }
        shownSeq = s.seq();
        return s;
    }

    /** The decoded points of one of the paths refined, in τ order (empty for a path not shown). */
    public synchronized PathCurve curve(BezierPath path) {
        for (PathGrid g : grids) {
            if (g.path() == path) {
                return g.curve();
            }
        }
        return new PathCurve(path, List.of());
    }

    /** Whether every listed path's grid is decoded. */
    public synchronized boolean complete() {
        return grids.stream().allMatch(PathGrid::complete);
    }

    /** Grid points decoded along the shown path. */
    public synchronized int decodedCount() {
        return grids.isEmpty() ? 0 : grids.getFirst().decodedCount();
    }

    /**
     * Starts the next batch unless one runs. The batch chooses its points when the worker starts it, not before,
     * so they follow the thumb where it is then: the first listed grid that has points left.
     */
    private void pump() {
        if (closed || (batch != null && !batch.isDone()) || grids.stream().noneMatch(PathGrid::claimable)) {
            return;
        }
        PathGrid[] took = new PathGrid[1];
        CompletableFuture<Void> f = worker.submit(() -> {
            int[] idx = {};
            PathGrid g = null;
            synchronized (this) {
                int size = Double.isNaN(millisPerPoint) ? FIRST_BATCH
                        : (int) Math.max(1, Math.min(MAX_BATCH, Math.round(BATCH_MILLIS / millisPerPoint)));
                for (PathGrid c : grids) {
                    idx = c.claim(thumb, size);
                    if (idx.length > 0) {
                        g = c;
                        break;
                    }
                }
                took[0] = g;
            }
            if (g == null) {
                return;
            }
            try {
                long t0 = System.nanoTime();
                List<PathPoint> pts = decoder.decode(g.path(), g.taus(idx));
                millisPerPoint = (System.nanoTime() - t0) / 1e6 / idx.length;
                g.fill(idx, pts);
                batches++;
            } catch (RuntimeException e) {
                g.release(idx);
                throw e;
            }
        });
        batch = f;
        f.whenComplete((v, e) -> {
            synchronized (this) {
                failed(e);
                if (e != null && !(e instanceof CancellationException)) {
                    return; // a failing grid is not retried forever
                }
                PathGrid g = took[0];
                if (g != null && !grids.isEmpty() && g == grids.getFirst()) {
                    improveShown(g);
                }
                onChange.run();
                pump();
            }
        });
    }

    /** After a batch: a thumb that rests on an approximate point gets a nearer one, if the batch brought it. */
    private void improveShown(PathGrid g) {
        PathPoint p = g.nearest(thumb);
        Shown last = parked;
        if (p == null || (last != null && last.path() == g.path() && (last.point() == p
                || (last.exact() && last.tau() == thumb)))) {
            return;
        }
        parkNearest(false);
    }

    private void failed(Throwable e) {
        if (e != null && !(e instanceof CancellationException)) {
            onError.accept(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e);
        }
    }

    /** How many batches were decoded so far: a change means the curves grew. */
    public int batchesDecoded() {
        return batches;
    }

    /** Milliseconds per decoded point in the last batch (NaN before one finished). */
    public double millisPerPoint() {
        return millisPerPoint;
    }

    /** Stops refining; what was decoded stays readable. */
    @Override
    public synchronized void close() {
        closed = true;
        if (exact != null) {
            exact.cancel(false);
        }
        if (batch != null) {
            batch.cancel(false);
        }
        grids.clear();
        current = null;
    }
}
