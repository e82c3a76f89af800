package dev.protolens.app.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The restart curves have a legend and keep their colours when another restart becomes the best (after Stop). */
class CurvesLegendTest {
    @Test
    void eachRestartKeepsItsColourAndTheLegendNamesThem() {
        CurvesFigure f = FigureExportTest.curves();
        List<CurvesFigure.Line> lines = List.of(f.lines().get(0), f.lines().get(1), f.lines().get(2));
        f.setLines(lines, 0, 600);
        String bestFirst = FigureExport.svg(f, 700, 300, FigureStyle.LIGHT);
        f.setLines(lines, 2, 600);
        String bestLast = FigureExport.svg(f, 700, 300, FigureStyle.LIGHT);
        assertThat(bestFirst).contains(">K1<", ">K2<", ">K3<", "thick = best");
        assertThat(strokes(bestLast)).isEqualTo(strokes(bestFirst));
    }

    private static Set<String> strokes(String svg) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("stroke=\"(rgb\\([^)]*\\)|#[0-9a-fA-F]{6})\"").matcher(svg);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
