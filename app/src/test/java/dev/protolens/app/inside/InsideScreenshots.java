package dev.protolens.app.inside;

import static dev.protolens.app.ScreenshotTour.fx;
import static dev.protolens.app.ScreenshotTour.snapshot;
import static dev.protolens.app.ScreenshotTour.waitFor;

import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.ProtoLensApp;
import dev.protolens.app.ui.Theme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Takes the README's screenshots of the Inside screen from the real app on a real (virtual) display: the lens and
 * the attention tab at 1024×700 and 1440×900, light and dark, and the knock-out and geometry tabs at 1440×900.
 * The library is any folder of runs (e.g. fitted with {@code protolens fit --library DIR}); it is used in place.
 *
 * <pre>
 * xvfb-run -a -s "-screen 0 1600x1000x24" java -cp ... dev.protolens.app.inside.InsideScreenshots OUT MODEL LIBRARY RUN_ID [BATCH_RUN_ID]
 * </pre>
 *
 * With BATCH_RUN_ID (a run of a shared-m batch) the geometry tab is taken of that run, so it shows the batch's e's.
 */
public final class InsideScreenshots {
    private InsideScreenshots() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        Path model = Path.of(args[1]).toAbsolutePath();
        Path library = Path.of(args[2]).toAbsolutePath();
        String runId = args[3];
        String batchRunId = args.length > 4 ? args[4] : null;
        Files.createDirectories(out);
        Path home = Files.createTempDirectory("protolens-inside-shots");
        System.setProperty("protolens.home", home.toString());
        System.setProperty("protolens.library", library.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1440, 900, false), model.toString(), "", null).save();
        Thread t = new Thread(() -> Application.launch(ProtoLensApp.class), "fx-launch");
        t.setDaemon(true);
        t.start();
        waitFor("the window", () -> stage() != null, 60);
        waitFor("the model", () -> ((Label) stage().getScene().lookup("#status-model")).getText().contains("llama"), 120);
        fx(() -> {
            ((javafx.scene.control.ToggleButton) stage().getScene().lookup("#nav-inside")).fire();
            return null;
        });
        waitFor("the screen", () -> view() != null, 30);
        InsideViewModel vm = fx(() -> view().model());
        waitFor("the runs", () -> vm.candidates().stream().anyMatch(r -> r.id().equals(runId)), 30);
        choose(vm, runId);
        waitFor("everything computed", vm::complete, 600);
        for (int[] size : List.of(new int[] {1440, 900}, new int[] {1024, 700})) {
            for (String theme : List.of("light", "dark")) {
                fx(() -> {
                    Stage s = stage();
                    s.setWidth(size[0]);
                    s.setHeight(size[1]);
                    ((javafx.scene.control.ChoiceBox<Theme>) s.getScene().lookup("#theme-choice")).setValue(Theme.parse(theme));
                    return null;
                });
                List<String> tabs = size[0] == 1440 && theme.equals("light")
                        ? List.of("lens", "attention", "knockouts", "geometry") : List.of("lens", "attention");
                for (String tab : tabs) {
                    if (tab.equals("geometry") && batchRunId != null) {
                        choose(vm, batchRunId);
                        waitFor("everything computed", vm::complete, 600);
                    }
                    fx(() -> {
                        view().tabs().getSelectionModel().select(List.of("lens", "attention", "knockouts", "geometry")
                                .indexOf(tab));
                        return null;
                    });
                    Thread.sleep(1200);
                    String name = "inside-" + tab + "-" + theme + (size[0] == 1440 ? "" : "-" + size[0]) + ".png";
                    snapshot(out.resolve(name));
                    System.out.println("scene " + fx(() -> stage().getScene().getWidth() + "x" + stage().getScene().getHeight()));
                    if (tab.equals("geometry") && batchRunId != null) {
                        choose(vm, runId);
                        waitFor("everything computed", vm::complete, 600);
                    }
                }
            }
        }
        Platform.exit();
        Thread.sleep(1000);
        System.exit(0);
    }

    private static void choose(InsideViewModel vm, String id) throws Exception {
        fx(() -> {
            vm.choiceProperty().set(vm.candidates().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow());
            return null;
        });
        waitFor("the run " + id, () -> vm.runProperty().get() != null && vm.runProperty().get().id().equals(id), 60);
    }

    private static Stage stage() {
        return (Stage) Window.getWindows().stream().filter(w -> w instanceof Stage s && "ProtoLens".equals(s.getTitle()))
                .findFirst().orElse(null);
    }

    private static InsideView view() {
        Stage s = stage();
        return s == null ? null : (InsideView) s.getScene().lookup("#inside-view");
    }
}
