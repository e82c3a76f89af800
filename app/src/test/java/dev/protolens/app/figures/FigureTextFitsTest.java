package dev.protolens.app.figures;

import static dev.protolens.app.GuiTesting.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * Every text a figure draws lies inside its canvas, at the sizes the window gives it: from the narrow curves beside
 * the Fit view's strip at 1024×700 to a wide window (issue 16: the narrow curves' rotated axis title was cut).
 */
class FigureTextFitsTest {
    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void theCurvesTextsStayInsideTheCanvasFromNarrowToWide() {
        CurvesFigure f = FigureExportTest.curves();
        List<String> problems = new ArrayList<>();
        for (double w : new double[] {300, 340, 387, 420, 500, 700, 1000}) {
            for (double h : new double[] {140, 160, 188, 220, 300}) {
                for (FigureStyle s : new FigureStyle[] {FigureStyle.LIGHT, FigureStyle.DARK}) {
                    problems.addAll(onFx(() -> check(f, w, h, s)));
                }
            }
        }
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    @Test
    void aLongFitsStepLabelsStayInsideTheNarrowCurves() {
        // 1070 steps: the x axis ends at "1 500", centred on the plot's right edge
        float[] loss = new float[1070];
        float[] acc = new float[1070];
        for (int i = 0; i < loss.length; i++) {
            loss[i] = (float) (12 * Math.exp(-i / 200.0));
            acc[i] = Math.min(1, i / 1000f);
        }
        CurvesFigure f = new CurvesFigure();
        f.setLines(List.of(CurvesFigure.Line.of(loss, acc)), 0, 1070);
        List<String> problems = new ArrayList<>();
        for (double w : new double[] {300, 387, 431, 500}) {
            problems.addAll(onFx(() -> check(f, w, 188, FigureStyle.DARK)));
        }
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
        assertThat(onFx(() -> FigureTextCheck.texts(f, 387, 188, FigureStyle.DARK)).stream()
                .map(FigureTextCheck.Drawn::text)).contains("1 500");
    }

    @Test
    void theRecorderSeesARotatedTitleThatRunsPastTheEdge() {
        // the check itself: a figure that draws its rotated title longer than the canvas is high is caught
        Figure tooLong = new Figure() {
            @Override
            public void draw(java.awt.Graphics2D g, double width, double height, FigureStyle style) {
                g.setFont(style.font());
                g.translate(14, height - 4);
                g.rotate(-Math.PI / 2);
                g.drawString("a rotated axis title far longer than the figure is high", 0f, 0f);
            }

            @Override
            public String title() {
                return "test";
            }
        };
        List<FigureTextCheck.Drawn> drawn = onFx(() -> FigureTextCheck.texts(tooLong, 200, 100, FigureStyle.LIGHT));
        assertThat(drawn).hasSize(1);
        assertThat(drawn.getFirst().ink().getMinY()).isLessThan(-100);
        assertThat(drawn.getFirst().ink().getMaxY()).isBetween(90.0, 100.0);
        assertThat(drawn.getFirst().ink().getWidth()).isBetween(5.0, 20.0);
    }

    private static List<String> check(Figure f, double w, double h, FigureStyle s) {
        List<String> out = new ArrayList<>();
        for (FigureTextCheck.Drawn d : FigureTextCheck.texts(f, w, h, s)) {
            var r = d.ink();
            if (r.getMinX() < -0.5 || r.getMinY() < -0.5 || r.getMaxX() > w + 0.5 || r.getMaxY() > h + 0.5) {
                out.add(Math.round(w) + "×" + Math.round(h) + " " + (s == FigureStyle.DARK ? "dark" : "light") + ": '" + d.text() + "' at " + r);
            }
        }
        return out;
    }
}
