package dev.protolens.app.interpolate;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.GuiTesting;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.app.atlas.AtlasFixture;
import dev.protolens.engine.store.RunRecord;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Interpolate screen names the runs it computes: after the library changes under it (runs added by "Fit
 * seeds", or deleted), the A and B menus still show the pair whose path is drawn.
 */
class InterpolateSelectionTest {
    @TempDir
    Path home;

    private ProtoLensApp app;

    @AfterEach
    void stop() throws Exception {
        GuiTesting.stop(app);
    }

    @Test
    void theMenusShowThePairComputedAfterALibraryChange() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        AtlasFixture.copyInto(home);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1400, 900, false), model.toString(), "", null).save();
        app = GuiTesting.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        onFx(() -> {
            app.workbench().screenProperty().set(dev.protolens.app.ui.Screen.INTERPOLATE);
            return null;
        });
        waitUntil("the interpolate view", 30, () -> find("#interpolate-view") != null);
        InterpolateViewModel vm = ((InterpolateView) find("#interpolate-view")).model();
        waitUntil("the choosers to list the runs", 30, () -> vm.candidates().size() == 7);
        // the last two runs of the menus, so that a run before them leaving the list moves their places
        List<RunRecord> all = onFx(() -> List.copyOf(vm.candidates()));
        RunRecord a = all.get(5);
        RunRecord b = all.get(6);
        onFx(() -> {
            vm.choiceAProperty().set(a);
            vm.choiceBProperty().set(b);
            return null;
        });
        waitUntil("the pair's curve", 60, () -> vm.curvesProperty().get() != null && vm.bProperty().get() != null
                && vm.bProperty().get().id().equals(b.id()));

        // as "Fit seeds" does: new runs land in the library while the pair is shown, and one run leaves it
        var s = app.workbench().session();
        var spec = dev.protolens.engine.fit.FitSpec.defaults().withMaxSteps(3);
        AtlasFixture.fitAndSave(s, app.workbench().library(), dev.protolens.engine.fit.FitRequest.seeds(
                dev.protolens.engine.fit.FitTarget.of(s.model(), "Mia found a small red box.",
                        dev.protolens.engine.proto.Arrangement.E_M), spec, 3), spec);
        app.workbench().library().delete(all.get(0).id());
        app.workbench().libraryChanged();
        waitUntil("the choosers to list the new runs", 30, () -> vm.candidates().size() == 9);
        Thread.sleep(500);
        assertShownIsComputed(vm, a.id(), b.id());

        // the Atlas's way in: "Fit seeds" adds runs, then Interpolate is pressed on two runs (setPair) while the
        // screen is hidden, and the screen reads the library when it is shown
        onFx(() -> {
            app.workbench().screenProperty().set(dev.protolens.app.ui.Screen.ATLAS);
            return null;
        });
        Thread.sleep(1000);
        AtlasFixture.fitAndSave(s, app.workbench().library(), dev.protolens.engine.fit.FitRequest.seeds(
                dev.protolens.engine.fit.FitTarget.of(s.model(), "Lily went home.",
                        dev.protolens.engine.proto.Arrangement.E_M), spec, 3), spec);
        app.workbench().libraryChanged();
        var ra = app.workbench().library().load(all.get(1).id());
        var rb = app.workbench().library().load(all.get(3).id());
        onFx(() -> {
            vm.setPair(ra, rb);
            app.workbench().screenProperty().set(dev.protolens.app.ui.Screen.INTERPOLATE);
            return null;
        });
        waitUntil("the choosers to list the new runs", 30, () -> vm.candidates().size() == 12);
        Thread.sleep(1000);
        assertShownIsComputed(vm, ra.id(), rb.id());
    }

    @SuppressWarnings("unchecked")
    private static void assertShownIsComputed(InterpolateViewModel vm, String a, String b) {
        List<String> shown = onFx(() -> List.of(((ComboBox<RunRecord>) find("#interp-a")).getValue().id(),
                ((ComboBox<RunRecord>) find("#interp-b")).getValue().id(), vm.choiceAProperty().get().id(),
                vm.choiceBProperty().get().id()));
        List<String> computed = onFx(() -> List.of(vm.aProperty().get().id(), vm.bProperty().get().id()));
        assertThat(computed).containsExactly(a, b);
        assertThat(shown).containsExactly(a, b, a, b);
    }
}
