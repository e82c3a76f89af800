package dev.protolens.engine.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.UserError;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan file, its shards, and a runner that resumes without refitting what it finished. */
class PlanTest {
    @TempDir
    Path tmp;

    private static Plan plan(int items, int steps) {
        Plan.Settings s = Plan.Settings.paper().withSteps(steps);
        List<Plan.Item> list = new ArrayList<>();
        String[] texts = {"Tom had a small dog named Max.", "The sun was hot and the sky was blue.",
            "Lily saw a big red ball in the park."};
        for (int i = 0; i < items; i++) {
            Arrangement a = Arrangement.values()[i % Arrangement.values().length];
            list.add(Plan.Item.of("N=4", "text " + (i % 3), texts[i % 3], 4, Plan.PROTO, a, i, 1 + i % 2, false, s));
        }
        return new Plan(null, "test", "/models/x", s, Map.of("lengths", List.of(4)), list);
    }

    @Test
    void aPlanSurvivesTheRoundTripThroughItsFileUnchanged() throws Exception {
        Plan p = plan(7, 100);
        Path f = tmp.resolve("p.json");
        p.write(f);
        Plan q = Plan.read(f);
        assertThat(q).isEqualTo(p);
        assertThat(Files.readString(f)).contains("\"format\" : \"protolens-plan/1\"").contains("\"text_name\"");
    }

    @Test
    void idsAreStableAndChangeWithAnythingThatChangesTheResult() {
        Plan a = plan(3, 100);
        Plan b = plan(3, 100);
        Plan c = plan(3, 200);
        assertThat(a.items()).extracting(Plan.Item::id).isEqualTo(b.items().stream().map(Plan.Item::id).toList());
        for (int i = 0; i < 3; i++) {
            assertThat(c.items().get(i).id()).isNotEqualTo(a.items().get(i).id());
        }
        assertThat(a.items().getFirst().id()).startsWith("text-0-N4-e-m-s0-");
    }

    @Test
    void everyItemIsInExactlyOneShard() {
        Plan p = plan(23, 10);
        for (int n = 1; n <= 8; n++) {
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < n; i++) {
                for (Plan.Item it : Shard.parse(i + "/" + n).of(p)) {
                    seen.merge(it.id(), 1, Integer::sum);
                }
            }
            assertThat(seen).hasSize(23);
            assertThat(seen.values()).containsOnly(1);
        }
        assertThatThrownBy(() -> Shard.parse("4/4")).isInstanceOf(UserError.class).hasMessageContaining("0 <= i < N");
        assertThatThrownBy(() -> Shard.parse("x")).isInstanceOf(UserError.class).hasMessageContaining("i/N");
    }

    @Test
    void shardsAreBalancedByExpectedCostNotByPosition() {
        // short and long items alternate (a grid of two lengths per text): round-robin over 2 shards would give
        // one shard every short item (4 x 4 tokens) and the other every long one (4 x 64)
        Plan.Settings s = Plan.Settings.paper().withSteps(10);
        List<Plan.Item> list = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            for (int n : new int[] {4, 64}) {
                list.add(Plan.Item.of("N=" + n, "text " + t, "Tom had a small dog named Max. ".repeat(30), n,
                        Plan.PROTO, Arrangement.E_M, 0, 2, false, s));
            }
        }
        Plan p = new Plan(null, "test", "/models/x", s, Map.of(), list);
        for (int count = 2; count <= 4; count++) {
            double[] load = new double[count];
            double biggest = 0;
            for (int i = 0; i < count; i++) {
                for (Plan.Item it : new Shard(i, count).of(p)) {
                    load[i] += Shard.cost(it);
                    biggest = Math.max(biggest, Shard.cost(it));
                }
            }
            double max = java.util.Arrays.stream(load).max().orElseThrow();
            double min = java.util.Arrays.stream(load).min().orElseThrow();
            // longest-processing-time first: no shard exceeds another by more than the costliest item
            assertThat(max - min).as("loads %s", java.util.Arrays.toString(load)).isLessThanOrEqualTo(biggest);
        }
        double[] two = new double[2];
        for (int i = 0; i < 2; i++) {
            for (Plan.Item it : new Shard(i, 2).of(p)) {
                two[i] += Shard.cost(it);
            }
        }
        assertThat(two).as("two shards of 272 token-seeds each").containsExactly(272, 272);
    }

    @Test
    void aBrokenPlanIsRefusedWithWhatToFix() throws Exception {
        Plan p = plan(2, 10);
        List<Plan.Item> dup = List.of(p.items().get(0), p.items().get(0));
        assertThatThrownBy(() -> new Plan(null, "x", "m", p.settings(), null, dup).validate())
                .isInstanceOf(UserError.class).hasMessageContaining("two items with the id");
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{ not json");
        assertThatThrownBy(() -> Plan.read(f)).isInstanceOf(UserError.class).hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> Plan.read(tmp.resolve("none.json"))).isInstanceOf(UserError.class)
                .hasMessageContaining("--write-plan");
    }

    @Test
    void aStoppedPlanContinuesWithoutRefittingFinishedItemsAndEveryFitIsARun() throws Exception {
        Plan p = plan(4, 40);
        PlanResults results = new PlanResults(tmp.resolve("out"));
        try (LoadedModel m = ModelLoader.load(Shared.model("stories260k-hf")); ModelSession s = ModelSession.of(m)) {
            // the first runner stops itself once two items are done, as a killed job would leave it
            PlanRunner first = new PlanRunner(s, null, results);
            PlanRunner.Summary a = first.run(p, Shard.ALL, new PlanRunner.Listener() {
                int n;

                @Override
                public void itemFinished(Plan.Item item, ItemResult r) {
                    if (++n == 2) {
                        first.cancel();
                    }
                }
            });
            assertThat(a.finished()).isEqualTo(2);
            assertThat(a.stopped()).isTrue();
            assertThat(results.of(p)).hasSize(2);

            List<String> fitted = new CopyOnWriteArrayList<>();
            PlanRunner second = new PlanRunner(s, null, results);
            PlanRunner.Summary b = second.run(p, Shard.ALL, new PlanRunner.Listener() {
                @Override
                public void itemStarted(Plan.Item item, int position, int todo) {
                    fitted.add(item.id());
                }
            });
            assertThat(b.skipped()).isEqualTo(2);
            assertThat(b.finished()).isEqualTo(2);
            assertThat(fitted).containsExactly(p.items().get(2).id(), p.items().get(3).id());

            Map<String, ItemResult> all = results.of(p);
            assertThat(all).hasSize(4);
            RunLibrary lib = new RunLibrary(results.dir().resolve(PlanResults.LIBRARY));
            for (Plan.Item it : p.items()) {
                ItemResult r = all.get(it.id());
                assertThat(r.problem()).isNull();
                assertThat(r.fits()).hasSize(it.seeds());
                assertThat(r.modelIdentity()).isEqualTo(m.identity());
                for (ItemResult.Fit f : r.fits()) {
                    assertThat(f.length()).isEqualTo(4);
                    assertThat(lib.load(f.runId()).record().metrics().accuracy()).isEqualTo(f.accuracy());
                    assertThat(f.hLmNats()).isPositive();
                }
            }
            assertThat(results.plan()).isEqualTo(p);
        }
    }

    @Test
    void anItemLongerThanItsTextIsRecordedAsAProblemNotACrash() throws Exception {
        Plan.Settings st = Plan.Settings.paper().withSteps(5);
        Plan p = new Plan(null, "t", "m", st, null, List.of(Plan.Item.of("g", "short", "Tom ran.", 50, Plan.PROTO,
                Arrangement.E_M, 0, 1, false, st)));
        PlanResults results = new PlanResults(tmp.resolve("o"));
        try (LoadedModel m = ModelLoader.load(Shared.model("stories260k-hf")); ModelSession s = ModelSession.of(m)) {
            new PlanRunner(s, null, results).run(p, Shard.ALL, null);
        }
        ItemResult r = results.read(p.items().getFirst().id());
        assertThat(r.problem()).contains("fewer than the item's length 50");
        assertThat(r.fits()).isEmpty();
    }
}
