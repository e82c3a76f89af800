package dev.protolens.app.atlas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.work.MapColouring;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Colours per text stay when runs are added to the map, wherever the new runs land in the list. */
class AtlasColoursTest {
    @Test
    void aTextKeepsItsColourWhenRunsAreAdded() throws Exception {
        RunLibrary lib = new RunLibrary(AtlasFixture.library());
        List<Run> all = lib.list().runs().stream().map(r -> lib.load(r.id())).toList();
        // the map before: the cat's seeds (fitted first); then the other texts' batch is added, listed first
        List<Run> before = new ArrayList<>(all.stream().filter(r -> r.record().text().equals(AtlasFixture.CAT)).toList());
        List<Run> after = new ArrayList<>(all.stream().filter(r -> !before.contains(r)).toList());
        after.addAll(before);
        Map<String, Integer> was = categories(before);
        Map<String, Integer> now = categories(after);
        assertThat(now).hasSize(4);
        assertThat(now.get(AtlasFixture.CAT)).isEqualTo(was.get(AtlasFixture.CAT));
        // and the colours do not depend on the order the runs are listed in
        for (long seed = 1; seed <= 3; seed++) {
            List<Run> shuffled = new ArrayList<>(after);
            Collections.shuffle(shuffled, new java.util.Random(seed));
            assertThat(categories(shuffled)).isEqualTo(now);
        }
    }

    private static Map<String, Integer> categories(List<Run> runs) {
        MapColouring c = MapColouring.of(runs, MapColouring.By.TEXT);
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            m.put(runs.get(i).record().text(), c.category()[i]);
        }
        return m;
    }
}
