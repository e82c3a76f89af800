package dev.protolens.engine.experiment;

import java.util.List;
import java.util.Map;

/**
 * What an experiment found: a table (formatted cells, the same in CSV, Markdown and on screen), the findings as
 * sentences with measured numbers, each beside the paper's claim, the figures as data, and the raw numbers.
 *
 * @param claim    the paper's claim this experiment checks, in the paper's words and numbers
 * @param setup    model, texts, grid, seeds and steps, one line
 * @param findings what was measured, one sentence each
 * @param numbers  the measured values by name, for JSON
 */
public record ExperimentReport(String experiment, String title, String claim, String setup, List<String> columns,
                               List<List<String>> rows, List<String> findings, List<Chart> charts,
                               Map<String, Object> numbers, int itemsDone, int itemsPlanned) {
    public boolean complete() {
        return itemsDone == itemsPlanned;
    }
}
