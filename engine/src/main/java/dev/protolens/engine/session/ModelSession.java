package dev.protolens.engine.session;

import dev.protolens.engine.analysis.BezierLearner;
import dev.protolens.engine.analysis.BezierSpec;
import dev.protolens.engine.analysis.Interpolation;
import dev.protolens.engine.analysis.LearnedPath;
import dev.protolens.engine.analysis.PathMonitor;
import dev.protolens.engine.analysis.PathProgress;
import dev.protolens.engine.analysis.PathSpace;
import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitProgress;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitState;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.runtime.EngineRuntime;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One loaded model and the single worker thread that does all work on it. Everything (fits, decodes,
 * interpolation curves, learned paths) is submitted here: one thread keeps DJL's one-gradient-collector rule and
 * libtorch's per-thread grad mode simple, and a decode asked for while a fit runs is served between two
 * of the fit's steps instead of waiting for the fit to end.
 */
public final class ModelSession implements AutoCloseable {
    private final ExecutorService worker;
    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final LoadedModel model;
    private final Fitter fitter;
    private volatile FitTask running;
    private volatile PathTask learning;

    private ModelSession(ExecutorService worker, LoadedModel model) {
        this.worker = worker;
        this.model = model;
        this.fitter = new Fitter(model);
    }

    /** Loads a model on a new worker thread; {@code progress} gets status lines while it loads. */
    public static CompletableFuture<ModelSession> open(Path path, Consumer<String> progress) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                // libtorch's grad mode is per native thread; this thread only computes gradients inside fits
                EngineRuntime.setGradMode(false);
                r.run();
            }, "model-worker-" + path.getFileName());
            t.setDaemon(true);
            return t;
        });
        return CompletableFuture.supplyAsync(() -> {
            LoadedModel m = ModelLoader.load(path, EngineRuntime.get(), progress);
            return new ModelSession(worker, m);
        }, worker).whenComplete((s, e) -> {
            if (e != null) {
                worker.shutdown();
            }
        });
    }

    /** Wraps an already loaded model (tests, CLI). */
    public static ModelSession of(LoadedModel m) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                EngineRuntime.setGradMode(false);
                r.run();
            }, "model-worker-" + m.name());
            t.setDaemon(true);
            return t;
        });
        return new ModelSession(worker, m);
    }

    public LoadedModel model() {
        return model;
    }

    public Fitter fitter() {
        return fitter;
    }

    /** Runs work on the model's thread; if a fit is running, between two of its steps. */
    public <T> CompletableFuture<T> submit(Function<LoadedModel, T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        pending.add(() -> {
            if (f.isDone()) {
                return; // cancelled while waiting: a newer request superseded it
            }
            try {
                f.complete(work.apply(model));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        worker.execute(this::drain);
        return f;
    }

    private void drain() {
        // only what was queued when the drain began: work that queues its own next piece (the slider's grid, one
        // batch after another) gets one turn between two fit steps instead of holding the fit until it is done;
        // each submit also queues a drain of its own, so nothing is left behind when no fit runs
        for (int n = pending.size(); n > 0; n--) {
            Runnable r = pending.poll();
            if (r == null) {
                return;
            }
            r.run();
        }
    }

    /** A running fit: its result, and a way to stop it. */
    public record FitTask(CompletableFuture<FitResult> result, FitMonitor monitor) {
        /** Stops before the next step; the result then holds the best vectors so far. */
        public void cancel() {
            monitor.cancel();
        }
    }

    /**
     * Starts a fit on the worker.
     *
     * @param progress   snapshots every {@code every} steps, on their own thread (never slows the fit)
     * @param checkpoint gets the full state every {@code checkpointMillis} (null for none)
     */
    public FitTask fit(FitRequest request, Consumer<FitProgress> progress, int every, Consumer<FitState> checkpoint,
                       long checkpointMillis) {
        FitMonitor monitor = new FitMonitor(progress, every).betweenSteps(this::drain);
        if (checkpoint != null) {
            monitor.onCheckpoint(checkpoint, checkpointMillis);
        }
        CompletableFuture<FitResult> f = new CompletableFuture<>();
        FitTask task = new FitTask(f, monitor);
        running = task;
        worker.execute(() -> {
            try {
                f.complete(fitter.fit(request, monitor));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            } finally {
                running = null;
            }
        });
        return task;
    }

    /** A Bézier path being learned: its result, and a way to stop it. */
    public record PathTask(CompletableFuture<LearnedPath> result, PathMonitor monitor) {
        /** Stops before the next update; the result then holds the best control point so far. */
        public void cancel() {
            monitor.cancel();
        }
    }

    /**
     * Starts learning the control point of a Bézier path between two solutions of one text, on the worker
     * (decodes submitted meanwhile are served between its updates, as during a fit).
     *
     * @param progress snapshots every {@code every} updates, on their own thread (null for none)
     */
    public PathTask learnPath(Interpolation ends, PathSpace space, BezierSpec spec, Consumer<PathProgress> progress,
                              int every) {
        PathMonitor monitor = new PathMonitor(progress, every).betweenSteps(this::drain);
        CompletableFuture<LearnedPath> f = new CompletableFuture<>();
        PathTask task = new PathTask(f, monitor);
        learning = task;
        worker.execute(() -> {
            try {
                f.complete(new BezierLearner(model).learn(ends, space, spec, monitor));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            } finally {
                learning = null;
            }
        });
        return task;
    }

    public boolean isFitting() {
        return running != null;
    }

    /** Stops a running fit or path, waits for the worker (a few seconds at most) and frees the model. */
    @Override
    public void close() {
        FitTask t = running;
        if (t != null) {
            t.cancel();
        }
        PathTask p = learning;
        if (p != null) {
            p.cancel();
        }
        worker.shutdown();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        model.close();
    }
}
