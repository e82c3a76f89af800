package dev.protolens.engine;

import tools.jackson.core.JacksonException;

/**
 * A JSON file's problem in words a person can act on. Every reader of a JSON file the user may have edited
 * (config.json, tokenizer.json, run.json) says it the same way; it lives at the engine's root so that the
 * tokenizer and the model packages can share it without depending on each other.
 */
public final class JsonProblem {
    private JsonProblem() {}

    /**
     * Jackson's own words without its internals: the first line of the original message (no "[Source:
     * REDACTED …]" part) and the line and column where the text stops being JSON.
     */
    public static String of(JacksonException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            m = "unreadable";
        }
        int cut = m.indexOf(" (start marker at");
        m = (cut > 0 ? m.substring(0, cut) : m).lines().findFirst().orElse(m).strip();
        var at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            m += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return m;
    }
}
