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
    private final Label taskTitle = Layout.slot(new Label());
    private final Label message = Layout.slot(new Label());
    private final Button log = new Button("Log");
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
        // the task's line and the message share the free width; the Stop button and the numbers are always whole
        HBox.setHgrow(taskTitle, Priority.ALWAYS);
        taskProgress.setPrefWidth(100);
        taskProgress.setMinWidth(60);
        Layout.whole(cancel);
        taskBox = new HBox(8, taskTitle, taskProgress, cancel);
        taskBox.setAlignment(Pos.CENTER_LEFT);
        taskBox.setMinWidth(0);
        HBox.setHgrow(taskBox, Priority.ALWAYS);
        taskBox.setVisible(false);
        taskBox.setManaged(false);
        // the latest message in a slot that takes the free width and never more: its length moves nothing
        message.setId("status-message");
        HBox.setHgrow(message, Priority.ALWAYS);
        javafx.scene.control.Hyperlink act = new javafx.scene.control.Hyperlink();
        act.setId("status-message-action");
        Layout.whole(act);
        act.managedProperty().bind(act.visibleProperty());
        wb.messages().latestProperty().subscribe(m -> {
            message.setText(m == null ? "" : m.text());
            act.setVisible(m != null && m.action() != null);
            act.setText(m == null || m.actionLabel() == null ? "" : m.actionLabel());
            act.setOnAction(e -> {
                if (m != null && m.action() != null) {
                    m.action().run();
                }
            });
        });
        log.setId("status-log");
        log.getStyleClass().add("small");
        log.setTooltip(new Tooltip("The last " + Messages.KEEP + " messages, with their times"));
        log.setOnAction(e -> showLog(wb.messages()));
        Layout.whole(log);
        Layout.whole(memory);
        Layout.whole(model);
        Layout.whole(device);
        getChildren().addAll(model, new Separator(javafx.geometry.Orientation.VERTICAL), device, message, act, log, taskBox,
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

    /** The message log as a popover above the button: newest last, scrolled to it. */
    private void showLog(Messages messages) {
        javafx.scene.control.ListView<Messages.Entry> list = new javafx.scene.control.ListView<>(messages.log());
        list.setId("message-log");
        list.setPrefSize(560, 260);
        list.setPlaceholder(new Label("No messages yet."));
        list.scrollTo(Math.max(0, messages.log().size() - 1));
        javafx.scene.control.CustomMenuItem item = new javafx.scene.control.CustomMenuItem(list, false);
        javafx.scene.control.ContextMenu pop = new javafx.scene.control.ContextMenu(item);
        pop.setId("message-log-popup");
        pop.show(log, javafx.geometry.Side.TOP, 0, 0);
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
        // the name here, the details in its tooltip: the bar's width goes to the messages and the task
        model.setText(m.name() + " · " + m.config().modelType());
        model.setTooltip(new Tooltip(m.name() + " · " + m.config().modelType() + " · d=" + m.config().hiddenSize()
                + " · " + m.config().numLayers() + " layers"));
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
