package dev.protolens.app.atlas;

import dev.protolens.engine.store.Run;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which colour each text gets on the map, stable while the library grows: texts are numbered by their first run's
 * date (then by the text), not by where their runs happen to be in the list, so adding runs never recolours the
 * texts already shown; a new text takes the next colour.
 */
final class TextColours {
    private TextColours() {}

    /** Each text of {@code runs} and its category number, in order. */
    static Map<String, Integer> order(List<Run> runs) {
        Map<String, Long> first = new HashMap<>();
        for (Run r : runs) {
            first.merge(r.record().text(), AtlasViewModel.epochMillis(r.record().createdAt()), Math::min);
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        first.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> index.put(e.getKey(), index.size()));
        return index;
    }
}
