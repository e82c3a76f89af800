package dev.protolens.app.interpolate;

import dev.protolens.app.figures.DecodedTextFigure;
import dev.protolens.app.figures.FigureCanvas;
import dev.protolens.app.figures.FigureStyle;
import dev.protolens.app.figures.TauCurvesFigure;
import dev.protolens.app.fit.TokenText;
import dev.protolens.app.ui.DisplayConverter;
import dev.protolens.app.ui.FrameLoop;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.analysis.PathPoint;
import dev.protolens.engine.analysis.PathProgress;
import dev.protolens.engine.store.RunRecord;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The Interpolation screen: runs A and B, the path and the slider τ, the text written at φ(τ) marked against
 * both ends, learning a Bézier path, and accuracy against τ for both paths with the current τ marked.
 *
 * <p>The written text is repainted in the slider's own event, from the grid point nearest τ (the view model never
 * waits on the model), and again when the exact τ's decode arrives once the thumb rests. Repainting the text's canvas only records drawing
 * commands, replacing the previous ones, so two repaints between pulses cost the renderer one; holding a
 * repaint for the next frame instead added up to a frame of latency whenever a decode finished just after
 * one. The τ marker on the curves moves at the frame rate, as nodes over the chart rather than a repaint.
 */
public final class InterpolateView extends VBox {
    private final InterpolateViewModel vm;
    private final Workbench wb;
    private final DecodedTextFigure textFigure = new DecodedTextFigure();
    private final FigureCanvas text;
    private final TauCurvesFigure curvesFigure = new TauCurvesFigure();
    private final FigureCanvas curves;
    private final TauMarker marker;
    private final Label learnLabel = new Label();
    private final FrameLoop loop;
    private final AtomicBoolean paintQueued = new AtomicBoolean();
    private boolean tauMoved;
    private volatile BiConsumer<InterpolateViewModel.Written, Long> painted = (w, t) -> { };

    public InterpolateView(Workbench wb, InterpolateViewModel vm) {
        this.wb = wb;
        this.vm = vm;
        setId("interpolate-view");
        getStyleClass().add("view");
        text = new FigureCanvas(() -> textFigure, wb.theme()::isDark);
        text.setId("interp-text");
        text.setMinHeight(110);
        text.setPrefHeight(130);
        // the text's box grows to fit and shrinks only when the pair changes: texts along a path wrap into
        // different numbers of lines, and a box that followed them would resize the chart below (a relayout
        // and a full repaint of the chart) on every other slider event
        text.setAfterPaint(() -> {
            double h = Math.max(110, Math.ceil(textFigure.lastHeight()));
            if (h > text.getPrefHeight() + 1) {
                text.setPrefHeight(h);
            }
        });
        text.minHeightProperty().bind(text.prefHeightProperty());
        text.widthProperty().addListener((o, was, now) -> text.setPrefHeight(110)); // re-fit at the new width
        curves = new FigureCanvas(() -> curvesFigure, wb.theme()::isDark);
        curves.setId("interp-curves");
        curves.setMinHeight(200);
        marker = new TauMarker(curves.overlay());
        curves.setAfterPaint(this::placeMarker);
        textFigure.clear("choose two runs");

        getChildren().addAll(head(), sliderRow(), text, learnRow(), curves);
        VBox.setVgrow(curves, Priority.ALWAYS);

        loop = new FrameLoop(this, this::frame);
        vm.setWake(loop::wake);
        vm.setOnWritten(() -> {
            if (paintQueued.compareAndSet(false, true)) {
                Platform.runLater(() -> {
                    paintQueued.set(false);
                    paintText();
                });
            }
        });
        vm.tauProperty().addListener((o, was, now) -> {
            tauMoved = true;
            loop.wake();
            paintText(); // the view model has parked the nearest grid point already (it listens first)
        });
        vm.curvesProperty().addListener((o, was, now) -> showCurves(now));
        vm.problemProperty().addListener((o, was, now) -> {
            if (!now.isEmpty()) {
                textFigure.clear("");
                text.repaint();
            }
        });
        vm.aProperty().addListener((o, was, now) -> {
            textFigure.clear("decoding…");
            text.setPrefHeight(110);
            text.repaint();
        });
        wb.theme().darkProperty().addListener((o, a, b) -> {
            text.repaint();
            curves.repaint();
        });
        wb.refreshWhileShown(this, () -> vm.refreshCandidates());
        showCurves(null);
    }

    public InterpolateViewModel model() {
        return vm;
    }

    public DecodedTextFigure textFigure() {
        return textFigure;
    }

    public TauCurvesFigure curvesFigure() {
        return curvesFigure;
    }

    public FigureCanvas textCanvas() {
        return text;
    }

    public FigureCanvas curvesCanvas() {
        return curves;
    }

    /** Called on the FX thread right after each repaint of the written text, with the time of the repaint. */
    public void setPaintListener(BiConsumer<InterpolateViewModel.Written, Long> l) {
        painted = l;
    }

    private boolean frame(long now) {
        if (tauMoved) {
            tauMoved = false;
            curvesFigure.setTau(vm.tauProperty().get());
            placeMarker();
        }
        vm.pollCurves();
        PathProgress p = vm.takeLearnProgress();
        // progress parked just before learning ended must not cover the outcome
        if (p != null && vm.learningProperty().get()) {
            learnLabel.setText(InterpolateViewModel.progressLine(p));
        }
        return false;
    }

    private void placeMarker() {
        FigureStyle style = wb.theme().isDark() ? FigureStyle.DARK : FigureStyle.LIGHT;
        marker.show(curvesFigure.screenMarker(style), style);
    }

    /** The τ marker over the chart (a node, so that a slider drag does not repaint the chart). */
    public javafx.scene.shape.Line tauMarkerLine() {
        return marker.line();
    }

    private void paintText() {
        InterpolateViewModel.Written w = vm.takeWritten();
        if (w == null) {
            return;
        }
        PathPoint pt = w.point();
        String[] pieces = pt.decoded().pieces();
        String[] shown = new String[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            shown[i] = TokenText.clean(pieces[i]);
        }
        RunRecord a = vm.aProperty().get().record();
        RunRecord b = vm.bProperty().get().record();
        boolean sameText = vm.ends() != null && vm.ends().sameText();
        String caption;
        // while the thumb moves, the text is the nearest grid point's, and says so
        String at = w.shown().exact() ? String.format(Locale.ROOT, "τ = %.3f", pt.tau())
                : String.format(Locale.ROOT, "τ = %.3f (nearest of %d decoded to %.3f)", pt.tau(), w.shown().decoded(),
                w.tau());
        if (sameText) {
            caption = String.format(Locale.ROOT, "%s · %s · %d/%d tokens right", at, w.path().label(),
                    pt.countSameAsA(), pt.decoded().length());
        } else {
            caption = String.format(Locale.ROOT, "%s · %s · %.0f %% of A's tokens, %.0f %% of B's", at,
                    w.path().label(), 100 * pt.matchA(), 100 * pt.matchB());
        }
        textFigure.setText(shown, pt.sameAsA(), pt.sameAsB(), clean(a.tokenPieces()), clean(b.tokenPieces()), sameText,
                caption);
        textFigure.setEnds(a, b);
        text.setUserData(pt.text());
        text.repaint();
        painted.accept(w, System.nanoTime());
    }

    private static String[] clean(List<String> pieces) {
        return pieces == null ? new String[0] : pieces.stream().map(TokenText::clean).toArray(String[]::new);
    }

    private void showCurves(InterpolateViewModel.Curves c) {
        curvesFigure.showPaths(c != null && c.sameText(), c == null ? null : c.straight(),
                c == null ? null : c.bezier());
        curvesFigure.setTau(vm.tauProperty().get());
        // the figure names its ends, on screen and in every export
        curvesFigure.setEnds(vm.aProperty().get() == null ? null : vm.aProperty().get().record(),
                vm.bProperty().get() == null ? null : vm.bProperty().get().record());
        curves.repaint();
    }

    private VBox head() {
        Label heading = dev.protolens.app.ui.Layout.whole(new Label("Interpolate"));
        heading.getStyleClass().add("heading");
        ComboBox<RunRecord> a = runChooser("interp-a", vm.choiceAProperty());
        ComboBox<RunRecord> b = runChooser("interp-b", vm.choiceBProperty());
        Button swap = new Button("⇄");
        swap.setId("interp-swap");
        swap.setTooltip(new Tooltip("Swap A and B"));
        swap.setOnAction(e -> vm.swap());
        swap.disableProperty().bind(vm.aProperty().isNull());
        Label la = new Label("A");
        Label lb = new Label("B");
        la.getStyleClass().add("subheading");
        lb.getStyleClass().add("subheading");
        HBox.setHgrow(a, Priority.ALWAYS);
        HBox.setHgrow(b, Priority.ALWAYS);
        HBox runs = new HBox(8, heading, new Region(), la, a, swap, lb, b);
        runs.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(runs.getChildren().get(1), Priority.SOMETIMES);

        Label info = new Label();
        info.setId("interp-info");
        info.getStyleClass().add("muted");
        info.setWrapText(true);
        info.textProperty().bind(vm.infoProperty());
        Label problem = new Label();
        problem.setId("interp-problem");
        problem.getStyleClass().add("warn-text");
        problem.setWrapText(true);
        problem.textProperty().bind(vm.problemProperty());
        problem.visibleProperty().bind(vm.problemProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        Label empty = new Label("Choose two runs here, or select two points in the Atlas and press Interpolate.");
        empty.getStyleClass().add("muted");
        empty.visibleProperty().bind(vm.aProperty().isNull());
        empty.managedProperty().bind(empty.visibleProperty());
        return new VBox(6, runs, empty, info, problem);
    }

    private ComboBox<RunRecord> runChooser(String id, javafx.beans.property.ObjectProperty<RunRecord> choice) {
        ComboBox<RunRecord> c = new ComboBox<>(vm.candidates());
        c.setId(id);
        c.setMaxWidth(Double.MAX_VALUE);
        c.setPrefWidth(320);
        c.setPromptText("a run from the library");
        StringConverter<RunRecord> conv = DisplayConverter.of(dev.protolens.app.library.RunNames::describe);
        c.setConverter(conv);
        c.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(RunRecord r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : dev.protolens.app.library.RunNames.describe(r));
            }
        });
        c.valueProperty().bindBidirectional(choice);
        return c;
    }

    private HBox sliderRow() {
        ToggleGroup g = new ToggleGroup();
        RadioButton straight = new RadioButton("Straight line");
        straight.setId("interp-straight");
        RadioButton bezier = new RadioButton("Learned Bézier");
        bezier.setId("interp-bezier");
        straight.setToggleGroup(g);
        bezier.setToggleGroup(g);
        bezier.disableProperty().bind(vm.bezierProperty().isNull());
        Runnable sync = () -> (vm.pathProperty().get() == InterpolateViewModel.PathKind.BEZIER ? bezier : straight)
                .setSelected(true);
        sync.run();
        vm.pathProperty().addListener((o, a, b) -> sync.run());
        straight.setOnAction(e -> vm.pathProperty().set(InterpolateViewModel.PathKind.STRAIGHT));
        bezier.setOnAction(e -> vm.pathProperty().set(InterpolateViewModel.PathKind.BEZIER));

        Slider slider = new Slider(0, 1, vm.tauProperty().get());
        slider.setId("interp-tau");
        slider.setShowTickMarks(true);
        slider.setShowTickLabels(true);
        slider.setMajorTickUnit(0.25);
        slider.setMinorTickCount(4);
        slider.setBlockIncrement(0.01);
        slider.valueProperty().bindBidirectional(vm.tauProperty());
        vm.draggingProperty().bind(slider.valueChangingProperty());
        slider.disableProperty().bind(vm.aProperty().isNull());
        HBox.setHgrow(slider, Priority.ALWAYS);
        Label value = new Label();
        value.setId("interp-tau-value");
        value.getStyleClass().add("metric-value");
        value.setMinWidth(Region.USE_PREF_SIZE);
        value.textProperty().bind(Bindings.createStringBinding(
                () -> String.format(Locale.ROOT, "τ = %.2f", vm.tauProperty().get()), vm.tauProperty()));
        HBox row = new HBox(12, straight, bezier, slider, value);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private VBox learnRow() {
        Button learn = new Button("Learn Bézier path");
        learn.setId("interp-learn");
        learn.getStyleClass().add("primary");
        learn.setTooltip(new Tooltip("Move the control point c of φ(τ) = (1−τ)²·A + 2τ(1−τ)·c + τ²·B by Adam until"
                + " the whole path writes the text (PAPER.md). Saved with the runs."));
        learn.setOnAction(e -> vm.learn());
        learn.disableProperty().bind(vm.learningProperty().or(vm.aProperty().isNull())
                .or(vm.problemProperty().isNotEmpty()).or(vm.sameTextProperty().not()));
        Button cancel = new Button("Cancel");
        cancel.setId("interp-cancel");
        cancel.setOnAction(e -> vm.cancelLearning());
        cancel.visibleProperty().bind(vm.learningProperty());
        cancel.managedProperty().bind(cancel.visibleProperty());
        learnLabel.setId("interp-learn-status");
        learnLabel.getStyleClass().add("muted");
        vm.learnStatusProperty().addListener((o, a, b) -> learnLabel.setText(b));
        Label stats = new Label();
        stats.setId("interp-path-stats");
        stats.getStyleClass().add("muted");
        stats.textProperty().bind(vm.pathStatsProperty());
        stats.setWrapText(true);
        learn.setMinWidth(Region.USE_PREF_SIZE);
        cancel.setMinWidth(Region.USE_PREF_SIZE);
        HBox row = new HBox(10, learn, cancel, learnLabel);
        row.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(4, row, stats);
        return box;
    }
}
