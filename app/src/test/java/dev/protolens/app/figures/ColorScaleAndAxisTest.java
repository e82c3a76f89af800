package dev.protolens.app.figures;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class ColorScaleAndAxisTest {
    @Test
    void cividisRisesEvenlyInLightnessFromDarkBlueToYellow() {
        ColorScale s = ColorScale.CIVIDIS;
        assertThat(s.color(0)).isEqualTo(new Color(0, 34, 78));
        assertThat(s.color(1)).isEqualTo(new Color(254, 232, 56));
        double prev = -1;
        double minStep = Double.MAX_VALUE;
        double maxStep = 0;
        for (int i = 0; i <= 20; i++) {
            double l = Math.cbrt(ColorScale.luminance(s.color(i / 20.0)));
            if (prev >= 0) {
                double step = l - prev;
                assertThat(step).as("lightness never falls").isPositive();
                minStep = Math.min(minStep, step);
                maxStep = Math.max(maxStep, step);
            }
            prev = l;
        }
        // perceptually even: no step of the scale is more than about twice another
        assertThat(maxStep / minStep).isLessThan(2.2);
        assertThat(s.color(Double.NaN)).isEqualTo(s.color(0));
        assertThat(s.color(7)).isEqualTo(s.color(1));
    }

    @Test
    void textColourReadsOnEveryCell() {
        for (int i = 0; i <= 10; i++) {
            Color bg = ColorScale.CIVIDIS.color(i / 10.0);
            Color fg = ColorScale.textOn(bg);
            double l1 = ColorScale.luminance(bg) + 0.05;
            double l2 = ColorScale.luminance(fg) + 0.05;
            double contrast = Math.max(l1, l2) / Math.min(l1, l2);
            assertThat(contrast).as("WCAG contrast at %d/10", i).isGreaterThanOrEqualTo(4.5);
        }
        for (int v = 0; v < 256; v += 5) {
            Color grey = new Color(v, v, v);
            double l1 = ColorScale.luminance(grey) + 0.05;
            double l2 = ColorScale.luminance(ColorScale.textOn(grey)) + 0.05;
            assertThat(Math.max(l1, l2) / Math.min(l1, l2)).as("grey %d", v).isGreaterThanOrEqualTo(4.5);
        }
    }

    @Test
    void linearTicksAreNiceAndCoverTheRange() {
        Axis a = Axis.linear(0, 563, 5);
        assertThat(a.ticks()).containsExactly(0.0, 200.0, 400.0, 600.0);
        assertThat(a.fraction(0)).isZero();
        assertThat(a.fraction(600)).isEqualTo(1.0);
        assertThat(Axis.linear(0, 0.37, 4).ticks()).contains(0.0, 0.1, 0.2, 0.3, 0.4);
        assertThat(Axis.linear(0, 0.37, 4).label(0.1)).isEqualTo("0.1");
    }

    @Test
    void logAxesSpanWholeDecades() {
        Axis a = Axis.log(0.03, 8.2);
        assertThat(a.min()).isEqualTo(0.01);
        assertThat(a.max()).isEqualTo(10.0);
        assertThat(a.ticks()).hasSize(4);
        assertThat(a.fraction(1)).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.label(0.01)).isEqualTo("0.01");
    }
}
