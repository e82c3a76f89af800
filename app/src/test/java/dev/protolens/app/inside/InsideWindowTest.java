package dev.protolens.app.inside;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.RealWindow;
import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.app.atlas.AtlasFixture;
import dev.protolens.app.figures.ExportedFiles;
import dev.protolens.app.figures.LensFigure;
import dev.protolens.engine.inside.KnockOut;
import dev.protolens.engine.inside.KnockOutCurve;
import dev.protolens.engine.inside.LensMap;
import dev.protolens.engine.model.PassProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Point2D;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The Inside screen on the real window (headless), on a stories260K run of a shared-m batch: choosing the run shows
 * the lens of both passes (the one pass writes the whole text at the last layer), the attention grid (a click shows
 * that head in detail), both knock-out curves (and new ones when the scope changes), the geometry with the batch's
 * spread of e; reading after attention gives a new lens; "Export all" writes figures and arrays.
 */
class InsideWindowTest {
    @TempDir
    Path home;

    @RegisterExtension
    final RealWindow window = new RealWindow();
    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();


    @Test
    void aRunSeenFromInside() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        AtlasFixture.copyInto(home);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        app = window.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        String runId = AtlasFixture.catIds().get(1);

        robot.clickOn("#nav-inside");
        waitUntil("the view", 30, () -> find("#inside-view") != null);
        InsideView view = find("#inside-view");
        InsideViewModel vm = view.model();
        waitUntil("the chooser to list the model's runs", 30, () -> vm.candidates().size() == 7);
        onFx(() -> {
            vm.choiceProperty().set(vm.candidates().stream().filter(r -> r.id().equals(runId)).findFirst().orElseThrow());
            return null;
        });
        waitUntil("lens, attention, knock-outs and geometry", 120, vm::complete);

        LensMap one = onFx(() -> view.lensFigure().oneStep());
        LensMap read = onFx(() -> view.lensFigure().teacherForced());
        assertThat(one.layers()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(one.columns()).isEqualTo(onFx(() -> vm.passProperty().get().length()));
        assertThat(one.accuracy(one.rows() - 1)).as("the fitted run writes its text at the last layer").isEqualTo(1.0);
        assertThat(read).isNotNull();
        assertThat(read.pass()).isEqualTo(LensMap.TEACHER_FORCED);
        String summary = onFx(() -> ((Label) find("#inside-lens-summary")).getText());
        System.out.println("lens: " + summary);
        assertThat(summary).contains("layer");
        // the lens map answers the pointer: the top-right cell of the first panel is the last layer's last token
        LensFigure.Hit hit = onFx(() -> {
            double w = view.lensCanvas().getWidth();
            for (double x = w / 2 - 1; x > 0; x -= 2) {
                for (double y = 0; y < view.lensCanvas().getHeight(); y += 2) {
                    LensFigure.Hit h = view.lensFigure().hit(x, y);
                    if (h != null) {
                        return h;
                    }
                }
            }
            return null;
        });
        assertThat(hit).isNotNull();
        assertThat(hit.map()).isSameAs(one);
        assertThat(hit.row()).isEqualTo(one.rows() - 1);
        assertThat(hit.column()).isEqualTo(one.columns() - 1);
        assertThat(LensFigure.describe(hit, onFx(() -> vm.passProperty().get().pieces()), s -> s)).contains("layer 5");

        // attention: the grid, a click on a head shows it in detail
        onFx(() -> {
            view.tabs().getSelectionModel().select(1);
            return null;
        });
        waitUntil("the grid laid out", 30, () -> view.gridCanvas().getWidth() > 100);
        assertThat(onFx(() -> view.gridFigure().maps().layers())).isEqualTo(5);
        Point2D target = onFx(() -> {
            for (double y = 0; y < view.gridCanvas().getHeight(); y += 2) {
                for (double x = 0; x < view.gridCanvas().getWidth(); x += 2) {
                    int[] h = view.gridFigure().hit(x, y);
                    if (h != null && h[0] == 2 && h[1] == 3) {
                        return view.gridCanvas().canvas().localToScreen(x + 3, y + 3);
                    }
                }
            }
            return null;
        });
        assertThat(target).as("layer 2, head 3 is on the grid").isNotNull();
        robot.clickOn(target);
        waitUntil("head L2 h3 in detail", 10, () -> view.headFigure().layer() == 2 && view.headFigure().head() == 3);
        System.out.println("attention: " + onFx(() -> ((Label) find("#inside-attention-summary")).getText()));

        // knock-outs: both curves for the default scope, new ones for another
        List<KnockOutCurve> curves = onFx(() -> vm.knockOutsProperty().get());
        assertThat(curves).extracting(KnockOutCurve::what).containsExactly(KnockOut.E, KnockOut.AMONG_M);
        assertThat(curves.getFirst().scope()).isEqualTo(KnockOut.Scope.LAYER);
        assertThat(curves.getFirst().baseline()).isEqualTo(1.0);
        assertThat(curves.getFirst().accuracy()).hasSize(5);
        onFx(() -> {
            view.tabs().getSelectionModel().select(2);
            @SuppressWarnings("unchecked")
            ChoiceBox<KnockOut.Scope> scope = (ChoiceBox<KnockOut.Scope>) find("#inside-scope");
            scope.setValue(KnockOut.Scope.UP_TO);
            return null;
        });
        waitUntil("the curves of layers ≤ ℓ", 60, () -> !vm.knockOutsProperty().get().isEmpty()
                && vm.knockOutsProperty().get().getFirst().scope() == KnockOut.Scope.UP_TO);
        assertThat(onFx(() -> view.knockOutFigure().curves().getFirst().scope())).isEqualTo(KnockOut.Scope.UP_TO);
        System.out.println("knock-outs: " + onFx(() -> ((Label) find("#inside-knock-summary")).getText()));

        // geometry: the run is one of four sharing m
        var g = onFx(() -> view.geometryFigure().geometry());
        assertThat(g.batch()).isNotNull();
        assertThat(g.batch().size()).isEqualTo(AtlasFixture.SEEDS);
        assertThat(g.batch().runIds()).contains(runId);
        assertThat(g.nearestE()).hasSize(10);

        // reading after the attention inside each layer is another lens
        onFx(() -> {
            view.tabs().getSelectionModel().select(0);
            @SuppressWarnings("unchecked")
            ChoiceBox<PassProbe.Site> site = (ChoiceBox<PassProbe.Site>) find("#inside-site");
            site.setValue(PassProbe.Site.AFTER_ATTENTION);
            return null;
        });
        waitUntil("the lens after attention", 60, () -> vm.complete()
                && vm.lookProperty().get().site() == PassProbe.Site.AFTER_ATTENTION);
        assertThat(onFx(() -> view.lensFigure().oneStep().site())).isEqualTo(PassProbe.Site.AFTER_ATTENTION);

        Path out = home.resolve("export");
        List<Path> files = onFx(() -> vm.exportAll(out)).get();
        assertThat(files).contains(out.resolve("lens.png"), out.resolve("lens.svg"), out.resolve("lens.pdf"),
                out.resolve("attention.npy"), out.resolve("inside.safetensors"), out.resolve("knockouts.csv"));
        assertThat(files).allMatch(Files::isRegularFile);
        ExportedFiles.pngDrawn(out.resolve("attention-heads.png"));
        assertThat(Files.readString(out.resolve("inside.json"))).contains("\"site\" : \"after-attention\"");
    }
}
