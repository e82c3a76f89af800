package dev.protolens.app.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** On a narrow map the subtitle (variance, t-SNE iteration) is never drawn on the title's line over the title. */
class MapTitleTest {
    @Test
    void theSubtitleLeavesTheTitleAloneOnANarrowMap() {
        ProjectionFigure f = new ProjectionFigure();
        f.setData("Map of 18 runs of stories260k-hf (e, t-SNE)", "t-SNE 1", "t-SNE 2",
                List.of(new ProjectionFigure.Point("a", 0, 0), new ProjectionFigure.Point("b", 1, 1)),
                dev.protolens.engine.work.MapColouring.categorical("text", new int[] {0, 0}, new String[] {"2 × cat"}));
        f.setNote("t-SNE, perplexity 5, iteration 1000 of 1000");
        String svg = FigureExport.svg(f, 480, 360, FigureStyle.LIGHT);
        double titleY = yOf(svg, "Map of 18 runs");
        double noteY = yOf(svg, "t-SNE, perplexity");
        assertThat(Math.abs(noteY - titleY)).as("the subtitle's baseline is off the title's line").isGreaterThan(8);
    }

    private static double yOf(String svg, String text) {
        int at = svg.indexOf(text);
        assertThat(at).as(text + " in the SVG").isPositive();
        String tag = svg.substring(svg.lastIndexOf("<text", at), at);
        Matcher m = Pattern.compile("\\by=['\"]([-0-9.]+)['\"]").matcher(tag);
        assertThat(m.find()).as("the baseline of " + tag).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
