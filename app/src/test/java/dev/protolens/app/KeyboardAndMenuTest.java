package dev.protolens.app;

import dev.protolens.app.ui.AppSettings;
import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.atlas.AtlasFixture;
import dev.protolens.app.library.LibraryRows;
import dev.protolens.app.library.LibraryView;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TreeTableView;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The keyboard on the real window: Tab in the text moves the focus and adds no tab token (a pasted tab stays), the
 * menu bar lists File, Edit, View, Fit and Help with the shortcuts, Ctrl+Z brings back the Library's last delete,
 * and an empty text disables Fit with its reason shown inline (no dialog).
 */
class KeyboardAndMenuTest {
    @TempDir
    Path home;

    private ProtoLensApp app;
    private final FxRobot robot = new FxRobot();

    @AfterEach
    void stop() throws Exception {
        GuiTesting.stop(app);
    }

    @Test
    void tabMovesFocusMenusListShortcutsAndCtrlZUndoesADelete() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        AtlasFixture.copyInto(home);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1280, 800, false), model.toString(), "", null).save();
        app = GuiTesting.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));

        onFx(() -> {
            ((TextArea) find("#fit-text")).setText("");
            return null;
        });
        // an empty text: Fit is disabled and the reason is inline, in the warning line and the button's tooltip
        waitUntil("the empty text's reason", 30, () -> ((Label) find("#token-warning")).getText().contains("empty"));
        assertThat(onFx(() -> ((Button) find("#fit-button")).isDisabled())).isTrue();
        assertThat(onFx(() -> ((Button) find("#fit-button")).getTooltip().getText())).contains("The text is empty");

        onFx(() -> {
            ((TextArea) find("#fit-text")).setText("Lily\tand Ben");
            return null;
        });
        robot.clickOn("#fit-text");
        robot.type(KeyCode.END);
        robot.type(KeyCode.TAB);
        assertThat(onFx(() -> ((TextArea) find("#fit-text")).getText())).isEqualTo("Lily\tand Ben");
        assertThat(onFx(() -> ((TextArea) find("#fit-text")).isFocused())).isFalse();
        assertThat(onFx(() -> ((Button) find("#fit-button")).isDisabled())).isFalse();

        MenuBar bar = find("#menu-bar");
        assertThat(onFx(() -> bar.getMenus().stream().map(m -> m.getText()).toList()))
                .containsExactly("File", "Edit", "View", "Fit", "Help");
        List<String> shortcuts = onFx(() -> bar.getMenus().stream().flatMap(m -> m.getItems().stream())
                .filter(i -> i.getAccelerator() != null)
                .map(i -> i.getText() + " " + i.getAccelerator().getDisplayText()).toList());
        assertThat(String.join("\n", shortcuts)).contains("Open model…", "Export figure…", "Undo delete", "Fit ",
                "Stop", "Save to library", "Help");
        assertThat(shortcuts).hasSizeGreaterThanOrEqualTo(12);

        // the Library: delete the first run, then Ctrl+Z brings it back
        robot.clickOn("#nav-library");
        waitUntil("the library", 30, () -> find("#library-table") != null
                && ((TreeTableView<?>) find("#library-table")).getExpandedItemCount() == 7);
        // the Date column sorts, newest first on the second click
        List<String> dates = onFx(() -> {
            @SuppressWarnings("unchecked")
            TreeTableView<LibraryRows.Row> t = (TreeTableView<LibraryRows.Row>) find("#library-table");
            var col = t.getColumns().stream().filter(c -> "col-date".equals(c.getId())).findFirst().orElseThrow();
            col.setSortType(javafx.scene.control.TreeTableColumn.SortType.DESCENDING);
            t.getSortOrder().setAll(List.of(col));
            return java.util.stream.IntStream.range(0, t.getExpandedItemCount())
                    .mapToObj(i -> t.getTreeItem(i).getValue().runs().getFirst().createdAt()).toList();
        });
        assertThat(dates).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(dates.getFirst()).isNotEqualTo(dates.getLast());
        onFx(() -> {
            ((TreeTableView<?>) find("#library-table")).getSelectionModel().select(0);
            return null;
        });
        robot.clickOn("#library-delete");
        waitUntil("the delete", 30, () -> ((TreeTableView<?>) find("#library-table")).getExpandedItemCount() == 6);
        MenuItem undo = onFx(() -> bar.getMenus().get(1).getItems().getFirst());
        assertThat(onFx(undo::isDisable)).isFalse();
        robot.clickOn("#library-table");
        robot.press(KeyCode.CONTROL, KeyCode.Z).release(KeyCode.Z, KeyCode.CONTROL);
        waitUntil("the undo", 30, () -> ((TreeTableView<?>) find("#library-table")).getExpandedItemCount() == 7);
    }
}
