package dev.protolens.engine.experiment;

import java.util.List;

/**
 * A figure of an experiment as data only (the engine draws nothing): the window draws it on screen, the
 * report exports it. {@code file} is the stem of its exported files.
 */
public sealed interface Chart {
    String file();

    String title();

    /** Grouped bars: values[series][category]. */
    record Bars(String file, String title, String yLabel, List<String> categories, List<String> series,
                double[][] values) implements Chart {}

    /** Lines over a shared kind of x (length, τ). */
    record Lines(String file, String title, String xLabel, String yLabel, boolean logX, List<Series> series)
            implements Chart {}

    record Series(String name, double[] x, double[] y, boolean dashed) {}

    /** One labelled point per thing (a text), coloured by group. */
    record Scatter(String file, String title, String xLabel, String yLabel, List<Point> points, List<String> groups)
            implements Chart {}

    record Point(String label, double x, double y, int group) {}

    /** The locality histograms: distances between same-text and different-text solutions. */
    record Histogram(String file, String title, String metric, double[] same, double[] different) implements Chart {}
}
