package dev.protolens.app.library;

import static dev.protolens.app.GuiTesting.find;
import static dev.protolens.app.GuiTesting.onFx;
import static dev.protolens.app.GuiTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.GuiTesting;
import dev.protolens.app.LayoutCheck;
import dev.protolens.app.RealWindow;
import dev.protolens.app.atlas.AtlasFixture;
import dev.protolens.app.library.LibraryRows.GroupRow;
import dev.protolens.app.library.LibraryRows.Row;
import dev.protolens.app.library.LibraryRows.RunRow;
import dev.protolens.app.ui.AppSettings;
import dev.protolens.app.ui.Screen;
import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The Library on the real window at 1024×700 (headless, Monocle) with the Atlas fixture's 7 runs (a batch of 4 seeds
 * of one text, a batch of 3 other texts): F2 names the selected run in place and the name is stored; grouping by
 * batch shows two groups with their runs beneath, whole at that size; the filter finds a run by its name inside
 * its group; the context menu offers Label….
 */
class LibraryWindowTest {
    @TempDir
    Path home;

    @RegisterExtension
    final RealWindow window = new RealWindow();
    private final FxRobot robot = new FxRobot();

    @SuppressWarnings("unchecked")
    private static TreeTableView<Row> table() {
        return (TreeTableView<Row>) (TreeTableView<?>) find("#library-table");
    }

    private static List<Row> shownRows() {
        return onFx(() -> IntStream.range(0, table().getExpandedItemCount())
                .mapToObj(i -> table().getTreeItem(i).getValue()).toList());
    }

    @Test
    void nameARunGroupByBatchAndFilterByTheName() throws Exception {
        Path model = GuiTesting.sharedModel("stories260k-hf");
        AtlasFixture.copyInto(home);
        System.setProperty("protolens.home", home.toString());
        new AppSettings("light", new AppSettings.Window(0, 0, 1024, 700, false), model.toString(), "", null).save();
        window.start(home);
        waitUntil("the model to load", 120, () -> ((Label) find("#status-model")).getText().contains("llama"));
        robot.clickOn("#nav-library");
        waitUntil("the 7 runs", 30, () -> find("#library-table") != null && table().getExpandedItemCount() == 7);

        // F2 on the selected run edits its label in place; Enter stores it
        String id = onFx(() -> {
            table().getSelectionModel().clearAndSelect(0);
            table().requestFocus();
            return table().getTreeItem(0).getValue().runs().getFirst().id();
        });
        robot.type(KeyCode.F2);
        waitUntil("the label field", 10, () -> find("#library-label-field") != null);
        robot.write("Cat, seed zero");
        robot.type(KeyCode.ENTER);
        RunLibrary lib = new RunLibrary(home.resolve("library"));
        waitUntil("the label stored", 30, () -> "Cat, seed zero".equals(lib.load(id).record().label()));
        waitUntil("the label shown", 30, () -> shownRows().stream()
                .anyMatch(r -> r instanceof RunRow rr && "Cat, seed zero".equals(rr.label())));
        assertThat(onFx(() -> window.app().workbench().screenProperty().get()))
                .as("the Enter that stored the label did not open the run").isEqualTo(Screen.LIBRARY);

        // Esc leaves the label as it was (and stops nothing, opens nothing)
        onFx(() -> {
            table().requestFocus();
            return null;
        });
        robot.type(KeyCode.F2);
        waitUntil("the label field again", 10, () -> find("#library-label-field") != null
                && find("#library-label-field").getScene() != null);
        robot.write(" not this");
        robot.type(KeyCode.ESCAPE);
        waitUntil("the edit cancelled", 10, () -> table().getEditingCell() == null);
        Thread.sleep(500);
        assertThat(lib.load(id).record().label()).isEqualTo("Cat, seed zero");
        assertThat(shownRows()).anyMatch(r -> r instanceof RunRow rr && "Cat, seed zero".equals(rr.label()));

        // the context menu names the run too
        List<String> menu = onFx(() -> table().getContextMenu().getItems().stream().map(MenuItem::getText).toList());
        assertThat(menu).contains("Open in Fit view", "Label…", "Export", "Show in folder", "Delete");

        // by batch: two groups with their runs beneath, each group with its count and best accuracy
        onFx(() -> {
            ((ChoiceBox<LibraryRows.Grouping>) find("#library-group-by")).setValue(LibraryRows.Grouping.BATCH);
            return null;
        });
        waitUntil("two groups", 10, () -> shownRows().stream().filter(GroupRow.class::isInstance).count() == 2);
        List<Row> rows = shownRows();
        assertThat(rows).hasSize(9);
        assertThat(rows.stream().filter(GroupRow.class::isInstance).map(Row::text).toList())
                .anySatisfy(t -> assertThat(t).endsWith("4 runs")).anySatisfy(t -> assertThat(t).endsWith("3 runs"));
        assertThat(rows.stream().filter(GroupRow.class::isInstance).map(Row::accuracy).toList()).doesNotContainNull();
        Thread.sleep(500);
        List<String> problems = onFx(() -> LayoutCheck.problems(GuiTesting.mainStage().getScene()));
        assertThat(problems).as(String.join("\n", problems)).isEmpty();

        // the filter finds the run by its name, inside its group (now a group of one: shown as the run)
        onFx(() -> {
            ((TextField) find("#library-filter")).setText("cat, seed");
            return null;
        });
        waitUntil("the named run alone", 10, () -> shownRows().size() == 1);
        assertThat(shownRows().getFirst().runs().getFirst().id()).isEqualTo(id);
    }
}
