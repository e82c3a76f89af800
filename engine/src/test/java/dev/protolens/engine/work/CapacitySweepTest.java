package dev.protolens.engine.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capacity sweep on a tiny random model: items, the per-item callback, the early stop and a resume. */
class CapacitySweepTest {
    static final List<CapacitySweep.Text> TEXTS = List.of(new CapacitySweep.Text("a.txt", "the cat sat on the mat"),
            new CapacitySweep.Text("b.txt", "a dog ran in the park today"));

    @Test
    void eachItemReachesTheCallbackAndAResumeSkipsWhatIsDone(@TempDir Path tmp) {
        try (LoadedModel m = ModelLoader.load(TinyModels.write(tmp, "llama", 1))) {
            CapacitySweep.Plan plan = new CapacitySweep.Plan(TEXTS, new int[] {4, 2}, 2,
                    FitSpec.defaults().withMaxSteps(40), 0.5, 0);
            assertThat(plan.lengths()).containsExactly(2, 4);
            List<CapacitySweep.ItemResult> items = new ArrayList<>();
            CapacitySweep.Result all = new CapacitySweep(m, plan).run(List.of(), items::add, () -> false);
            assertThat(all.complete()).isTrue();
            assertThat(items).extracting(i -> i.item().key()).containsExactly("a.txt@2", "a.txt@4", "b.txt@2", "b.txt@4");
            assertThat(all.rows()).hasSize(8).allSatisfy(r -> assertThat(r.seed()).isBetween(0L, 1L));
            assertThat(all.table()).extracting(CapacitySweep.LengthStats::fits).containsExactly(4, 4);
            for (CapacitySweep.Row r : all.rows()) {
                int cap = all.capacity().get(r.text());
                if (r.accuracy() >= 0.5) {
                    assertThat(cap).isGreaterThanOrEqualTo(r.length());
                }
            }

            // stopped after two items, then resumed with them: only the other two are fitted again
            AtomicInteger fitted = new AtomicInteger();
            CapacitySweep.Result stopped = new CapacitySweep(m, plan).run(List.of(), i -> fitted.incrementAndGet(),
                    () -> fitted.get() >= 2);
            assertThat(stopped.complete()).isFalse();
            assertThat(stopped.rows()).hasSize(4);
            List<CapacitySweep.ItemResult> again = new ArrayList<>();
            CapacitySweep.Result resumed = new CapacitySweep(m, plan).run(items.subList(0, 2), again::add, () -> false);
            assertThat(again).extracting(i -> i.item().key()).containsExactly("b.txt@2", "b.txt@4");
            // the fits are deterministic: the resumed sweep measures what the whole one did
            assertThat(resumed.rows()).extracting(CapacitySweep.Row::accuracy)
                    .containsExactlyElementsOf(all.rows().stream().map(CapacitySweep.Row::accuracy).toList());
        }
    }

    @Test
    void sharedMFitsAllTextsOfALengthPerSeedAndStopsAfterFails(@TempDir Path tmp) {
        try (LoadedModel m = ModelLoader.load(TinyModels.write(tmp, "llama", 1))) {
            // an accuracy no 5-step fit reaches: the first length fails and, with stopAfterFails 1, ends the sweep
            CapacitySweep.Plan plan = new CapacitySweep.Plan(TEXTS, new int[] {3, 6}, 2,
                    FitSpec.defaults().withMaxSteps(1).withSharedM(true), 1.0, 1);
            List<CapacitySweep.ItemResult> items = new ArrayList<>();
            CapacitySweep.Result r = new CapacitySweep(m, plan).run(List.of(), items::add, () -> false);
            assertThat(items).extracting(i -> i.item().key()).containsExactly("shared@3#0", "shared@3#1");
            assertThat(items.getFirst().rows()).extracting(CapacitySweep.Row::text).containsExactly("a.txt", "b.txt");
            assertThat(r.rows()).allSatisfy(row -> assertThat(row.sharedM()).isTrue());
            assertThat(r.capacity()).containsEntry("a.txt", 0).containsEntry("b.txt", 0);
        }
    }

    @Test
    void aPlanThatCannotRunSaysWhy() {
        FitSpec spec = FitSpec.defaults();
        assertThatThrownBy(() -> new CapacitySweep.Plan(TEXTS, new int[0], 2, spec, 0.99, 1))
                .isInstanceOf(UserError.class).hasMessageContaining("lengths");
        assertThatThrownBy(() -> new CapacitySweep.Plan(TEXTS, new int[] {4}, 0, spec, 0.99, 1))
                .isInstanceOf(UserError.class).hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> new CapacitySweep.Plan(TEXTS, new int[] {4}, 2, spec, 1.5, 1))
                .isInstanceOf(UserError.class).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new CapacitySweep.Plan(List.of(), new int[] {4}, 2, spec, 0.99, 1))
                .isInstanceOf(UserError.class).hasMessageContaining("at least one text");
        assertThat(CapacitySweep.Plan.of(TEXTS, spec).lengths()).containsExactly(CapacitySweep.LENGTHS);
    }
}
