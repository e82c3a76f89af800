package dev.protolens.app.fit;

import dev.protolens.app.figures.CurvesFigure;
import dev.protolens.app.figures.FigureCanvas;
import dev.protolens.app.ui.DisplayConverter;
import dev.protolens.app.ui.FrameLoop;
import dev.protolens.app.ui.Layout;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.fit.TextCheck;
import dev.protolens.engine.work.JobProgress;
import dev.protolens.engine.fit.Init;
import dev.protolens.engine.session.ModelSession;
import java.util.List;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The Fit screen: text and settings on the left; the live strip, curves, numbers and the result on the
 * right. A {@link FrameLoop} paints the live state at most once per frame, and only while something moves
 * and the screen is shown.
 */
public final class FitView extends HBox {
    private static final int MAX_CHIPS = 600;
    // Repaint budgets. Canvas paths are rasterised in software even on GPU pipelines, and here they share the
    // CPU with the fit: the strip moves at 30 frames a second, curves and numbers update four times a second.
    private static final long STRIP_EVERY_NANOS = 33_000_000L;
    private static final long CURVES_EVERY_NANOS = 250_000_000L;
    private static final long STATS_EVERY_NANOS = 250_000_000L;

    private final FitViewModel vm;
    private final Workbench wb;
    private final TokenStrip strip;
    private final CurvesFigure curvesFigure = new CurvesFigure();
    private final FigureCanvas curves;
    private final FlowPane chips = new FlowPane();
    private final Label tokenCount = new Label();
    private final Label warning = new Label();
    private final Button firstTokens = new Button();
    private final Label step = new Label("–");
    private final Label rate = new Label("–");
    private final Label elapsed = new Label("–");
    private final Label eta = new Label("–");
    private final Label accuracy = new Label("–");
    private final Label best = new Label("–");
    private final Label device = new Label();
    private final FrameLoop loop;
    private long lastStrip;
    private long lastCurves;
    private long lastStats;
    private boolean stripMoving;
    private boolean curvesDirty;

    public FitView(Workbench wb, FitViewModel vm) {
        this.wb = wb;
        this.vm = vm;
        setId("fit-view");
        getStyleClass().add("view");
        setSpacing(16);
        strip = new TokenStrip(wb.theme()::isDark, vm.frames()::alternatives);
        curves = new FigureCanvas(() -> curvesFigure, wb.theme()::isDark);
        curves.setId("fit-curves");
        curves.setMinHeight(190);
        curves.setPrefHeight(230);

        VBox left = left();
        ScrollPane right = new ScrollPane(right());
        right.setFitToWidth(true);
        right.setFitToHeight(true);
        right.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        right.getStyleClass().add("edge-to-edge");
        right.setId("fit-right");
        left.setPrefWidth(430);
        left.setMinWidth(360);
        HBox.setHgrow(right, Priority.ALWAYS);
        getChildren().addAll(left, right);

        loop = new FrameLoop(this, this::frame);
        vm.frames().setWake(loop::wake);
        vm.targetProperty().addListener((o, was, now) -> {
            strip.setTarget(now);
            curvesDirty = true;
            loop.wake();
        });
        vm.outcomeProperty().addListener((o, was, now) -> {
            curvesDirty = true;
            loop.wake();
        });
        vm.logLossProperty().addListener((o, was, now) -> {
            curvesFigure.setLogLoss(now);
            curves.repaint();
        });
        wb.theme().darkProperty().addListener((o, was, now) -> {
            strip.canvas().repaint();
            curves.repaint();
        });
        vm.text().previewProperty().addListener((o, was, now) -> showPreview(now));
        vm.frames().shownProperty().addListener((o, was, now) -> {
            if (now == null) {
                clearStats();
            }
        });
        showPreview(vm.text().previewProperty().get());
    }

    /** One frame: take the newest live state, ease the strip, repaint curves and numbers at a gentler rate. */
    private boolean frame(long now) {
        FitFrames.Live l = vm.frames().take();
        if (l != null) {
            strip.show(l);
            curvesDirty = true;
            stripMoving = true;
        }
        boolean busy = vm.isBusy();
        if (stripMoving && now - lastStrip >= STRIP_EVERY_NANOS) {
            lastStrip = now;
            stripMoving = strip.tick(now);
        }
        if (curvesDirty && (!busy || now - lastCurves >= CURVES_EVERY_NANOS)) {
            lastCurves = now;
            curvesDirty = false;
            List<CurvesFigure.Line> lines = vm.frames().curves().lines();
            JobProgress p = vm.frames().shownProperty().get();
            curvesFigure.setLines(lines, vm.frames().curves().best(), p != null ? Math.min(p.maxSteps(), 100) : 100);
            curves.repaint();
        }
        if (!busy || now - lastStats >= STATS_EVERY_NANOS) {
            lastStats = now;
            showStats(vm.frames().shownProperty().get());
        }
        return stripMoving || curvesDirty || busy;
    }

    private VBox left() {
        Label heading = new Label("Fit a text");
        heading.getStyleClass().add("heading");
        MenuButton samples = new MenuButton("Samples");
        samples.setId("samples-menu");
        for (SampleTexts.SampleText s : SampleTexts.load()) {
            MenuItem item = new MenuItem(s.title());
            item.setId("sample-" + s.id());
            item.setOnAction(e -> vm.text().textProperty().set(s.text()));
            samples.getItems().add(item);
        }
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox head = new HBox(8, heading, gap, samples);
        head.setAlignment(Pos.CENTER_LEFT);

        TextArea text = new TextArea();
        text.setId("fit-text");
        text.getStyleClass().add("text-input-area");
        text.setWrapText(true);
        text.setPrefRowCount(6);
        text.setPromptText("Paste a text; the model will learn to write it in one forward pass.");
        text.textProperty().bindBidirectional(vm.text().textProperty());
        // Tab moves the focus, as everywhere else in the window; a tab pasted into the text stays in it
        text.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.TAB && !e.isControlDown() && !e.isAltDown()
                    && !e.isMetaDown()) {
                text.requestFocusTraversal(e.isShiftDown() ? javafx.scene.TraversalDirection.PREVIOUS
                        : javafx.scene.TraversalDirection.NEXT);
                e.consume();
            }
        });

        chips.getStyleClass().add("chips");
        chips.setId("token-chips");
        ScrollPane chipScroll = new ScrollPane(chips);
        chipScroll.setFitToWidth(true);
        chipScroll.setPrefViewportHeight(96);
        chipScroll.setMinViewportHeight(40);
        chipScroll.setId("token-chips-scroll");
        tokenCount.setId("token-count");
        tokenCount.getStyleClass().add("subheading");
        warning.setId("token-warning");
        Layout.wrapping(warning);
        warning.getStyleClass().add("warn-text");
        // a text longer than the context: one click keeps what fits
        firstTokens.setId("fit-first-tokens");
        firstTokens.setVisible(false);
        firstTokens.managedProperty().bind(firstTokens.visibleProperty());
        firstTokens.setOnAction(e -> {
            TextCheck p = vm.text().previewProperty().get();
            if (p != null && p.tooLong()) {
                vm.text().textProperty().set(p.firstTokens(p.context()));
            }
        });
        Label tokensHead = new Label("Tokens");
        tokensHead.getStyleClass().add("muted");
        HBox tokensRow = new HBox(8, tokenCount, tokensHead);
        tokensRow.setAlignment(Pos.BASELINE_LEFT);

        Button fit = new Button("Fit  ▶");
        fit.setId("fit-button");
        fit.getStyleClass().add("primary");
        fit.setDefaultButton(false);
        fit.setTooltip(new Tooltip("Find the two vectors (Ctrl+Enter)"));
        fit.setOnAction(e -> vm.fit());
        Button stop = new Button("Stop  ■");
        stop.setId("stop-button");
        stop.setTooltip(new Tooltip("Stop after the current step and keep the best vectors so far (Esc)"));
        stop.setOnAction(e -> vm.stop());
        // a text that cannot be fitted disables Fit; the reason is the red line above it, and the button's tooltip
        fit.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.isBusy()
                || (vm.text().previewProperty().get() != null && !vm.text().previewProperty().get().fittable()),
                vm.phaseProperty(), vm.text().previewProperty()));
        vm.text().previewProperty().subscribe(p -> fit.getTooltip().setText(p != null && !p.fittable() ? p.problem()
                : "Find the two vectors (Ctrl+Enter)"));
        stop.disableProperty().bind(vm.phaseProperty().isNotEqualTo(FitViewModel.Phase.RUNNING));
        fit.setMaxWidth(Double.MAX_VALUE);
        stop.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(fit, Priority.ALWAYS);
        HBox.setHgrow(stop, Priority.ALWAYS);
        HBox actions = new HBox(8, fit, stop);

        VBox box = new VBox(8, head, text, tokensRow, chipScroll, warning, firstTokens, settings(), actions);
        VBox.setVgrow(text, Priority.ALWAYS);
        return box;
    }

    private VBox settings() {
        GridPane g = new GridPane();
        g.getStyleClass().add("settings");
        g.setHgap(10);
        g.setVgap(6);
        ColumnConstraints c0 = new ColumnConstraints();
        c0.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(c0, c1);

        Spinner<Integer> seed = intSpinner("setting-seed", 0, Integer.MAX_VALUE, 1, vm.settings().seedProperty().get());
        seed.getValueFactory().valueProperty().addListener((o, a, b) -> vm.settings().seedProperty().set(b));
        vm.settings().seedProperty().addListener((o, a, b) -> seed.getValueFactory().setValue(b.intValue()));
        Spinner<Integer> steps = intSpinner("setting-max-steps", 1, 1_000_000, 500, vm.settings().maxStepsProperty().get());
        steps.getValueFactory().valueProperty().addListener((o, a, b) -> vm.settings().maxStepsProperty().set(b));
        vm.settings().maxStepsProperty().addListener((o, a, b) -> steps.getValueFactory().setValue(b.intValue()));
        Spinner<Integer> restarts = intSpinner("setting-restarts", 1, FitSettings.MAX_RESTARTS, 1, vm.settings().restartsProperty().get());
        restarts.getValueFactory().valueProperty().addListener((o, a, b) -> vm.settings().restartsProperty().set(b));
        vm.settings().restartsProperty().addListener((o, a, b) -> restarts.getValueFactory().setValue(b.intValue()));

        TextField lr = new TextField();
        lr.setId("setting-lr");
        TextFormatter<Double> lrFormat = new TextFormatter<>(new StringConverter<>() {
            @Override
            public String toString(Double d) {
                return d == null ? "" : String.format(Locale.ROOT, "%s", d);
            }

            @Override
            public Double fromString(String s) {
                try {
                    double v = Double.parseDouble(s.trim());
                    return v > 0 && Double.isFinite(v) ? v : vm.settings().lrProperty().get();
                } catch (NumberFormatException e) {
                    return vm.settings().lrProperty().get();
                }
            }
        }, vm.settings().lrProperty().get());
        lr.setTextFormatter(lrFormat);
        lrFormat.valueProperty().addListener((o, a, b) -> vm.settings().lrProperty().set(b));
        vm.settings().lrProperty().addListener((o, a, b) -> lrFormat.setValue(b.doubleValue()));

        ChoiceBox<Init> init = new ChoiceBox<>();
        init.setId("setting-init");
        init.getItems().setAll(Init.values());
        init.setConverter(DisplayConverter.of(i -> i == Init.NORMAL ? "N(0, 1) — the paper" : "N(0, σ²), σ = embeddings' std"));
        init.valueProperty().bindBidirectional(vm.settings().initProperty());
        ChoiceBox<Arrangement> arr = new ChoiceBox<>();
        arr.setId("setting-arrangement");
        arr.getItems().setAll(Arrangement.values());
        arr.setConverter(DisplayConverter.of(a -> a.label() + (a == Arrangement.E_M ? " — the paper" : "")));
        arr.valueProperty().bindBidirectional(vm.settings().arrangementProperty());
        init.setMaxWidth(Double.MAX_VALUE);
        arr.setMaxWidth(Double.MAX_VALUE);

        g.addRow(0, new Label("Seed"), seed);
        g.addRow(1, new Label("Max steps"), steps);
        g.addRow(2, new Label("Learning rate"), lr);
        g.addRow(3, new Label("Init"), init);
        g.addRow(4, new Label("Arrangement"), arr);
        g.addRow(5, new Label("Restarts K"), restarts);
        CheckBox fast = new CheckBox("Fast start");
        fast.setId("setting-fast-start");
        fast.setTooltip(new Tooltip("Not the paper's recipe: e and m start from the library's run of this model whose"
                + " text is nearest, and the learning rate is 3× the paper's. Measured in the README (Reaching"
                + " 100 % sooner); the run's record says it used it."));
        fast.selectedProperty().bindBidirectional(vm.settings().fastStartProperty());
        g.addRow(6, new Label("Start"), fast);

        Label head = new Label("Settings");
        head.getStyleClass().add("subheading");
        Button reset = new Button("Paper defaults");
        reset.setId("reset-settings");
        reset.setTooltip(new Tooltip("AdamW lr 0.01, betas 0.9/0.9, weight decay 0.01, 5000 steps, N(0,1) init, [e][m]×(N−1)"));
        reset.setOnAction(e -> vm.settings().reset());
        // where the fit computes and the weights' type: "CUDA:0 · bfloat16" on a GPU (e, m, loss and AdamW stay fp32)
        device.setId("fit-device");
        device.getStyleClass().add("muted");
        device.setTooltip(new Tooltip("The device the fit computes on and the type of the model's weights;"
                + " e, m, the loss and AdamW are float32 everywhere."));
        wb.sessionProperty().subscribe(s -> device.setText(s == null ? ""
                : s.model().device().toUpperCase(java.util.Locale.ROOT) + " · " + s.model().computeDtype()));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox top = new HBox(8, head, device, gap, reset);
        top.setAlignment(Pos.CENTER_LEFT);
        VBox card = new VBox(8, top, g);
        card.getStyleClass().add("card");
        g.disableProperty().bind(Bindings.createBooleanBinding(vm::isBusy, vm.phaseProperty()));
        reset.disableProperty().bind(g.disableProperty());
        return card;
    }

    private VBox right() {
        // the numbers wrap onto a second line in a narrow window instead of pushing the column wider than the view
        javafx.scene.layout.FlowPane stats = Layout.row(22, stat(step, "step", "fit-step"),
                stat(accuracy, "tokens right now", "fit-accuracy"), stat(best, "best so far", "fit-best"),
                stat(rate, "steps / s", "fit-rate"), stat(elapsed, "elapsed", "fit-elapsed"),
                stat(eta, "left at most", "fit-eta"));
        // what just happened ("checkpoint saved …") goes to the status bar's message slot and log, not a label here
        vm.noteProperty().subscribe(wb.messages()::post);

        CheckBox log = new CheckBox("log-scale loss");
        log.setId("log-loss");
        log.selectedProperty().bindBidirectional(vm.logLossProperty());
        Label hint = new Label("Right-click a figure to export it (PNG, SVG, PDF).");
        hint.getStyleClass().add("muted");
        javafx.scene.layout.FlowPane curveBar = Layout.row(18, log, hint);

        // the strip is as tall as its rows; with a long text the whole column scrolls, the curves keep a minimum
        strip.canvas().minHeightProperty().bind(strip.canvas().prefHeightProperty());

        ResultPanel result = new ResultPanel(vm);
        VBox box = new VBox(10, stats, strip, curveBar, curves, result);
        VBox.setVgrow(curves, Priority.ALWAYS);
        box.setPadding(new Insets(2, 4, 0, 0));
        return box;
    }

    private static VBox stat(Label value, String name, String id) {
        value.setId(id);
        value.setMinWidth(Region.USE_PREF_SIZE);
        value.getStyleClass().add("metric-value");
        Label n = new Label(name);
        n.getStyleClass().add("metric-name");
        n.setMinWidth(Region.USE_PREF_SIZE);
        return new VBox(0, value, n);
    }

    /** The header, from the same snapshot as the strip and the status bar: "now" this step, "best" so far. */
    private void showStats(JobProgress p) {
        if (p == null || p.item() == null) {
            return;
        }
        step.setText(p.step() + " / " + p.maxSteps());
        accuracy.setText(p.correctNow() + " / " + p.length());
        best.setText(Math.round(p.accuracyBest() * p.length()) + " / " + p.length());
        rate.setText(String.format(Locale.ROOT, "%.1f", p.stepsPerSecond()));
        elapsed.setText(duration(p.elapsedMillis()));
        eta.setText(p.stage() != JobProgress.Stage.FITTING || !vm.isBusy() ? "–" : duration(p.etaMillis()));
    }

    private void clearStats() {
        for (Label l : List.of(step, accuracy, best, rate, elapsed, eta)) {
            l.setText("–");
        }
    }

    private void showPreview(TextCheck p) {
        chips.getChildren().clear();
        if (p == null) {
            ModelSession s = wb.session();
            tokenCount.setText(s == null ? "–" : "…");
            firstTokens.setVisible(false);
            warning.setText(s == null ? "Open a model (Ctrl+O) to see the text's tokens." : "");
            return;
        }
        tokenCount.setText("N = " + p.length());
        int shown = Math.min(p.length(), MAX_CHIPS);
        for (int i = 0; i < shown; i++) {
            Label chip = new Label(TokenText.visible(p.encoding().pieces()[i]));
            chip.getStyleClass().add("chip");
            if (i >= p.context()) {
                chip.getStyleClass().add("over");
            }
            chips.getChildren().add(chip);
        }
        if (p.length() > shown) {
            chips.getChildren().add(new Label("… " + (p.length() - shown) + " more"));
        }
        warning.setText(p.message() == null ? "" : p.message());
        firstTokens.setVisible(p.tooLong());
        firstTokens.setText("Fit the first " + p.context() + " tokens");
        warning.getStyleClass().removeAll("warn-text", "error-text");
        warning.getStyleClass().add(p.fittable() ? "warn-text" : "error-text");
    }

    private static Spinner<Integer> intSpinner(String id, int min, int max, int step, int value) {
        Spinner<Integer> s = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max,
                Math.max(min, Math.min(max, value)), step));
        s.setEditable(true);
        s.setId(id);
        s.setMaxWidth(Double.MAX_VALUE);
        // commit typed values when focus leaves, not only on Enter
        s.focusedProperty().addListener((o, was, now) -> {
            if (!now) {
                s.increment(0);
            }
        });
        return s;
    }

    static String duration(long millis) {
        if (millis < 0) {
            return "–";
        }
        long s = Math.round(millis / 1000.0);
        return s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    public FitViewModel model() {
        return vm;
    }
}
