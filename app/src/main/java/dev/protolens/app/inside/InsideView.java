package dev.protolens.app.inside;

import dev.protolens.app.figures.AttentionGridFigure;
import dev.protolens.app.figures.AttentionHeadFigure;
import dev.protolens.app.figures.AttentionLayersFigure;
import dev.protolens.app.figures.FigureCanvas;
import dev.protolens.app.figures.GeometryFigure;
import dev.protolens.app.figures.KnockOutFigure;
import dev.protolens.app.figures.LensFigure;
import dev.protolens.app.fit.TokenText;
import dev.protolens.app.ui.DisplayConverter;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.inside.AttentionMaps;
import dev.protolens.engine.inside.FittedPass;
import dev.protolens.engine.inside.Inside;
import dev.protolens.engine.inside.KnockOut;
import dev.protolens.engine.inside.KnockOutCurve;
import dev.protolens.engine.inside.LensMap;
import dev.protolens.engine.model.PassProbe;
import dev.protolens.engine.store.RunRecord;
import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.Duration;

/**
 * The Inside screen: a run of the library and, in four tabs, its one pass from inside: the logit lens of the fitted
 * pass beside the text read normally, the attention of every head with one in detail and a summary per layer, the
 * knock-out curves, and the geometry of e and m. Every chart is a figure (right-click: PNG, SVG, PDF, CSV);
 * "Export all…" writes every figure and array at once, as {@code protolens inside} does.
 */
public final class InsideView extends VBox {
    private final InsideViewModel vm;
    private final Workbench wb;
    private final LensFigure lensFigure = new LensFigure();
    private final AttentionGridFigure gridFigure = new AttentionGridFigure();
    private final AttentionHeadFigure headFigure = new AttentionHeadFigure();
    private final AttentionLayersFigure layersFigure = new AttentionLayersFigure();
    private final KnockOutFigure knockFigure = new KnockOutFigure();
    private final GeometryFigure geometryFigure = new GeometryFigure();
    private final FigureCanvas lens;
    private final FigureCanvas grid;
    private final FigureCanvas head;
    private final FigureCanvas layers;
    private final FigureCanvas knock;
    private final FigureCanvas geometry;
    private final Label lensSummary = new Label();
    private final Label attentionSummary = new Label();
    private final Label knockSummary = new Label();
    private final TabPane tabs = new TabPane();
    private String[] labels = new String[0];

    public InsideView(Workbench wb, InsideViewModel vm) {
        this.wb = wb;
        this.vm = vm;
        setId("inside-view");
        getStyleClass().add("view");
        lens = canvas("inside-lens", () -> lensFigure);
        grid = canvas("inside-grid", () -> gridFigure);
        head = canvas("inside-head", () -> headFigure);
        layers = canvas("inside-layers", () -> layersFigure);
        knock = canvas("inside-knockouts", () -> knockFigure);
        geometry = canvas("inside-geometry", () -> geometryFigure);
        clearAll("choose a run");

        tabs.setId("inside-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getTabs().addAll(tab("Logit lens", lensTab()), tab("Attention", attentionTab()),
                tab("Knock-outs", knockTab()), tab("Geometry", geometry));
        VBox.setVgrow(tabs, Priority.ALWAYS);
        getChildren().addAll(head(), tabs);

        vm.passProperty().addListener((o, was, now) -> {
            labels = now == null ? new String[0] : Arrays.stream(now.pieces()).map(TokenText::visible).toArray(String[]::new);
            if (now == null) {
                clearAll(vm.runProperty().get() == null ? "choose a run" : "reading the run…");
            }
        });
        vm.lookProperty().addListener((o, was, now) -> showLook());
        vm.teacherForcedProperty().addListener((o, was, now) -> showLook());
        vm.knockOutsProperty().addListener((o, was, now) -> showKnockOuts(now));
        vm.geometryProperty().addListener((o, was, now) -> {
            if (now == null) {
                geometryFigure.clear(vm.passProperty().get() == null ? "choose a run" : "measuring e and m…");
            } else {
                geometryFigure.setGeometry(now, TokenText::visible);
            }
            geometry.repaint();
        });
        vm.problemProperty().addListener((o, was, now) -> {
            if (!now.isEmpty() && vm.lookProperty().get() == null) {
                clearAll("");
            }
        });
        wb.theme().darkProperty().addListener((o, a, b) -> repaintAll());
        wb.refreshWhileShown(this, () -> vm.refreshCandidates());
    }

    public InsideViewModel model() {
        return vm;
    }

    public TabPane tabs() {
        return tabs;
    }

    public LensFigure lensFigure() {
        return lensFigure;
    }

    public AttentionGridFigure gridFigure() {
        return gridFigure;
    }

    public AttentionHeadFigure headFigure() {
        return headFigure;
    }

    public KnockOutFigure knockOutFigure() {
        return knockFigure;
    }

    public GeometryFigure geometryFigure() {
        return geometryFigure;
    }

    public FigureCanvas lensCanvas() {
        return lens;
    }

    public FigureCanvas gridCanvas() {
        return grid;
    }

    /** Shows layer {@code layer}, head {@code h} in the detail view (a click on the grid does this). */
    public void selectHead(int layer, int h) {
        AttentionMaps m = gridFigure.maps();
        if (m == null) {
            return;
        }
        gridFigure.select(layer, h);
        headFigure.show(m, layer, h);
        grid.repaint();
        head.repaint();
    }

    private FigureCanvas canvas(String id, java.util.function.Supplier<dev.protolens.app.figures.Figure> f) {
        FigureCanvas c = new FigureCanvas(f, wb.theme()::isDark);
        c.setId(id);
        c.setMinHeight(120);
        return c;
    }

    private static Tab tab(String name, javafx.scene.Node content) {
        Tab t = new Tab(name, content);
        t.setId("inside-tab-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-"));
        return t;
    }

    private static Tooltip tooltip() {
        Tooltip tip = new Tooltip();
        tip.setShowDelay(Duration.millis(120));
        tip.setShowDuration(Duration.seconds(30));
        tip.setWrapText(true);
        tip.setMaxWidth(520);
        return tip;
    }

    private VBox head() {
        Label heading = new Label("Inside");
        heading.getStyleClass().add("heading");
        ComboBox<RunRecord> runs = new ComboBox<>(vm.candidates());
        runs.setId("inside-run");
        runs.setMaxWidth(Double.MAX_VALUE);
        runs.setPrefWidth(420);
        runs.setPromptText("a run from the library");
        runs.setConverter(DisplayConverter.of(dev.protolens.app.library.RunNames::describe));
        runs.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(RunRecord r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : dev.protolens.app.library.RunNames.describe(r));
            }
        });
        runs.valueProperty().bindBidirectional(vm.choiceProperty());
        HBox.setHgrow(runs, Priority.ALWAYS);
        Button export = new Button("Export all…");
        export.setId("inside-export");
        export.setTooltip(new Tooltip("Write every figure (PNG, SVG, PDF) and every array (CSV, .npy, safetensors) of this"
                + " run into a folder, as protolens inside does"));
        export.setOnAction(e -> {
            DirectoryChooser c = dev.protolens.app.ui.SaveDialogs.folderChooser("Export the Inside figures and arrays into…");
            java.nio.file.Path dir = dev.protolens.app.ui.SaveDialogs.chosen(c.showDialog(getScene().getWindow()));
            if (dir != null) {
                vm.exportAll(dir);
            }
        });
        export.disableProperty().bind(vm.teacherForcedProperty().isNull().or(vm.knockingProperty())
                .or(vm.geometryProperty().isNull()));
        export.setMinWidth(Region.USE_PREF_SIZE);
        HBox row = new HBox(10, heading, runs, export);
        row.setAlignment(Pos.CENTER_LEFT);

        Label info = new Label();
        info.setId("inside-info");
        info.getStyleClass().add("muted");
        info.setWrapText(true);
        vm.lookProperty().addListener((o, a, l) -> info.setText(l == null ? "" : describe(l)));
        Label status = new Label();
        status.setId("inside-status");
        status.getStyleClass().add("muted");
        status.textProperty().bind(vm.statusProperty());
        Label problem = new Label();
        problem.setId("inside-problem");
        problem.getStyleClass().add("warn-text");
        problem.setWrapText(true);
        problem.textProperty().bind(vm.problemProperty());
        problem.visibleProperty().bind(vm.problemProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        Label empty = new Label("Choose a run to see how its two vectors make the model write the text: where in the"
                + " depth the text appears, which heads read e, and which layers need it.");
        empty.getStyleClass().add("muted");
        dev.protolens.app.ui.Layout.wrapping(empty);
        empty.visibleProperty().bind(vm.runProperty().isNull());
        empty.managedProperty().bind(empty.visibleProperty());
        return new VBox(6, row, empty, info, problem, status);
    }

    private static String describe(Inside.Look l) {
        FittedPass p = l.pass();
        return String.format(Locale.ROOT, "%d tokens, %s: the one pass writes %d of %d (%.0f %%).", p.length(),
                p.arrangement().label(), Math.round(l.oneStepAccuracy() * p.length()), p.length(),
                100 * l.oneStepAccuracy());
    }

    // ---- the lens ----

    private VBox lensTab() {
        ChoiceBox<PassProbe.Site> site = new ChoiceBox<>();
        site.setId("inside-site");
        site.getItems().setAll(PassProbe.Site.values());
        site.setConverter(DisplayConverter.of(s -> s == PassProbe.Site.AFTER_LAYER ? "after each layer"
                : "after the attention, inside each layer"));
        site.valueProperty().bindBidirectional(vm.siteProperty());
        ChoiceBox<Integer> every = new ChoiceBox<>();
        every.setId("inside-every");
        every.getItems().setAll(0, 1, 2, 4, 8);
        every.setConverter(DisplayConverter.of(k -> switch (k) {
            case 0 -> "default layers (every " + Inside.defaultEvery(Math.max(1, vm.layers())) + ")";
            case 1 -> "every layer";
            default -> "every " + k + (k == 2 ? "nd" : "th") + " layer";
        }));
        every.setValue(vm.everyProperty().get());
        every.valueProperty().addListener((o, a, b) -> vm.everyProperty().set(b == null ? 0 : b));
        every.setTooltip(new Tooltip("Thinning: read every k-th layer. The input and the last layer are always read."));
        Label read = new Label("Read the stream");
        Label rows = new Label("Layers");
        HBox controls = new HBox(8, read, site, rows, every);
        controls.setAlignment(Pos.CENTER_LEFT);
        lensSummary.setId("inside-lens-summary");
        lensSummary.setWrapText(true);
        lensSummary.setMinHeight(Region.USE_PREF_SIZE);
        Tooltip tip = tooltip();
        lens.canvas().setOnMouseMoved(e -> {
            LensFigure.Hit h = lensFigure.hit(e.getX(), e.getY());
            if (h == null) {
                Tooltip.uninstall(lens.canvas(), tip);
            } else {
                tip.setText(LensFigure.describe(h, labels, TokenText::visible));
                Tooltip.install(lens.canvas(), tip);
            }
        });
        lens.canvas().setOnMouseExited(e -> Tooltip.uninstall(lens.canvas(), tip));
        VBox.setVgrow(lens, Priority.ALWAYS);
        VBox box = new VBox(8, controls, lensSummary, lens);
        box.getStyleClass().add("tab-body");
        box.setStyle("-fx-padding: 8 0 0 0;");
        return box;
    }

    private void showLook() {
        Inside.Look l = vm.lookProperty().get();
        if (l == null) {
            clearAll(vm.passProperty().get() == null ? (vm.runProperty().get() == null ? "choose a run" : "")
                    : "reading the lens and the attention…");
            return;
        }
        LensMap read = vm.teacherForcedProperty().get();
        lensFigure.setData(labels, l.oneStep(), read);
        lensSummary.setText(lensSummary(l.oneStep(), read));
        AttentionMaps a = l.attention();
        gridFigure.setMaps(a);
        layersFigure.setMaps(a);
        // a new run opens on the head that reads e most; a new look at the same run keeps the head chosen
        String runId = vm.runProperty().get() == null ? null : vm.runProperty().get().id();
        boolean keep = runId != null && runId.equals(selectionRun) && headFigure.layer() <= a.layers()
                && headFigure.head() < a.heads();
        int[] strongest = InsideExport.strongestHead(a);
        int sl = keep ? headFigure.layer() : strongest[0];
        int sh = keep ? headFigure.head() : strongest[1];
        selectionRun = runId;
        gridFigure.select(sl, sh);
        headFigure.show(a, sl, sh);
        attentionSummary.setText(attentionSummary(a));
        repaintAll();
    }

    private String selectionRun;

    static String lensSummary(LensMap fitted, LensMap read) {
        int first = fitted.firstLayerWritingAll();
        StringBuilder b = new StringBuilder();
        b.append(first < 0 ? String.format(Locale.ROOT, "The lens of the one pass writes at most %.0f %% of the text at"
                + " any layer read.", 100 * max(fitted)) : first == fitted.layers()[fitted.rows() - 1]
                ? "The one pass writes the whole text only at its last layer (" + first + ")."
                : "The one pass writes the whole text from layer " + first + " on.");
        if (read != null) {
            b.append(String.format(Locale.ROOT, " Read normally, the model's own next-token guesses get %.0f %% of it"
                    + " right at the last layer.", 100 * read.accuracy(read.rows() - 1)));
        }
        return b.toString();
    }

    private static double max(LensMap m) {
        double best = 0;
        for (int r = 0; r < m.rows(); r++) {
            best = Math.max(best, m.accuracy(r));
        }
        return best;
    }

    // ---- attention ----

    private VBox attentionTab() {
        attentionSummary.setId("inside-attention-summary");
        attentionSummary.setWrapText(true);
        attentionSummary.setMinHeight(Region.USE_PREF_SIZE);
        Tooltip tip = tooltip();
        grid.canvas().setOnMouseMoved(e -> {
            int[] h = gridFigure.hit(e.getX(), e.getY());
            AttentionMaps m = gridFigure.maps();
            if (h == null || m == null) {
                Tooltip.uninstall(grid.canvas(), tip);
                return;
            }
            double toE = m.meanToE(h[0], h[1]);
            tip.setText(String.format(Locale.ROOT, "layer %d, head %d: %.0f %% of its attention on e, %.0f %% on the m"
                    + " positions (averaged over positions)%s. Click to see it.", h[0], h[1], 100 * toE, 100 * (1 - toE),
                    m.sink(h[0], h[1]) ? "; a sink" : ""));
            Tooltip.install(grid.canvas(), tip);
        });
        grid.canvas().setOnMouseExited(e -> Tooltip.uninstall(grid.canvas(), tip));
        grid.canvas().setOnMouseClicked(e -> {
            int[] h = gridFigure.hit(e.getX(), e.getY());
            if (h != null) {
                selectHead(h[0], h[1]);
            }
        });
        SplitPane right = new SplitPane(head, layers);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.55);
        SplitPane split = new SplitPane(grid, right);
        split.setDividerPositions(0.5);
        VBox.setVgrow(split, Priority.ALWAYS);
        VBox box = new VBox(8, attentionSummary, split);
        box.setStyle("-fx-padding: 8 0 0 0;");
        return box;
    }

    static String attentionSummary(AttentionMaps a) {
        List<int[]> sinks = a.sinks();
        String list = sinks.isEmpty() ? "No head puts most of its attention on e."
                : sinks.size() + " of " + a.layers() * a.heads() + " heads are sinks (over "
                        + Math.round(100 * AttentionMaps.SINK_SHARE) + " % of their attention on e): "
                        + String.join(", ", sinks.stream().limit(12).map(x -> "L" + x[0] + " h" + x[1]).toList())
                        + (sinks.size() > 12 ? ", …" : "") + ".";
        int most = 1;
        for (int l = 2; l <= a.layers(); l++) {
            if (a.layerShare(l).toE() > a.layerShare(most).toE()) {
                most = l;
            }
        }
        return list + String.format(Locale.ROOT, " Layer %d reads e most: %.0f %% of its attention. Click a head to see"
                + " it.", most, 100 * a.layerShare(most).toE());
    }

    // ---- knock-outs ----

    private VBox knockTab() {
        ChoiceBox<KnockOut.Scope> scope = new ChoiceBox<>();
        scope.setId("inside-scope");
        scope.getItems().setAll(KnockOut.Scope.values());
        scope.setConverter(DisplayConverter.of(s -> "remove it " + s.label()));
        scope.valueProperty().bindBidirectional(vm.scopeProperty());
        Label busy = new Label("running one pass per layer…");
        busy.getStyleClass().add("muted");
        busy.visibleProperty().bind(vm.knockingProperty());
        HBox controls = new HBox(8, new Label("Attention to e, and among the m positions:"), scope, busy);
        controls.setAlignment(Pos.CENTER_LEFT);
        knockSummary.setId("inside-knock-summary");
        knockSummary.setWrapText(true);
        knockSummary.setMinHeight(Region.USE_PREF_SIZE);
        Tooltip tip = tooltip();
        knock.canvas().setOnMouseMoved(e -> {
            KnockOutFigure.Hit h = knockFigure.hit(e.getX(), e.getY());
            if (h == null) {
                Tooltip.uninstall(knock.canvas(), tip);
                return;
            }
            KnockOutCurve c = h.curve();
            tip.setText(String.format(Locale.ROOT, "%s removed %s, ℓ = %d: %.0f %% right%nwrites: %s", c.what().label(),
                    c.scope().label(), h.layer(), 100 * c.accuracy()[h.layer() - 1], c.texts()[h.layer() - 1]));
            Tooltip.install(knock.canvas(), tip);
        });
        knock.canvas().setOnMouseExited(e -> Tooltip.uninstall(knock.canvas(), tip));
        VBox.setVgrow(knock, Priority.ALWAYS);
        VBox box = new VBox(8, controls, knockSummary, knock);
        box.setStyle("-fx-padding: 8 0 0 0;");
        return box;
    }

    private void showKnockOuts(List<KnockOutCurve> curves) {
        if (curves.isEmpty()) {
            knockFigure.clear(vm.passProperty().get() == null ? "choose a run" : "knocking out, one pass per layer…");
            knockSummary.setText("");
        } else {
            knockFigure.setCurves(curves);
            knockSummary.setText(knockSummary(curves));
        }
        knock.repaint();
    }

    static String knockSummary(List<KnockOutCurve> curves) {
        StringBuilder b = new StringBuilder();
        for (KnockOutCurve c : curves) {
            List<Integer> breaking = c.breakingBelow(0.5);
            b.append(String.format(Locale.ROOT, "Without %s %s, the text falls below half right for %s. ",
                    c.what().label(), c.scope().label().replace("ℓ", "ℓ"), breaking.isEmpty() ? "no ℓ"
                            : breaking.size() == c.layers() ? "every ℓ" : "ℓ = " + breaking.stream().map(String::valueOf)
                            .reduce((x, y) -> x + ", " + y).orElse("")));
        }
        return b.toString().strip() + " Hover a point for the text it writes.";
    }

    // ---- all ----

    private void clearAll(String message) {
        lensFigure.clear(message);
        gridFigure.clear(message);
        headFigure.clear(message.isEmpty() ? "" : "click a head in the grid");
        layersFigure.setMaps(null);
        if (vm.lookProperty().get() == null) {
            lensSummary.setText("");
            attentionSummary.setText("");
        }
        repaintAll();
    }

    private void repaintAll() {
        for (FigureCanvas c : List.of(lens, grid, head, layers, knock, geometry)) {
            c.repaint();
        }
    }
}
