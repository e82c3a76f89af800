package dev.protolens.app.figures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.work.MapColouring;
import java.awt.geom.Point2D;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The map's markers as drawn (exported to SVG, the same drawing as the screen's): runs at one place carry a
 * count and are all found under the pointer, unfinished fits are hollow with a legend entry, and a search dims
 * the runs it did not find.
 */
class MapMarkersTest {
    private static ProjectionFigure map(List<ProjectionFigure.Point> pts) {
        ProjectionFigure f = new ProjectionFigure();
        int[] cat = new int[pts.size()];
        f.setData("Map of " + pts.size() + " runs of tiny (e)", "PC 1", "PC 2", pts,
                MapColouring.categorical("text", cat, new String[] {pts.size() + " × “the cat”"}));
        return f;
    }

    @Test
    void runsAtOnePlaceCarryACountAndAreAllUnderThePointer() {
        // 0 and 1 are one place; 2 is 1e-4 of the range away (well under a pixel); 3 and 4 are far apart
        ProjectionFigure f = map(List.of(new ProjectionFigure.Point("a", 0.5, 0.5),
                new ProjectionFigure.Point("b", 0.5, 0.5), new ProjectionFigure.Point("c", 0.5001, 0.5),
                new ProjectionFigure.Point("d", 0, 0), new ProjectionFigure.Point("e", 1, 1)));
        String svg = FigureExport.svg(f, 600, 400, FigureStyle.LIGHT);
        assertThat(f.stackSize(0)).isEqualTo(3);
        assertThat(f.stackSize(1)).isEqualTo(3);
        assertThat(f.stackSize(2)).isEqualTo(3);
        assertThat(f.stackSize(3)).isEqualTo(1);
        assertThat(f.stackSize(4)).isEqualTo(1);
        // one badge (bold digits), on the stack of three; none on the runs seen alone
        java.util.regex.Matcher badges = java.util.regex.Pattern.compile("bold[^>]*>(\\d+)</text>").matcher(svg);
        List<String> counts = new java.util.ArrayList<>();
        while (badges.find()) {
            counts.add(badges.group(1));
        }
        assertThat(counts).as("the count badges").containsExactly("3");
        Point2D c = f.drawnAt(0);
        assertThat(f.pointsAt(c.getX() + 1, c.getY())).containsExactlyInAnyOrder(0, 1, 2);
        Point2D far = f.drawnAt(3);
        assertThat(f.pointsAt(far.getX(), far.getY())).containsExactly(3);
        assertThat(f.pointsAt(far.getX() + 40, far.getY() - 40)).isEmpty();
    }

    @Test
    void overlappingMeansWithinTheMarkersRadiusOnScreen() {
        ProjectionFigure f = map(List.of(new ProjectionFigure.Point("a", 0, 0), new ProjectionFigure.Point("b", 1, 1),
                new ProjectionFigure.Point("c", 0.5, 0.5), new ProjectionFigure.Point("d", 0.5, 0.5)));
        FigureExport.svg(f, 600, 400, FigureStyle.LIGHT);
        // the same data 1/1000 apart per pixel: find a second point just inside and one just outside the radius
        double perPixelX = 1 / (f.drawnAt(1).getX() - f.drawnAt(0).getX());
        ProjectionFigure near = map(List.of(new ProjectionFigure.Point("a", 0, 0), new ProjectionFigure.Point("b", 1, 1),
                new ProjectionFigure.Point("c", 0.5, 0.5),
                new ProjectionFigure.Point("d", 0.5 + perPixelX * (ProjectionFigure.OVERLAP - 0.5), 0.5)));
        FigureExport.svg(near, 600, 400, FigureStyle.LIGHT);
        assertThat(near.stackSize(2)).isEqualTo(2);
        ProjectionFigure apart = map(List.of(new ProjectionFigure.Point("a", 0, 0), new ProjectionFigure.Point("b", 1, 1),
                new ProjectionFigure.Point("c", 0.5, 0.5),
                new ProjectionFigure.Point("d", 0.5 + perPixelX * (ProjectionFigure.OVERLAP + 1), 0.5)));
        FigureExport.svg(apart, 600, 400, FigureStyle.LIGHT);
        assertThat(apart.stackSize(2)).isEqualTo(1);
        assertThat(apart.stackSize(3)).isEqualTo(1);
    }

    @Test
    void unfinishedFitsAreHollowWithALegendEntry() {
        ProjectionFigure done = map(List.of(new ProjectionFigure.Point("a", 0, 0), new ProjectionFigure.Point("b", 1, 1)));
        assertThat(FigureExport.svg(done, 600, 400, FigureStyle.LIGHT)).doesNotContain("unfinished fit");
        ProjectionFigure f = map(List.of(new ProjectionFigure.Point("a", 0, 0), new ProjectionFigure.Point("b", 1, 1),
                new ProjectionFigure.Point("cp", 0.5, 0.2, true)));
        String svg = FigureExport.svg(f, 600, 400, FigureStyle.LIGHT);
        assertThat(svg).contains("unfinished fit (checkpoint)");
        assertThat(f.csv()).contains("\ncheckpoint,cp,").contains("\nrun,a,");
        // hollow: the marker is filled with the background (white) and outlined in its text's colour
        String text = hex(FigureStyle.LIGHT.seriesColor(0));
        assertThat(count(svg, "stroke:" + text)).as("an outline in " + text).isEqualTo(1);
        assertThat(count(FigureExport.svg(done, 600, 400, FigureStyle.LIGHT), "stroke:" + text)).isZero();
    }

    @Test
    void aSearchDimsTheRunsItDidNotFind() {
        ProjectionFigure f = map(List.of(new ProjectionFigure.Point("a", 0, 0), new ProjectionFigure.Point("b", 1, 1)));
        String full = hex(FigureStyle.LIGHT.seriesColor(0));
        String before = FigureExport.svg(f, 600, 400, FigureStyle.LIGHT);
        f.setMatching(new boolean[] {true, false});
        assertThat(f.dimmed(0)).isFalse();
        assertThat(f.dimmed(1)).isTrue();
        String after = FigureExport.svg(f, 600, 400, FigureStyle.LIGHT);
        assertThat(count(before, full)).isGreaterThan(count(after, full));
        f.setMatching(null);
        assertThat(f.dimmed(1)).isFalse();
        assertThat(count(FigureExport.svg(f, 600, 400, FigureStyle.LIGHT), full)).isEqualTo(count(before, full));
    }

    private static String hex(java.awt.Color c) {
        return "rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ")";
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
