package dev.protolens.app.figures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.store.RunRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A path's figures name their ends, so that an exported figure says which runs it walks between: the τ curves
 * under their axis, the decoded text under its key; by label where the run has one, else by a text snippet, and
 * always with the seed (two solutions of one text differ only there).
 */
class PathEndsTest {
    static RunRecord run(String id, String text, long seed, String label) {
        RunRecord.Settings s = new RunRecord.Settings("e_m", "normal", seed, 0.01, 0.9, 0.999, 1e-8, 0, 1000, 1, false);
        return new RunRecord(RunRecord.SCHEMA_VERSION, id, "2026-12-03T06:00:00Z", "test", null, text, new long[0],
                List.of(), s, "complete", null, null, null, null, null, null, label);
    }

    static final RunRecord A = run("a", "The cat sat on the mat.", 0, null);
    static final RunRecord B = run("b", "The cat sat on the mat.", 3, "my best cat");

    @Test
    void theTauCurvesNameAAndBUnderTheirAxis() {
        TauCurvesFigure f = new TauCurvesFigure();
        f.setCurves("token accuracy", List.of(new TauCurvesFigure.Curve("straight line", new double[] {0, 1},
                new double[] {1, 1}, TauCurvesFigure.Style.STRAIGHT, -1)));
        String before = FigureExport.svg(f, 760, 360, FigureStyle.LIGHT);
        assertThat(before).contains("0 = run A, 1 = run B").doesNotContain("seed");
        f.setEnds(A, B);
        String svg = FigureExport.svg(f, 760, 360, FigureStyle.LIGHT);
        assertThat(svg).contains("A = “The cat sat on the mat.” (seed 0)").contains("B = my best cat (seed 3)");
        // narrow: the texts give way, the seeds stay
        String narrow = FigureExport.svg(f, 300, 260, FigureStyle.LIGHT);
        assertThat(narrow).contains("(seed 0)").contains("(seed 3)").doesNotContain("The cat sat on the mat.");
    }

    @Test
    void theDecodedTextNamesAAndB() {
        DecodedTextFigure f = new DecodedTextFigure();
        f.setText(new String[] {"The", " cat"}, new boolean[] {true, true}, new boolean[] {true, true},
                new String[] {"The", " cat"}, new String[] {"The", " cat"}, true, "τ = 0.500");
        f.setEnds(A, run("c", "Tom had a big blue boat.", 10, null));
        String svg = FigureExport.svg(f, 760, 200, FigureStyle.LIGHT);
        assertThat(svg).contains("A = “The cat sat on the mat.” (seed 0)")
                .contains("B = “Tom had a big blue boat.” (seed 10)");
    }

    @Test
    void aNameIsTheLabelOrTheTextCutAndTheSeed() {
        assertThat(PathEnds.name(A, 12)).isEqualTo("“The cat sat…” (seed 0)");
        assertThat(PathEnds.name(B, 5)).isEqualTo("my b… (seed 3)");
        assertThat(PathEnds.name(run("d", "two\n  lines", 1, " "), 40)).isEqualTo("“two lines” (seed 1)");
    }
}
