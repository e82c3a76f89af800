package dev.protolens.app.ui;

/** The places the left navigation leads to. */
public enum Screen {
    FIT("Fit", "Paste a text and find its two vectors"),
    LIBRARY("Library", "Every fitted run"),
    ATLAS("Atlas", "The library's vectors, projected"),
    INTERPOLATE("Interpolate", "Walk between two solutions"),
    INSIDE("Inside", "Look inside a run's one pass: lens, attention, knock-outs"),
    EXPERIMENTS("Experiments", "The paper's experiments on the open model: plan, run, table, figures, report");

    private final String label;
    private final String hint;

    Screen(String label, String hint) {
        this.label = label;
        this.hint = hint;
    }

    public String label() {
        return label;
    }

    public String hint() {
        return hint;
    }
}
