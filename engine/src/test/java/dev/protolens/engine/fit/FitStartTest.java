package dev.protolens.engine.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The start options' arithmetic: the documented lr sequence of each schedule, and the warm vectors chosen. */
class FitStartTest {

    @Test
    void thePapersStartIsAConstantLrAndSaysPaper() {
        FitStart p = FitStart.PAPER;
        assertThat(p.isPaper()).isTrue();
        assertThat(p.describe()).isEqualTo("paper");
        for (int k = 1; k <= 5000; k += 499) {
            assertThat(p.lr(0.01, k, 5000)).isEqualTo(0.01);
        }
        assertThat(FitSpec.defaults().start()).isEqualTo(FitStart.PAPER);
        assertThat(FitStart.FAST.isPaper()).isFalse();
        assertThat(FitStart.PAPER.isFast()).isFalse();
        assertThat(FitStart.FAST.withWarmSource("nearest: run x").isFast()).as("the source is only a note").isTrue();
        assertThat(FitStart.FAST.withSchedule(FitStart.Schedule.CONSTANT, 5, 0).isFast()).isFalse();
        assertThat(FitStart.FAST.withWarm(FitStart.Warm.MEAN_M).isFast()).isFalse();
    }

    @Test
    void aConstantScheduleWithAPeakMultipliesEveryUpdate() {
        FitStart s = FitStart.PAPER.withSchedule(FitStart.Schedule.CONSTANT, 3, 0);
        assertThat(s.isPaper()).isFalse();
        assertThat(s.lr(0.01, 1, 100)).isCloseTo(0.03, within(1e-15));
        assertThat(s.lr(0.01, 100, 100)).isCloseTo(0.03, within(1e-15));
        assertThat(s.describe()).isEqualTo("lr × 3");
    }

    @Test
    void warmUpClimbsLinearlyThenACosineFallsToZeroAtTheLastStep() {
        // lr 0.01, peak 4×, 10 warm-up updates, 110 steps: 0.004, 0.008, …, 0.04 at update 10, then
        // 0.04 · ½(1 + cos(π (k − 10)/100)): 0.02 at update 60, 0 at update 110
        FitStart s = FitStart.PAPER.withSchedule(FitStart.Schedule.WARMUP_COSINE, 4, 10);
        double[] expected = {0.004, 0.008, 0.012, 0.016, 0.020, 0.024, 0.028, 0.032, 0.036, 0.040};
        for (int k = 1; k <= 10; k++) {
            assertThat(s.lr(0.01, k, 110)).as("update %d", k).isCloseTo(expected[k - 1], within(1e-12));
        }
        assertThat(s.lr(0.01, 35, 110)).isCloseTo(0.04 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), within(1e-12));
        assertThat(s.lr(0.01, 60, 110)).isCloseTo(0.02, within(1e-12));
        assertThat(s.lr(0.01, 110, 110)).isCloseTo(0.0, within(1e-12));
        double prev = Double.POSITIVE_INFINITY;
        for (int k = 10; k <= 110; k++) {
            double v = s.lr(0.01, k, 110);
            assertThat(v).as("falls monotonically after the warm-up, update %d", k).isLessThanOrEqualTo(prev);
            prev = v;
        }
        // a resumed fit past its old last step stays at the floor instead of rising again
        assertThat(s.lr(0.01, 200, 110)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void badValuesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> FitStart.PAPER.withSchedule(FitStart.Schedule.CONSTANT, 0, 0))
                .hasMessageContaining("peak");
        assertThatThrownBy(() -> FitStart.PAPER.withFocus(-1)).hasMessageContaining("focus");
        assertThatThrownBy(() -> FitStart.PAPER.withInitScale(Double.NaN)).hasMessageContaining("init scale");
        assertThatThrownBy(() -> FitStart.parseWarm("warmest")).hasMessageContaining("none, mean-m or nearest");
        assertThatThrownBy(() -> FitStart.parseSchedule("linear")).hasMessageContaining("warmup-cosine");
    }

    @Test
    void meanMIsTheCoordinateMeanAndNearestIsTheTextWithMostSharedTokens() {
        List<WarmVectors.Solution> lib = List.of(
                new WarmVectors.Solution("a", new long[] {1, 2, 3, 4}, new float[] {1, 1}, new float[] {0, 2}),
                new WarmVectors.Solution("b", new long[] {7, 8, 9, 9}, new float[] {2, 2}, new float[] {4, 6}),
                new WarmVectors.Solution("c", new long[] {5, 5, 5, 5}, new float[] {3, 3}, new float[] {2, 1}));
        WarmVectors mean = WarmVectors.of(FitStart.Warm.MEAN_M, lib, new long[] {1});
        assertThat(mean.e()).isNull();
        assertThat(mean.m()).containsExactly(2f, 3f);
        assertThat(mean.source()).isEqualTo("mean m of 3 runs");
        WarmVectors near = WarmVectors.of(FitStart.Warm.NEAREST, lib, new long[] {9, 9, 8, 1});
        assertThat(near.e()).containsExactly(2f, 2f);
        assertThat(near.m()).containsExactly(4f, 6f);
        assertThat(near.source()).contains("run b");
        assertThat(WarmVectors.of(FitStart.Warm.NONE, lib, new long[] {1})).isNull();
        assertThat(WarmVectors.of(FitStart.Warm.MEAN_M, List.of(), new long[] {1})).isNull();
    }
}
