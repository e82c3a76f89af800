package dev.protolens.app.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.library.LibraryRows.GroupRow;
import dev.protolens.app.library.LibraryRows.Grouping;
import dev.protolens.app.library.LibraryRows.Row;
import dev.protolens.app.library.LibraryRows.RunRow;
import dev.protolens.app.ui.HeadlessBench;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Library's view model without a window or a model: naming runs (stored, shown, cleared, refused when too
 * long), grouping by batch and by text with counts and best accuracy, and the filter working inside groups. The
 * library is written here: a batch of three seeds of one text, a single run of the same text, one of another text.
 */
class LibraryViewModelTest {
    static final String LILY = "Lily wanted to get a cat or a dog.";
    static final String MIA = "Mia sat under the old tree and read.";

    @TempDir
    Path tmp;
    HeadlessBench bench;
    LibraryViewModel vm;

    @BeforeEach
    void open() {
        bench = new HeadlessBench(tmp);
        for (int s = 0; s < 3; s++) {
            LibraryFixture.save(bench.library, LibraryFixture.record("lily-batch-s" + s, LILY, s, 0.5 + 0.2 * s, "2026-12-01T10:00:0" + s + "Z",
                    new RunRecord.Batch("lily-batch", s, 3)));
        }
        LibraryFixture.save(bench.library, LibraryFixture.record("lily-alone", LILY + "\n", 9, 0.25, "2026-12-02T10:00:00Z", null));
        LibraryFixture.save(bench.library, LibraryFixture.record("mia", MIA, 0, 1.0, "2026-12-03T10:00:00Z", null));
        vm = bench.onUi(() -> new LibraryViewModel(bench.wb, r -> { }));
        bench.onUi(vm::refresh).join();
    }

    @AfterEach
    void close() {
        bench.close();
    }

    private List<Row> rows() {
        return bench.onUi(() -> vm.rowsProperty().get());
    }

    @Test
    void withoutGroupingEveryRunIsARowNewestFirst() {
        assertThat(rows()).allSatisfy(r -> assertThat(r).isInstanceOf(RunRow.class));
        assertThat(rows()).extracting(r -> r.runs().getFirst().id())
                .containsExactly("mia", "lily-alone", "lily-batch-s2", "lily-batch-s1", "lily-batch-s0");
    }

    @Test
    void groupingByBatchGathersItsSeedsWithTheirCountAndBestAccuracy() {
        bench.onUi(() -> vm.groupingProperty().set(Grouping.BATCH));
        List<Row> rows = rows();
        // runs fitted alone are rows of their own; the batch is one group of three
        assertThat(rows).hasSize(3);
        GroupRow batch = rows.stream().filter(GroupRow.class::isInstance).map(GroupRow.class::cast).findFirst()
                .orElseThrow();
        assertThat(batch.runs()).extracting(RunRecord::id)
                .containsExactly("lily-batch-s2", "lily-batch-s1", "lily-batch-s0");
        assertThat(batch.text()).contains("lily-batch").contains("3 runs").contains("Lily wanted");
        assertThat(batch.accuracy()).isEqualTo(0.9, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(batch.status()).isEqualTo("3 complete");
        assertThat(batch.date()).isEqualTo(LibraryRows.format("2026-12-01T10:00:02Z")); // its newest run
        assertThat(batch.seed()).as("seeds differ").isNull();
        assertThat(batch.model()).isEqualTo("stories260k-hf");
        assertThat(batch.tokens()).isEqualTo(3);
    }

    @Test
    void groupingByTextGathersEveryRunOfOneTextAndTheFilterWorksInsideGroups() {
        bench.onUi(() -> vm.groupingProperty().set(Grouping.TEXT));
        List<Row> rows = rows();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).isInstanceOf(RunRow.class); // Mia: one run, shown as itself
        GroupRow lily = (GroupRow) rows.get(1);
        // a trailing newline is the same text
        assertThat(lily.runs()).extracting(RunRecord::id).containsExactly("lily-alone", "lily-batch-s2",
                "lily-batch-s1", "lily-batch-s0");
        assertThat(lily.text()).startsWith("“Lily wanted").endsWith("4 runs");
        assertThat(lily.seed()).isNull();

        // the filter picks runs; the groups are made of what it leaves
        bench.onUi(() -> vm.filterProperty().set("lily-batch-s1"));
        assertThat(rows()).singleElement().isInstanceOf(RunRow.class)
                .extracting(r -> r.runs().getFirst().id()).isEqualTo("lily-batch-s1");
        bench.onUi(() -> vm.filterProperty().set("LILY-BATCH"));
        assertThat(rows()).singleElement().isInstanceOf(GroupRow.class).extracting(r -> r.runs().size()).isEqualTo(3);
        bench.onUi(() -> vm.filterProperty().set(""));
        bench.onUi(() -> vm.groupingProperty().set(Grouping.NONE));
        assertThat(rows()).hasSize(5);
    }

    @Test
    void aLabelIsStoredShownEverywhereFoundByTheFilterAndCleared() {
        RunRecord s1 = bench.onUi(() -> vm.visibleRuns().stream().filter(r -> r.id().equals("lily-batch-s1"))
                .findFirst().orElseThrow());
        RunRecord named = bench.onUi(() -> vm.label(s1, "  best Lily\n")).join();
        assertThat(named.label()).isEqualTo("best Lily");
        bench.waitFor("the relisted library", () -> vm.visibleRuns().stream()
                .anyMatch(r -> "best Lily".equals(r.label())));
        assertThat(new RunLibrary(bench.library.root()).load("lily-batch-s1").record().label()).isEqualTo("best Lily");
        RunRecord shown = bench.onUi(() -> vm.visibleRuns().stream().filter(r -> r.id().equals("lily-batch-s1"))
                .findFirst().orElseThrow());
        // the name every screen uses (the Interpolate and Inside menus, the Label column)
        assertThat(RunNames.describe(shown)).isEqualTo("best Lily · seed 1 · 70 %");
        assertThat(RunNames.name(s1, 10)).isEqualTo("“Lily want…”");
        assertThat(new RunRow(shown).label()).isEqualTo("best Lily");

        bench.onUi(() -> vm.filterProperty().set("BEST lily"));
        assertThat(rows()).singleElement().extracting(r -> r.runs().getFirst().id()).isEqualTo("lily-batch-s1");
        bench.onUi(() -> vm.filterProperty().set(""));

        bench.onUi(() -> vm.label(shown, "")).join();
        bench.waitFor("the label cleared", () -> vm.visibleRuns().stream().noneMatch(r -> r.label() != null));
        assertThat(bench.library.load("lily-batch-s1").record().label()).isNull();
        assertThat(bench.errors).isEmpty();
    }

    @Test
    void aLabelTheLibraryRefusesIsExplainedAndChangesNothing() {
        RunRecord mia = bench.onUi(() -> vm.visibleRuns().getFirst());
        var refused = bench.onUi(() -> vm.label(mia, "x".repeat(RunLibrary.MAX_LABEL + 5)));
        bench.waitFor("the dialog", () -> !bench.errors.isEmpty());
        assertThat(refused).isCompletedExceptionally();
        assertThat(bench.errors).singleElement().satisfies(e -> {
            assertThat(e.title()).isEqualTo("Could not name the run");
            assertThat(e.message()).contains("at most " + RunLibrary.MAX_LABEL + " characters").contains("Shorten it");
        });
        assertThat(bench.library.load("mia").record().label()).isNull();

        // a run deleted meanwhile (another window, the CLI): said so, nothing written
        bench.errors.clear();
        bench.library.delete("mia");
        bench.onUi(() -> vm.label(mia, "gone"));
        bench.waitFor("the dialog", () -> !bench.errors.isEmpty());
        assertThat(bench.errors.getFirst().message()).contains("There is no run 'mia'");
        assertThat(bench.library.exists("mia")).isFalse();
    }
}
