package dev.protolens.app;

import dev.protolens.app.figures.FigureCanvas;
import dev.protolens.app.fit.FitViewModel;
import dev.protolens.app.library.LibraryViewModel;
import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.Screen;
import dev.protolens.app.ui.Theme;
import dev.protolens.app.ui.Workbench;
import java.io.File;
import java.util.Locale;
import javafx.scene.Node;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

/**
 * The menu bar: every command of the window with its shortcut, so the keys can be found without the README.
 * Ctrl+Enter, Esc, Ctrl+S and Ctrl+O are also caught before the text box sees them (ProtoLensApp's key filter); the
 * menu shows them and runs the same commands.
 */
final class AppMenu {
    static final String HELP = """
            Fit a text: paste it on the left and press Fit (Ctrl+Enter). Esc stops and keeps the best vectors so far; \
            Ctrl+S saves them to the library.

            Shortcuts
              Ctrl+O          open a model
              Ctrl+Enter      fit the text
              Esc             stop the fit
              Ctrl+S          save the result to the library
              Ctrl+E          export the screen's main figure (PNG, SVG or PDF)
              Ctrl+Z          undo the Library's last delete
              Ctrl+1 … Ctrl+5 Fit, Library, Atlas, Interpolate, Inside
              Tab             next field (a tab pasted into the text stays in it)
              F1              this help

            Right-click any figure to export it or its numbers. The README explains every screen.""";

    private AppMenu() {}

    static MenuBar build(Stage stage, Workbench wb, FitViewModel fit, LibraryViewModel library, Node root) {
        MenuBar bar = new MenuBar();
        bar.setId("menu-bar");
        bar.setUseSystemMenuBar(true);

        MenuItem openModel = item("Open model…", "menu-open-model", key(KeyCode.O), wb::showModelPicker);
        MenuItem openText = item("Open text file…", "menu-open-text", null, () -> {
            FileChooser c = new FileChooser();
            c.setTitle("Open a text to fit");
            c.getExtensionFilters().add(new FileChooser.ExtensionFilter("Text", "*.txt", "*.md", "*"));
            File f = c.showOpenDialog(stage);
            if (f != null) {
                wb.openTextFile(f.toPath());
            }
        });
        MenuItem export = item("Export figure…", "menu-export", key(KeyCode.E), () -> exportFigure(root));
        MenuItem quit = item("Quit", "menu-quit", key(KeyCode.Q),
                () -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        Menu file = new Menu("File", null, openModel, openText, export, new SeparatorMenuItem(), quit);

        MenuItem undo = item("Undo delete", "menu-undo-delete", key(KeyCode.Z), library::undoDelete);
        undo.disableProperty().bind(library.lastDeletedProperty().isNull());
        MenuItem copy = item("Copy vectors as JSON", "menu-copy-vectors", null, fit::copyVectors);
        copy.disableProperty().bind(fit.outcomeProperty().isNull());
        Menu edit = new Menu("Edit", null, undo, copy);

        Menu view = new Menu("View");
        int i = 1;
        for (Screen s : Screen.values()) {
            view.getItems().add(item(s.label(), "menu-screen-" + s.name().toLowerCase(Locale.ROOT),
                    key(KeyCode.getKeyCode(Integer.toString(i++))), () -> wb.screenProperty().set(s)));
        }
        CheckMenuItem dark = new CheckMenuItem("Dark theme");
        dark.setId("menu-dark");
        dark.setSelected(wb.theme().isDark());
        wb.theme().themeProperty().subscribe(t -> dark.setSelected(wb.theme().isDark()));
        dark.setOnAction(e -> wb.theme().themeProperty().set(dark.isSelected() ? Theme.DARK : Theme.LIGHT));
        MenuItem log = item("Message log", "menu-log", null, () -> {
            if (root.lookup("#status-log") instanceof javafx.scene.control.Button b) {
                b.fire();
            }
        });
        view.getItems().addAll(new SeparatorMenuItem(), dark, log);

        MenuItem run = item("Fit", "menu-fit", new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN), () -> {
            wb.screenProperty().set(Screen.FIT);
            fit.fit();
        });
        MenuItem stop = item("Stop", "menu-stop", new KeyCodeCombination(KeyCode.ESCAPE), fit::stop);
        stop.disableProperty().bind(fit.phaseProperty().isNotEqualTo(FitViewModel.Phase.RUNNING));
        MenuItem save = item("Save to library", "menu-save", key(KeyCode.S), fit::save);
        MenuItem again = item("Fit again with new seed", "menu-fit-again", null, fit::fitAgainWithNewSeed);
        MenuItem resume = item("Resume", "menu-resume", null, fit::resume);
        Menu fitMenu = new Menu("Fit", null, run, stop, save, again, resume);

        MenuItem help = item("Help", "menu-help", new KeyCodeCombination(KeyCode.F1),
                () -> Dialogs.info(stage, "ProtoLens help", HELP));
        MenuItem about = item("About ProtoLens", "menu-about", null,
                () -> Dialogs.info(stage, "About ProtoLens " + dev.protolens.engine.Version.VALUE, MainWindow.ABOUT));
        Menu helpMenu = new Menu("Help", null, help, about);

        bar.getMenus().setAll(file, edit, view, fitMenu, helpMenu);
        return bar;
    }

    /** Ctrl+E: the export dialog of the figure the screen shows first (its main figure). */
    private static void exportFigure(Node root) {
        Node n = root.lookup(".figure-pane");
        if (n instanceof FigureCanvas c && c.getScene() != null) {
            c.exportDialog();
        }
    }

    private static KeyCombination key(KeyCode code) {
        return new KeyCodeCombination(code, KeyCombination.SHORTCUT_DOWN);
    }

    private static MenuItem item(String label, String id, KeyCombination accel, Runnable action) {
        MenuItem m = new MenuItem(label);
        m.setId(id);
        if (accel != null) {
            m.setAccelerator(accel);
        }
        m.setOnAction(e -> action.run());
        return m;
    }
}
