package dev.protolens.app.figures;

import java.awt.Color;
import java.awt.Font;

/**
 * Colours and fonts of a figure. The screen uses the theme's style; exports use {@link #LIGHT} (figures end
 * up on white pages).
 *
 * @param series colours for several lines (restarts, runs), distinguishable with common colour-blindness
 *               (Okabe–Ito palette)
 */
public record FigureStyle(Color background, Color foreground, Color muted, Color grid, Color accent, Color danger,
                          Color[] series, String fontFamily, float fontSize, ColorScale scale) {

    private static final Color[] OKABE_ITO = {
        new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0x56B4E9), new Color(0xD55E00), new Color(0xF0E442), new Color(0x000000)
    };

    public static final FigureStyle LIGHT = new FigureStyle(Color.WHITE, new Color(0x1c1d22), new Color(0x62646e),
            new Color(0xe3e5eb), new Color(0x2f63d0), new Color(0xb3261e), OKABE_ITO, Font.SANS_SERIF, 12f,
            ColorScale.CIVIDIS);

    public static final FigureStyle DARK = new FigureStyle(new Color(0x26282d), new Color(0xe6e7eb),
            new Color(0xa0a3ad), new Color(0x393c44), new Color(0x7aa2f7), new Color(0xf28b82), darkSeries(),
            Font.SANS_SERIF, 12f, ColorScale.CIVIDIS);

    public Font font(float scale, int style) {
        return new Font(fontFamily, style, Math.round(fontSize * scale));
    }

    public Font font() {
        return font(1f, Font.PLAIN);
    }

    public Color seriesColor(int i) {
        return series[Math.floorMod(i, series.length)];
    }

    private static Color[] darkSeries() {
        Color[] c = OKABE_ITO.clone();
        c[0] = new Color(0x56B4E9);
        c[4] = new Color(0x0072B2).brighter();
        c[7] = new Color(0xdddddd);
        return c;
    }
}
