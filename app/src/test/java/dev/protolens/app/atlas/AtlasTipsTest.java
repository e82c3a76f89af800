package dev.protolens.app.atlas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.figures.ProjectionFigure;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.work.MapColouring;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the map says on hover: one run in full; a stack of runs at one place, every one of them, one line each. */
class AtlasTipsTest {
    static Run run(String id, String text, long seed, String status) {
        RunRecord.Settings s = new RunRecord.Settings("e_m", "normal", seed, 0.01, 0.9, 0.999, 1e-8, 0, 1000, 1, false);
        RunRecord.Metrics m = new RunRecord.Metrics(0.75, 0.1, 3, 4, false, -1, 10, 10, Double.NaN, text);
        RunRecord r = new RunRecord(RunRecord.SCHEMA_VERSION, id, "2026-12-03T06:00:00Z", "test", null, text,
                new long[0], List.of(), s, status, m, null, null, null, null, null, null);
        return new Run(r, new ProtoTokens(new float[] {0}, new float[] {0}), null, null);
    }

    @Test
    void aStackListsEveryRunUnderThePointer() {
        List<Run> runs = List.of(run("a", "The cat sat.", 0, "complete"), run("b", "The cat sat.", 1, "complete"),
                run("c", "The cat sat.", 2, "checkpoint"));
        List<ProjectionFigure.Point> at = runs.stream().map(r -> new ProjectionFigure.Point(r.id(), 0, 0)).toList();
        String tip = AtlasTips.of(runs, at);
        assertThat(tip).startsWith("3 runs here").contains("“The cat sat.” · seed 0 · 75 %")
                .contains("“The cat sat.” · seed 1 · 75 %").contains("seed 2 · 75 % · unfinished");
        assertThat(AtlasTips.of(runs.subList(2, 3), at.subList(2, 3))).startsWith("Unfinished fit")
                .contains("Resume in Fit");
        assertThat(AtlasTips.of(runs.subList(0, 1), at.subList(0, 1))).startsWith("“The cat sat.”").contains("run a");

        List<Run> many = new ArrayList<>();
        for (int i = 0; i < AtlasTips.LIST_MAX + 3; i++) {
            many.add(run("r" + i, "Same text", i, "complete"));
        }
        String long_ = AtlasTips.of(many, many.stream().map(r -> new ProjectionFigure.Point(r.id(), 0, 0)).toList());
        assertThat(long_).startsWith((AtlasTips.LIST_MAX + 3) + " runs here").contains("… and 3 more");
    }

    @Test
    void theLegendCountsSolutionsNotUnfinishedFits() {
        MapColouring c = MapColouring.of(List.of(run("a", "The cat sat.", 0, "complete"),
                run("b", "The cat sat.", 1, "checkpoint"), run("c", "A boat.", 0, "checkpoint")), MapColouring.By.TEXT);
        assertThat(c.categories()).containsExactlyInAnyOrder("1 × “The cat sat.”", "unfinished “A boat.”");
    }
}
