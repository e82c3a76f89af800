package dev.protolens.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.models.ModelCandidates;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A {@link Workbench} without a window, for view-model unit tests: its UI thread is one plain thread, its
 * dialogs are recorded instead of shown, its clipboard is a field, and its model is a tiny random one that the
 * test generates (no {@code ../shared}, no JavaFX toolkit).
 */
public final class HeadlessBench implements Host, AutoCloseable {
    /** A dialog the view model would have shown. */
    public record Shown(String title, String message) {}

    private final ExecutorService ui = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "headless-ui");
        t.setDaemon(true);
        return t;
    });
    public final List<Shown> errors = new CopyOnWriteArrayList<>();
    public volatile String clipboard;
    public volatile boolean confirmAnswer = true;
    public final Path dir;
    public final RunLibrary library;
    public final Workbench wb;

    public HeadlessBench(Path dir) {
        this.dir = dir;
        this.library = new RunLibrary(dir.resolve("library"));
        this.wb = new Workbench(this, AppSettings.defaults(), library);
    }

    /** Generates a tiny random llama and opens it as the window would; returns its session. */
    public ModelSession openTinyModel(long seed) {
        return openTinyModel(seed, "llama");
    }

    /** The same with another of {@link TinyModels}' variants (another shape: another model identity). */
    public ModelSession openTinyModel(long seed, String variant) {
        Path model = TinyModels.write(dir.resolve("model-" + variant + "-" + seed), variant, seed);
        ModelSession s = onUi(() -> wb.openModel(model)).join();
        waitFor("the model is open", () -> wb.session() == s);
        return s;
    }

    /** Runs {@code c} on the UI thread and returns its value. */
    public <T> T onUi(Callable<T> c) {
        try {
            Future<T> f = ui.submit(c);
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("on the UI thread: " + e, e);
        }
    }

    public void onUi(Runnable r) {
        onUi(() -> {
            r.run();
            return null;
        });
    }

    /** Polls {@code condition} on the UI thread until it holds (the UI queue is drained between polls). */
    public void waitFor(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!onUi(condition::getAsBoolean)) {
            assertThat(System.nanoTime()).as("waiting for " + what + "; dialogs: " + errors).isLessThan(end);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void fx(Runnable r) {
        ui.execute(r);
    }

    @Override
    public void error(String title, Throwable problem) {
        errors.add(new Shown(title, Dialogs.describe(problem)));
    }

    @Override
    public void error(String title, String message) {
        errors.add(new Shown(title, message));
    }

    @Override
    public boolean confirm(String title, String message, String yes) {
        return confirmAnswer;
    }

    @Override
    public void copy(String text) {
        clipboard = text;
    }

    @Override
    public void close() {
        wb.shutdown(); // closes the model too
        ui.shutdownNow();
    }
}
