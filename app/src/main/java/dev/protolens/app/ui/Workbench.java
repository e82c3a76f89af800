package dev.protolens.app.ui;

import dev.protolens.engine.UserError;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the whole window shares: the open model (one {@link ModelSession}), the run library, the settings,
 * the screen shown, and the one long task the status bar reports. Views read these properties; only the FX
 * thread writes them. Long work (loading, saving) runs on the model's worker or on {@link #io()}.
 */
public final class Workbench {
    private static final Logger LOG = LoggerFactory.getLogger(Workbench.class);

    private final ReadOnlyObjectWrapper<ModelSession> session = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Path> loading = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<RunningTask> task = new ReadOnlyObjectWrapper<>();
    private final ObjectProperty<Screen> screen = new SimpleObjectProperty<>(Screen.FIT);
    // after shutdown, late background completions find the queue closed and their writes are dropped quietly
    private final ExecutorService io = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0L,
            java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "protolens-io");
                t.setDaemon(true);
                return t;
            }, (r, pool) -> LOG.debug("the window is closed; dropped a late background task"));
    private final java.util.concurrent.ScheduledExecutorService clock =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "protolens-clock");
                t.setDaemon(true);
                return t;
            });
    private final RunLibrary library;
    private final Theme.Choice theme;
    private AppSettings settings;
    private Window window;
    private Consumer<Path> textFileHandler = p -> { };
    private Runnable modelPicker = () -> { };
    private Consumer<Path> modelOpened = p -> { };
    private final java.util.List<Runnable> libraryListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Consumer<String> documentOpener = uri -> { };

    private final Host host;
    private final Messages messages = new Messages();

    public Workbench(Host host, AppSettings settings, RunLibrary library) {
        this.host = host;
        this.settings = settings;
        this.library = library;
        this.theme = new Theme.Choice(Theme.parse(settings.theme()));
        theme.themeProperty().addListener((o, was, now) -> updateSettings(s -> s.withTheme(now.settingsName())));
    }

    public ReadOnlyObjectProperty<ModelSession> sessionProperty() {
        return session.getReadOnlyProperty();
    }

    public ModelSession session() {
        return session.get();
    }

    /** The model being loaded right now, or null. */
    public ReadOnlyObjectProperty<Path> loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RunningTask> taskProperty() {
        return task.getReadOnlyProperty();
    }

    public ObjectProperty<Screen> screenProperty() {
        return screen;
    }

    /** Short news for the status bar and its log (FX thread). */
    public Messages messages() {
        return messages;
    }

    /** The desktop (UI thread, dialogs, clipboard) the view models talk to. */
    public Host host() {
        return host;
    }

    /** Whether a fit runs on the open model (from any screen); the model cannot be changed meanwhile. */
    public boolean isFitting() {
        ModelSession s = session.get();
        return s != null && s.isFitting();
    }

    public RunLibrary library() {
        return library;
    }

    public Theme.Choice theme() {
        return theme;
    }

    public AppSettings settings() {
        return settings;
    }

    /** Changes the settings and writes them in the background. */
    public void updateSettings(UnaryOperator<AppSettings> change) {
        settings = change.apply(settings);
        AppSettings snapshot = settings;
        io.execute(snapshot::save);
    }

    /**
     * Runs {@code onFx} on the FX thread every {@code millis} until the returned handle is cancelled. Unlike a
     * Timeline this does not keep JavaFX pulsing 60 times a second in between, which an idle window should not.
     */
    public java.util.concurrent.ScheduledFuture<?> every(long millis, Runnable onFx) {
        java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
        return clock.scheduleAtFixedRate(() -> {
            if (queued.compareAndSet(false, true)) {
                host.fx(() -> {
                    queued.set(false);
                    onFx.run();
                });
            }
        }, millis, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Background file work (saves, exports) in submission order, off the FX thread. */
    public ExecutorService io() {
        return io;
    }

    public Window window() {
        return window;
    }

    public void setWindow(Window w) {
        this.window = w;
    }

    /** Shows a task in the status bar until {@link #endTask}. */
    public void beginTask(RunningTask t) {
        task.set(t);
    }

    public void endTask(RunningTask t) {
        if (task.get() == t) {
            task.set(null);
        }
    }

    /**
     * Loads a model in the background (status bar shows the steps) and makes it the open model; the previous
     * one is closed afterwards. Errors come back through the future and are shown in a dialog (for a file dropped
     * on the window, the last model at start).
     */
    public CompletableFuture<ModelSession> openModel(Path path) {
        CompletableFuture<ModelSession> done = loadModel(path);
        done.whenComplete((s, e) -> {
            if (e != null) {
                host.fx(() -> host.error(isFitting() ? "Cannot change the model now" : "Could not open the model", e));
            }
        });
        return done;
    }

    /**
     * {@link #openModel} without the error dialog: the failure (a {@link UserError} in words) comes back through the
     * future only, completed on the FX thread, for a caller that shows it where the user chose the model (the
     * picker keeps it beside the path).
     */
    public CompletableFuture<ModelSession> loadModel(Path path) {
        if (isFitting()) {
            return CompletableFuture.failedFuture(new UserError("A fit is running on " + session.get().model().name()
                    + ". Stop it (Esc) before opening another model."));
        }
        if (loading.get() != null) {
            CompletableFuture<ModelSession> f = new CompletableFuture<>();
            f.completeExceptionally(new UserError("Still loading " + loading.get().getFileName()
                    + "; wait until it is open."));
            return f;
        }
        Path p = path.toAbsolutePath().normalize();
        RunningTask t = new RunningTask("Loading " + dev.protolens.engine.hub.LocalModel.displayName(p),
                null);
        t.update(-1, "starting the compute engine (the first start unpacks PyTorch, about 10 s)");
        loading.set(p);
        beginTask(t);
        CompletableFuture<ModelSession> opened;
        if (!Files.exists(p)) {
            opened = CompletableFuture.failedFuture(new UserError(p + " does not exist. Pick a model folder"
                    + " (with config.json, *.safetensors and tokenizer.json) or a .gguf file."));
        } else {
            opened = ModelSession.open(p, msg -> t.update(-1, msg));
        }
        CompletableFuture<ModelSession> done = new CompletableFuture<>();
        opened.whenComplete((s, e) -> host.fx(() -> {
            loading.set(null);
            endTask(t);
            if (e != null) {
                done.completeExceptionally(Dialogs.unwrap(e));
                return;
            }
            ModelSession old = session.get();
            session.set(s);
            if (old != null) {
                io.execute(old::close);
            }
            io.execute(() -> modelOpened.accept(p));
            updateSettings(x -> x.withLastModel(p.toString()));
            done.complete(s);
        }));
        return done;
    }

    /** What else happens when a model has opened, on the I/O thread (the app puts it on the recent list). */
    public void onModelOpened(Consumer<Path> c) {
        modelOpened = c;
    }

    /** Where a dropped or opened text file goes (the Fit view sets this). */
    public void setTextFileHandler(Consumer<Path> h) {
        this.textFileHandler = h;
    }

    public void openTextFile(Path p) {
        screen.set(Screen.FIT);
        textFileHandler.accept(p);
    }

    public void setModelPicker(Runnable r) {
        this.modelPicker = r;
    }

    /** Shows the model picker (Ctrl+O). */
    public void showModelPicker() {
        modelPicker.run();
    }

    /** Called (on the FX thread) after anything wrote to the library, so views can refresh when shown. */
    public void onLibraryChanged(Runnable r) {
        libraryListeners.add(r);
    }

    /**
     * Runs {@code refresh} on the FX thread each time {@code view} is shown (put in a scene), and whenever the library
     * changes while it is shown: how a screen keeps its list of runs current without reading the library while hidden.
     */
    public void refreshWhileShown(javafx.scene.Node view, Runnable refresh) {
        view.sceneProperty().addListener((o, was, now) -> {
            if (now != null) {
                refresh.run();
            }
        });
        onLibraryChanged(() -> {
            if (view.getScene() != null) {
                refresh.run();
            }
        });
    }

    public void libraryChanged() {
        host.fx(() -> libraryListeners.forEach(Runnable::run));
    }

    /** How "Show folder" reaches the desktop (the app's HostServices). */
    public void setDocumentOpener(Consumer<String> opener) {
        this.documentOpener = opener;
    }

    public void showDocument(String uri) {
        documentOpener.accept(uri);
    }

    /** Closes the model and waits for pending writes (window closing). */
    public void shutdown() {
        ModelSession s = session.get();
        clock.shutdownNow();
        io.shutdown();
        try {
            io.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the model failed: {}", e.getMessage());
            }
        }
    }
}
