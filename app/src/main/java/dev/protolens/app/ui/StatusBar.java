package dev.protolens.app.ui;

import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.session.ModelSession;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Separator;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The bottom line of the window: the open model, the device and threads it runs on, the JVM's memory, and
 * the running task with its progress and a stop button. The task's numbers are read four times a
 * second by a plain timer (not an animation, which would keep JavaFX pulsing at 60 Hz).
 */
public final class StatusBar extends HBox {
    private static final long TASK_REFRESH_MILLIS = 250;

    private final Label model = new Label("No model");
    private final Label device = new Label();
    private final Label memory = new Label();
    private final Label taskTitle = new Label();
    private final ProgressBar taskProgress = new ProgressBar();
    private final Button cancel = new Button("Stop");
    private final HBox taskBox;
    private RunningTask shown;

    public StatusBar(Workbench wb) {
        getStyleClass().add("status-bar");
        setId("status-bar");
        model.setId("status-model");
        taskTitle.setId("status-task");
        taskProgress.setId("status-progress");
        cancel.setId("status-cancel");
        cancel.getStyleClass().add("small");
        cancel.setTooltip(new Tooltip("Stop the running task (Esc)"));
        memory.getStyleClass().add("muted");
        device.getStyleClass().add("muted");
        taskBox = new HBox(8, taskTitle, taskProgress, cancel);
        taskBox.setAlignment(Pos.CENTER_LEFT);
        taskBox.setVisible(false);
        taskBox.setManaged(false);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        getChildren().addAll(model, new Separator(javafx.geometry.Orientation.VERTICAL), device, gap, taskBox,
                new Separator(javafx.geometry.Orientation.VERTICAL), memory);

        wb.sessionProperty().addListener((o, was, now) -> showModel(now));
        showModel(wb.session());
        wb.loadingProperty().addListener((o, was, now) -> {
            if (now != null) {
                model.setText("Loading " + now.getFileName() + "…");
            } else {
                showModel(wb.session());
            }
        });

        cancel.setOnAction(e -> {
            if (shown != null) {
                shown.cancel();
            }
        });
        wb.taskProperty().addListener((o, was, now) -> {
            shown = now;
            taskBox.setVisible(now != null);
            taskBox.setManaged(now != null);
            if (now != null) {
                cancel.setVisible(now.cancellable());
                cancel.setManaged(now.cancellable());
                paintTask();
            }
        });

        // the task's numbers and the memory line are read a few times a second while the window shows
        java.util.concurrent.atomic.AtomicInteger ticks = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ScheduledFuture<?>[] ticker = {null};
        sceneProperty().flatMap(s -> s.windowProperty()).flatMap(w -> w.showingProperty()).orElse(false)
                .subscribe(showing -> {
                    if (showing && ticker[0] == null) {
                        ticker[0] = wb.every(TASK_REFRESH_MILLIS, () -> {
                            paintTask();
                            if (ticks.incrementAndGet() % 8 == 0) {
                                showMemory();
                            }
                        });
                    } else if (!showing && ticker[0] != null) {
                        ticker[0].cancel(false);
                        ticker[0] = null;
                    }
                });
        showMemory();
    }

    private void paintTask() {
        RunningTask t = shown;
        if (t == null) {
            return;
        }
        String msg = t.message();
        taskTitle.setText(msg.isEmpty() ? t.title() : t.title() + " — " + msg);
        taskProgress.setProgress(t.progress() < 0 ? ProgressBar.INDETERMINATE_PROGRESS : t.progress());
    }

    private void showModel(ModelSession s) {
        if (s == null) {
            model.setText("No model — Ctrl+O opens one");
            device.setText("");
            return;
        }
        LoadedModel m = s.model();
        model.setText(m.name() + "  ·  " + m.config().modelType() + " · d=" + m.config().hiddenSize() + " · "
                + m.config().numLayers() + " layers");
        EngineRuntime rt = EngineRuntime.get();
        device.setText(rt.deviceName().toUpperCase(Locale.ROOT) + " · " + rt.threads() + " thread"
                + (rt.threads() == 1 ? "" : "s") + " · " + m.computeDtype()
                + (rt.fallback().isPresent() ? " · GPU not used" : ""));
        device.getStyleClass().setAll("label", rt.fallback().isPresent() ? "warn-text" : "muted");
        device.setTooltip(new Tooltip(rt.describe()));
    }

    private void showMemory() {
        Runtime r = Runtime.getRuntime();
        long used = r.totalMemory() - r.freeMemory();
        memory.setText(String.format(Locale.ROOT, "memory %d / %d MB", used >> 20, r.maxMemory() >> 20));
    }
}
