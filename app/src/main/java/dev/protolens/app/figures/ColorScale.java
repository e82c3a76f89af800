package dev.protolens.app.figures;

import java.awt.Color;

/**
 * A perceptually even, colour-blind-safe colour scale for values in [0, 1]. Cividis (Nuñez, Anderton &
 * Renslow 2018, PLOS ONE 13(7)) was built so that people with red–green colour blindness see the same
 * scale as everyone else, with lightness rising evenly from dark blue to yellow. Stored as 17 control
 * points taken every 16th entry of the published 256-entry table, interpolated linearly (the table is
 * itself nearly linear between them).
 */
public final class ColorScale {
    private static final double[][] CIVIDIS_17 = {
        {0.000000, 0.135112, 0.304751}, {0.000000, 0.178802, 0.414764}, {0.103401, 0.220406, 0.435790},
        {0.195057, 0.264372, 0.425924}, {0.263738, 0.307831, 0.422789}, {0.324250, 0.351289, 0.426250},
        {0.380830, 0.395164, 0.435653}, {0.435168, 0.439763, 0.451134}, {0.488697, 0.485318, 0.471008},
        {0.547840, 0.531895, 0.471704}, {0.609105, 0.579816, 0.463638}, {0.671991, 0.629316, 0.448018},
        {0.736488, 0.680629, 0.424028}, {0.802667, 0.733978, 0.390153}, {0.870717, 0.789572, 0.343333},
        {0.941147, 0.847530, 0.275815}, {0.995737, 0.909344, 0.217772}
    };

    public static final ColorScale CIVIDIS = new ColorScale("cividis", CIVIDIS_17);

    private final String name;
    private final Color[] lut = new Color[256];

    private ColorScale(String name, double[][] points) {
        this.name = name;
        for (int i = 0; i < lut.length; i++) {
            double x = i / 255.0 * (points.length - 1);
            int a = Math.min((int) x, points.length - 2);
            double t = x - a;
            float r = (float) (points[a][0] + t * (points[a + 1][0] - points[a][0]));
            float g = (float) (points[a][1] + t * (points[a + 1][1] - points[a][1]));
            float b = (float) (points[a][2] + t * (points[a + 1][2] - points[a][2]));
            lut[i] = new Color(clamp(r), clamp(g), clamp(b));
        }
    }

    public String name() {
        return name;
    }

    /** The colour of {@code v} (clamped to [0, 1]; NaN counts as 0). */
    public Color color(double v) {
        if (!(v > 0)) {
            return lut[0];
        }
        return lut[(int) Math.round(Math.min(1, v) * 255)];
    }

    /**
     * Black or white, whichever contrasts more with {@code background}. The switch sits where both contrast
     * ratios are equal (luminance √(1.05·0.05) − 0.05 ≈ 0.179), so every cell gets at least 4.58:1 (WCAG AA).
     */
    public static Color textOn(Color background) {
        return luminance(background) > 0.179 ? Color.BLACK : Color.WHITE;
    }

    /** WCAG relative luminance in [0, 1]. */
    public static double luminance(Color c) {
        return 0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    }

    private static double linear(int channel) {
        double s = channel / 255.0;
        return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
