package dev.protolens.app.atlas;

import dev.protolens.app.figures.DistanceHistogramFigure;
import dev.protolens.app.figures.FigureCanvas;
import dev.protolens.app.figures.ProjectionFigure;
import dev.protolens.app.ui.DisplayConverter;
import dev.protolens.app.ui.FrameLoop;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.analysis.Locality;
import dev.protolens.engine.analysis.VectorKind;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.LibraryProjection;
import dev.protolens.engine.work.MapColouring;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * The Atlas screen: the controls and the selection on the left; the map of solutions and the distance
 * histograms on the right. A {@link FrameLoop} takes the newest map state once per frame (a t-SNE animates
 * through it) and repaints only what changed.
 */
public final class AtlasView extends HBox {
    private final AtlasViewModel vm;
    private final Workbench wb;
    private final ProjectionFigure mapFigure = new ProjectionFigure();
    private final FigureCanvas map;
    private final DistanceHistogramFigure histogramFigure = new DistanceHistogramFigure();
    private final FigureCanvas histogram;
    private final Tooltip tip = new Tooltip();
    private final VBox selectionBox = new VBox(6);
    private final FrameLoop loop;
    private List<Run> shown = List.of();
    private int hovered = -1;
    private List<Integer> underPointer = List.of();

    public AtlasView(Workbench wb, AtlasViewModel vm) {
        this.wb = wb;
        this.vm = vm;
        setId("atlas-view");
        getStyleClass().add("view");
        setSpacing(16);
        map = new FigureCanvas(() -> mapFigure, wb.theme()::isDark);
        map.setId("atlas-map");
        map.setMinHeight(300);
        histogram = new FigureCanvas(() -> histogramFigure, wb.theme()::isDark);
        histogram.setId("atlas-histogram");
        histogram.setMinHeight(170);
        histogram.setPrefHeight(220);
        histogramFigure.setTitle("Distances between solutions (cosine, e)");

        VBox left = left();
        left.setPrefWidth(330);
        left.setMinWidth(300);
        left.setMaxWidth(330);
        VBox right = new VBox(10, map, histogram);
        VBox.setVgrow(map, Priority.ALWAYS);
        HBox.setHgrow(right, Priority.ALWAYS);
        getChildren().addAll(left, right);

        tip.setShowDelay(Duration.millis(100));
        tip.setShowDuration(Duration.seconds(30));
        tip.setWrapText(true);
        tip.setMaxWidth(460);
        map.canvas().setOnMouseMoved(e -> hover(mapFigure.pointsAt(e.getX(), e.getY())));
        map.canvas().setOnMouseExited(e -> hover(List.of()));
        map.canvas().setOnMouseClicked(e -> {
            if (e.getButton() != MouseButton.PRIMARY) {
                return;
            }
            int i = mapFigure.pointAt(e.getX(), e.getY());
            if (i >= 0 && i < shown.size()) {
                vm.toggle(shown.get(i));
            } else {
                vm.clearSelection();
            }
        });

        loop = new FrameLoop(this, this::frame);
        vm.map().setWake(loop::wake);
        vm.colourByProperty().addListener((o, a, b) -> recolour());
        vm.search().queryProperty().addListener((o, a, b) -> {
            mapFigure.setMatching(vm.search().matching(shown));
            map.repaint();
        });
        vm.checkpoints().pickedProperty().addListener((o, a, b) -> selectionChanged());
        vm.selection().addListener((javafx.collections.ListChangeListener<Run>) c -> selectionChanged());
        vm.map().localityProperty().addListener((o, a, b) -> showLocality(b));
        wb.theme().darkProperty().addListener((o, a, b) -> {
            map.repaint();
            histogram.repaint();
        });
        wb.refreshWhileShown(this, () -> vm.refresh());
        showLocality(null);
        selectionChanged();
    }

    public AtlasViewModel model() {
        return vm;
    }

    /** Where a run's marker was drawn, in the map canvas' coordinates (null if not shown). */
    public javafx.geometry.Point2D markerOf(String runId) {
        for (int i = 0; i < shown.size(); i++) {
            if (shown.get(i).id().equals(runId)) {
                java.awt.geom.Point2D p = mapFigure.drawnAt(i);
                return p == null ? null : new javafx.geometry.Point2D(p.getX(), p.getY());
            }
        }
        return null;
    }

    public ProjectionFigure mapFigure() {
        return mapFigure;
    }

    public FigureCanvas mapCanvas() {
        return map;
    }

    public FigureCanvas histogramCanvas() {
        return histogram;
    }

    private boolean frame(long now) {
        LibraryProjection.Frame f = vm.map().takeFrame();
        if (f == null) {
            return false;
        }
        List<ProjectionFigure.Point> pts = new ArrayList<>();
        shown = new ArrayList<>();
        if (f.runs().size() == f.xy().length) {
            for (int i = 0; i < f.runs().size(); i++) {
                shown.add(f.runs().get(i));
                pts.add(new ProjectionFigure.Point(f.runs().get(i).id(), f.xy()[i][0], f.xy()[i][1]));
            }
            for (int i = 0; i < f.checkpoints().size() && i < f.checkpointXy().length; i++) {
                shown.add(f.checkpoints().get(i));
                pts.add(new ProjectionFigure.Point(f.checkpoints().get(i).id(), f.checkpointXy()[i][0],
                        f.checkpointXy()[i][1], true));
            }
        }
        mapFigure.setData(f.title(), f.xLabel(), f.yLabel(), pts, vm.colouring(shown));
        mapFigure.setTraces(f.traces());
        mapFigure.setNote(f.note());
        mapFigure.setSelected(selectedIndices());
        mapFigure.setMatching(vm.search().matching(shown));
        if (hovered >= shown.size()) {
            hover(List.of());
        }
        mapFigure.setHovered(hovered);
        map.repaint();
        return false;
    }

    private int[] selectedIndices() {
        List<Integer> idx = new ArrayList<>();
        for (Run r : vm.selection()) {
            for (int i = 0; i < shown.size(); i++) {
                if (shown.get(i).id().equals(r.id())) {
                    idx.add(i);
                }
            }
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private void recolour() {
        mapFigure.setColouring(vm.colouring(shown));
        map.repaint();
    }

    /** The runs under the pointer, nearest first: the nearest is ringed, the tooltip names them all. */
    private void hover(List<Integer> under) {
        List<Integer> valid = under.stream().filter(i -> i < shown.size()).toList();
        if (valid.equals(underPointer) && hovered == (valid.isEmpty() ? -1 : valid.getFirst())) {
            return; // the same runs: no repaint on every mouse move
        }
        underPointer = valid;
        hovered = valid.isEmpty() ? -1 : valid.getFirst();
        mapFigure.setHovered(hovered);
        map.repaint();
        if (valid.isEmpty()) {
            Tooltip.uninstall(map.canvas(), tip);
            return;
        }
        tip.setText(AtlasTips.of(valid.stream().map(shown::get).toList(),
                valid.stream().map(mapFigure.points()::get).toList()));
        Tooltip.install(map.canvas(), tip);
    }

    /** The tooltip the map shows now ("" when none): the runs under the pointer. */
    public String hoverText() {
        return underPointer.isEmpty() ? "" : tip.getText();
    }

    private void selectionChanged() {
        mapFigure.setSelected(selectedIndices());
        map.repaint();
        selectionBox.getChildren().clear();
        Run cp = vm.checkpoints().pickedProperty().get();
        if (cp != null) {
            selectionBox.getChildren().add(AtlasPanels.checkpointCard(cp, vm.checkpoints()::resumePicked));
        }
        if (vm.selection().isEmpty() && cp == null) {
            Label none = new Label("Click a point to select it; pick two to walk between them.");
            none.setWrapText(true);
            none.getStyleClass().add("muted");
            selectionBox.getChildren().add(none);
            return;
        }
        String[] letters = {"A", "B"};
        for (int k = 0; k < vm.selection().size(); k++) {
            RunRecord r = vm.selection().get(k).record();
            Label l = new Label(letters[k] + "  “" + MapColouring.oneLine(r.text()) + "”");
            l.setWrapText(true);
            l.getStyleClass().add("subheading");
            Label d = new Label(String.format(Locale.ROOT, "seed %s · %s",
                    r.settings() == null ? "?" : Long.toString(r.settings().seed()),
                    r.metrics() == null ? "–" : String.format(Locale.ROOT, "%.0f %% right", 100 * r.metrics().accuracy())));
            d.getStyleClass().add("muted");
            d.setWrapText(true);
            // run ids are long and end in what tells them apart: cut at the front, never wrapped mid-id
            Label id = new Label(r.id());
            id.getStyleClass().add("muted");
            id.setTextOverrun(javafx.scene.control.OverrunStyle.LEADING_ELLIPSIS);
            id.setMinWidth(0);
            id.setTooltip(new Tooltip(r.id()));
            selectionBox.getChildren().add(new VBox(0, l, d, id));
        }
        if (vm.selection().size() == 2) {
            boolean sameText = vm.selection().get(0).record().text().equals(vm.selection().get(1).record().text());
            boolean sharedM = java.util.Arrays.equals(vm.selection().get(0).vectors().m(), vm.selection().get(1).vectors().m());
            Label how = new Label(sameText ? (sharedM ? "Same text, shared m: a path moves e, as in the paper."
                    : "Same text, each its own m: a path moves e and m together.")
                    : "Different texts: each point of a path is compared with both ends.");
            how.setWrapText(true);
            how.getStyleClass().add("muted");
            selectionBox.getChildren().add(how);
        }
    }

    private void showLocality(Locality l) {
        if (l == null) {
            histogramFigure.setData("cosine distance", new double[0], new double[0]);
        } else {
            String k = LibraryProjection.kindLabel(l.kind());
            histogramFigure.setTitle("Distances between solutions (" + l.metric().cliName() + ", " + k + ")");
            histogramFigure.setData(l.metric().cliName() + " distance between " + k, l.sameText(), l.differentTexts());
        }
        histogram.repaint();
    }

    private VBox left() {
        Label heading = new Label("Atlas");
        heading.getStyleClass().add("heading");

        ChoiceBox<dev.protolens.engine.analysis.RunSpace.Model> model = new ChoiceBox<>(vm.models());
        model.setId("atlas-model");
        model.setMaxWidth(Double.MAX_VALUE);
        model.valueProperty().bindBidirectional(vm.modelProperty());
        model.setTooltip(new Tooltip("Only runs of one model share a space"));

        ChoiceBox<VectorKind> kind = new ChoiceBox<>();
        kind.setId("atlas-vectors");
        kind.getItems().setAll(VectorKind.values());
        kind.setConverter(DisplayConverter.of(k -> switch (k) {
            case E -> "e";
            case M -> "m";
            case BOTH -> "e and m (concatenated)";
        }));
        kind.valueProperty().bindBidirectional(vm.kindProperty());
        kind.setMaxWidth(Double.MAX_VALUE);

        ToggleGroup methods = new ToggleGroup();
        ToggleButton pca = new ToggleButton("PCA");
        pca.setId("atlas-pca");
        ToggleButton tsne = new ToggleButton("t-SNE");
        tsne.setId("atlas-tsne");
        pca.setToggleGroup(methods);
        tsne.setToggleGroup(methods);
        pca.setSelected(vm.methodProperty().get() == LibraryProjection.Method.PCA);
        tsne.setSelected(!pca.isSelected());
        pca.setOnAction(e -> {
            pca.setSelected(true);
            vm.methodProperty().set(LibraryProjection.Method.PCA);
        });
        tsne.setOnAction(e -> {
            tsne.setSelected(true);
            vm.methodProperty().set(LibraryProjection.Method.TSNE);
        });
        Button pause = new Button();
        pause.setId("atlas-pause");
        pause.textProperty().bind(Bindings.when(vm.pausedProperty()).then("Resume ▶").otherwise("Pause ❚❚"));
        pause.setOnAction(e -> vm.pausedProperty().set(!vm.pausedProperty().get()));
        pause.visibleProperty().bind(vm.map().tsneRunningProperty());
        pause.managedProperty().bind(pause.visibleProperty());
        HBox methodRow = new HBox(6, pca, tsne, pause);
        methodRow.setAlignment(Pos.CENTER_LEFT);

        ChoiceBox<MapColouring.By> colour = new ChoiceBox<>();
        colour.setId("atlas-colour");
        colour.getItems().setAll(MapColouring.By.values());
        colour.setConverter(DisplayConverter.of(MapColouring.By::label));
        colour.valueProperty().bindBidirectional(vm.colourByProperty());
        colour.setMaxWidth(Double.MAX_VALUE);

        CheckBox paths = new CheckBox("Paths between A and B");
        paths.setId("atlas-paths");
        paths.selectedProperty().bindBidirectional(vm.showPathsProperty());
        paths.setTooltip(new Tooltip("The straight line and the learned Bézier path (if one was learned), sampled at"
                + " 21 points and projected like the runs.\nOff by default under t-SNE: t-SNE is not a linear map,"
                + " so a straight line between A and B does not stay straight on it (it shows as a zigzag), and its"
                + " samples join the map's input and move the runs. PCA is linear: there the line is a line."));
        paths.getTooltip().setWrapText(true);
        paths.getTooltip().setMaxWidth(420);

        GridPane g = new GridPane();
        g.getStyleClass().add("settings");
        g.setHgap(10);
        g.setVgap(6);
        javafx.scene.layout.ColumnConstraints c0 = new javafx.scene.layout.ColumnConstraints();
        c0.setMinWidth(Region.USE_PREF_SIZE);
        javafx.scene.layout.ColumnConstraints c1 = new javafx.scene.layout.ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        c1.setMinWidth(0);
        g.getColumnConstraints().addAll(c0, c1);
        g.addRow(0, new Label("Model"), model);
        g.addRow(1, new Label("Vectors"), kind);
        g.addRow(2, new Label("Projection"), methodRow);
        g.addRow(3, new Label("Colour by"), colour);
        GridPane.setHgrow(model, Priority.ALWAYS);
        VBox controls = new VBox(8, g, paths, AtlasPanels.searchBox(vm.search()));
        controls.getStyleClass().add("card");

        Label selHead = new Label("Selection");
        selHead.getStyleClass().add("subheading");
        Button interpolate = new Button("Interpolate  →");
        interpolate.setId("atlas-interpolate");
        interpolate.getStyleClass().add("primary");
        interpolate.setTooltip(new Tooltip("Walk from A to B in the Interpolation view"));
        interpolate.disableProperty().bind(Bindings.size(vm.selection()).isNotEqualTo(2));
        interpolate.setOnAction(e -> vm.interpolate());
        Button seeds = new Button("Fit seeds…");
        seeds.setId("atlas-fit-seeds");
        seeds.setTooltip(new Tooltip("Fit new seeds of the selected runs' texts in one batch and add them to the map"));
        seeds.disableProperty().bind(Bindings.isEmpty(vm.selection()).or(vm.seeds().fittingProperty()));
        seeds.setOnAction(e -> askFitSeeds());
        Button clear = new Button("Clear");
        clear.setId("atlas-clear");
        clear.disableProperty().bind(Bindings.isEmpty(vm.selection()).and(vm.checkpoints().pickedProperty().isNull()));
        clear.setOnAction(e -> vm.clearSelection());
        interpolate.setMaxWidth(Double.MAX_VALUE);
        seeds.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(seeds, Priority.ALWAYS);
        HBox more = new HBox(6, seeds, clear);
        more.setAlignment(Pos.CENTER_LEFT);
        selectionBox.setId("atlas-selection");
        VBox selection = new VBox(8, selHead, selectionBox, interpolate, more);
        selection.getStyleClass().add("card");

        Label message = new Label();
        message.setId("atlas-message");
        message.setWrapText(true);
        message.getStyleClass().add("warn-text");
        message.textProperty().bind(vm.messageProperty());
        Label hint = new Label("Hover a point for its text and numbers. Right-click a figure to export it (PNG, SVG,"
                + " PDF) or its numbers (CSV).");
        hint.setWrapText(true);
        hint.getStyleClass().add("muted");
        Region gap = new Region();
        VBox.setVgrow(gap, Priority.ALWAYS);
        VBox box = new VBox(10, heading, controls, selection, message, gap, hint);
        box.setPadding(new Insets(0, 0, 4, 0));
        return box;
    }

    private void askFitSeeds() {
        vm.seeds().ask();
    }
}
