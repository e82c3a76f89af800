package dev.protolens.app;

import dev.protolens.app.ui.Workbench;
import dev.protolens.app.ui.Screen;
import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.FxHost;
import dev.protolens.app.ui.AppIcon;
import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.models.ModelCandidates;
import dev.protolens.app.models.ModelDownloads;
import dev.protolens.app.models.ModelPicker;
import dev.protolens.app.atlas.AtlasView;
import dev.protolens.app.atlas.AtlasViewModel;
import dev.protolens.app.fit.FitView;
import dev.protolens.app.inside.InsideView;
import dev.protolens.app.experiments.ExperimentsView;
import dev.protolens.app.experiments.ExperimentsViewModel;
import dev.protolens.app.inside.InsideViewModel;
import dev.protolens.app.interpolate.InterpolateView;
import dev.protolens.app.interpolate.InterpolateViewModel;
import dev.protolens.app.fit.FitViewModel;
import dev.protolens.app.library.LibraryView;
import dev.protolens.app.library.LibraryViewModel;
import dev.protolens.app.gpu.GpuDialogs;
import dev.protolens.app.gpu.GpuViewModel;
import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/** The desktop window: builds the workbench and the screens, restores the window, routes shortcuts. */
public final class ProtoLensApp extends Application {
    private static final double DEFAULT_W = 1280;
    private static final double DEFAULT_H = 820;

    private Workbench wb;
    private FitViewModel fit;
    private AtlasViewModel atlas;
    private GpuViewModel gpu;
    private Stage stage;
    private ModelDownloads downloads;
    private boolean closing;

    /** The window's shared state (open model, library); for tests and benchmarks that drive the real window. */
    public Workbench workbench() {
        return wb;
    }

    // held for the app's life: java.util.logging keeps only weak references to loggers, and a collected logger
    // would forget the filter set below
    private static final java.util.logging.Logger FX_LOG = java.util.logging.Logger.getLogger("javafx");

    public static void launchWindow(String[] args) {
        // JavaFX warns "Unsupported JavaFX configuration: classes were loaded from 'unnamed module'" whenever it is on
        // the class path. The jar and the installers ship it there on purpose (one launcher for the window and the
        // CLI, one jar of one JavaFX version); README, "Set up", says so once instead of every start. Only that one
        // message is dropped: JavaFX's other warnings keep their way to the console
        FX_LOG.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
        Application.launch(ProtoLensApp.class, args);
    }

    /** Downloads from the Hugging Face hub: made on first use, one for the window (one download at a time). */
    private ModelDownloads downloads() {
        if (downloads == null) {
            downloads = new ModelDownloads(wb);
        }
        return downloads;
    }

    @Override
    public void start(Stage stage) {
        this.stage = stage;
        dev.protolens.app.ui.EmojiFont.install();
        // built here, not in init(): the OS colour scheme can only be read on the FX thread
        wb = new Workbench(new FxHost(() -> stage), AppSettings.load(), RunLibrary.openDefault());
        ModelCandidates candidates = ModelCandidates.standard();
        wb.onModelOpened(candidates::remember);
        Map<Screen, Supplier<Node>> screens = new EnumMap<>(Screen.class);
        fit = new FitViewModel(wb);
        screens.put(Screen.FIT, () -> new FitView(wb, fit));
        LibraryViewModel library = new LibraryViewModel(wb, fit::openRun);
        screens.put(Screen.LIBRARY, () -> new LibraryView(wb, library));
        wb.setDocumentOpener(uri -> getHostServices().showDocument(uri));
        // every export says what it wrote, with the way to its folder
        dev.protolens.app.ui.SaveDialogs.onSaved(p -> wb.host().fx(() -> wb.messages().post(
                dev.protolens.app.ui.SaveDialogs.savedMessage(p), "Show in folder",
                () -> wb.showDocument((java.nio.file.Files.isDirectory(p) ? p : p.toAbsolutePath().getParent())
                        .toUri().toString()))));
        InterpolateViewModel interpolate = new InterpolateViewModel(wb);
        screens.put(Screen.INTERPOLATE, () -> new InterpolateView(wb, interpolate));
        atlas = new AtlasViewModel(wb, (a, b) -> {
            interpolate.setPair(a, b);
            wb.screenProperty().set(Screen.INTERPOLATE);
        });
        atlas.checkpoints().setOpen(run -> {
            fit.openRun(run);
            wb.screenProperty().set(Screen.FIT);
        });
        screens.put(Screen.ATLAS, () -> new AtlasView(wb, atlas));
        InsideViewModel inside = new InsideViewModel(wb);
        screens.put(Screen.INSIDE, () -> new InsideView(wb, inside));
        ExperimentsViewModel experiments = new ExperimentsViewModel(wb);
        screens.put(Screen.EXPERIMENTS, () -> new ExperimentsView(wb, experiments));
        wb.setModelPicker(() -> new ModelPicker(wb, candidates, this::downloads).show());
        MainWindow root = new MainWindow(wb, screens);
        root.setTop(AppMenu.build(stage, wb, fit, library, root));
        gpu = new GpuViewModel(wb);
        root.addNavAction("GPU", "nav-gpu", "Use an NVIDIA GPU: the GPU runtime, its check, what the next start uses",
                () -> GpuDialogs.showSettings(stage, gpu));
        offerGpuAfterFirstModel();
        AppSettings.Window w = wb.settings().window();
        // never larger than the screen: on a 1024 x 700 display the default 1280 x 820 hid the window's edges
        Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(root, Math.min(w != null ? w.width() : DEFAULT_W, screen.getWidth()),
                Math.min(w != null ? w.height() : DEFAULT_H, screen.getHeight() - 32)); // 32: a title bar
        wb.theme().applyTo(scene);
        stage.setScene(scene);
        stage.setTitle("ProtoLens");
        stage.getIcons().setAll(AppIcon.images());
        stage.setMinWidth(900);
        stage.setMinHeight(600);
        restoreBounds(stage, w);
        wb.setWindow(stage);
        stage.setOnCloseRequest(this::closing);
        installShortcuts(scene);
        stage.show();
        Platform.runLater(this::firstModel);
        mentionUnfinishedFits();
    }

    /**
     * A fit the last session did not finish (the window was killed or the machine went down mid-fit) is kept as a
     * checkpoint; say so once at start, with the way back to it: Resume opens the latest in Fit, where its Resume
     * button continues it from its optimiser state.
     */
    private void mentionUnfinishedFits() {
        java.util.concurrent.CompletableFuture.supplyAsync(() -> wb.library().list().runs().stream()
                .filter(dev.protolens.engine.store.RunRecord::isCheckpoint).toList(), wb.io()).thenAccept(cps -> {
                    if (cps.isEmpty()) {
                        return;
                    }
                    var latest = cps.stream().max(java.util.Comparator.comparing(
                            dev.protolens.engine.store.RunRecord::createdAt)).orElseThrow();
                    String text = cps.size() == 1 ? "An unfinished fit is kept as a checkpoint: " + latest.id()
                            : cps.size() + " unfinished fits are kept as checkpoints; the latest: " + latest.id();
                    wb.host().fx(() -> wb.messages().post(text, "Resume", () -> wb.io().execute(() -> {
                        var run = wb.library().load(latest.id());
                        wb.host().fx(() -> fit.openRun(run));
                    })));
                }).exceptionally(e -> null); // the library's own problems are shown by the Library screen
    }

    /**
     * Ctrl+Enter fit, Esc stop, Ctrl+S save, Ctrl+O open a model. A filter rather than accelerators: the text
     * area would otherwise take Ctrl+Enter and Esc for itself.
     */
    private void installShortcuts(Scene scene) {
        KeyCombination fitKey = new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN);
        KeyCombination saveKey = new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN);
        KeyCombination openKey = new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN);
        KeyCombination stopKey = new KeyCodeCombination(KeyCode.ESCAPE);
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (fitKey.match(e)) {
                wb.screenProperty().set(Screen.FIT);
                fit.fit();
            } else if (stopKey.match(e) && fit.isBusy()) {
                fit.stop();
            } else if (saveKey.match(e)) {
                fit.save();
            } else if (openKey.match(e)) {
                wb.showModelPicker();
            } else {
                return;
            }
            e.consume();
        });
    }

    /** Reopens the last model, or (first run, or it is gone) offers the models it can find. */
    private void firstModel() {
        String last = wb.settings().lastModel();
        if (last != null && Files.exists(Path.of(last))) {
            wb.openModel(Path.of(last));
        } else {
            wb.showModelPicker();
        }
    }

    /**
     * On a machine whose NVIDIA driver can run the GPU runtime (and where it is not installed, and the offer was not
     * answered before), offers it once the first model is open: the app has then shown it works, on the CPU.
     */
    private void offerGpuAfterFirstModel() {
        javafx.beans.value.ChangeListener<Object> once = new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<?> o, Object was, Object now) {
                if (now == null) {
                    return;
                }
                wb.sessionProperty().removeListener(this);
                gpu.shouldOffer().thenAccept(yes -> {
                    if (yes) {
                        Platform.runLater(ProtoLensApp.this::offerGpu);
                    }
                });
            }
        };
        wb.sessionProperty().addListener(once);
    }

    private void offerGpu() {
        var answer = GpuDialogs.offer(stage, gpu).showAndWait();
        if (answer.isPresent() && answer.get().getButtonData() == javafx.scene.control.ButtonBar.ButtonData.OK_DONE) {
            gpu.rememberOffer("install");
            GpuDialogs.showSettings(stage, gpu);
            gpu.install();
        } else {
            gpu.rememberOffer("later");
        }
    }

    private static void restoreBounds(Stage stage, AppSettings.Window w) {
        if (w == null) {
            stage.centerOnScreen();
            return;
        }
        // only where some screen still shows the window's title bar (a monitor may have been unplugged)
        Rectangle2D title = new Rectangle2D(w.x() + 40, w.y(), Math.max(1, w.width() - 80), 30);
        boolean visible = javafx.stage.Screen.getScreens().stream()
                .anyMatch(s -> s.getVisualBounds().intersects(title));
        if (visible) {
            stage.setX(w.x());
            stage.setY(w.y());
        } else {
            stage.centerOnScreen();
        }
        stage.setMaximized(w.maximized());
    }

    /** Closing during a fit asks first, then stops it and waits until its result is kept in the library. */
    private void closing(WindowEvent e) {
        rememberBounds();
        if (closing) {
            e.consume();
            return;
        }
        if (fit.isBusy()) {
            e.consume();
            boolean stop = Dialogs.confirm(stage, "A fit is running",
                    "Stop the fit and quit? What it found so far is kept in the library as a checkpoint, and"
                            + " you can resume it later from the Library.", "Stop and quit");
            if (!stop) {
                return;
            }
            closing = true;
            stage.getScene().getRoot().setDisable(true);
            // closing the last window ends the app (implicit exit), which closes the model in stop()
            fit.stopAndKeep().whenComplete((v, err) -> Platform.runLater(() -> {
                closing = false;
                stage.close();
            }));
        }
    }

    private void rememberBounds() {
        if (stage.isIconified()) {
            return;
        }
        AppSettings.Window old = wb.settings().window();
        AppSettings.Window now = stage.isMaximized() && old != null
                ? new AppSettings.Window(old.x(), old.y(), old.width(), old.height(), true)
                : new AppSettings.Window(stage.getX(), stage.getY(), stage.getScene().getWidth(),
                        stage.getScene().getHeight(), stage.isMaximized());
        wb.updateSettings(s -> s.withWindow(now));
    }

    @Override
    public void stop() {
        if (atlas != null) {
            atlas.close();
        }
        if (gpu != null) {
            gpu.shutdown();
        }
        if (downloads != null) {
            downloads.shutdown();
        }
        if (wb != null) {
            wb.shutdown();
        }
    }
}
