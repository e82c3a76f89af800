package dev.protolens.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void anEstimateReadsInWholeUnits() {
        assertThat(Durations.about(300)).isEqualTo("about 1 s");
        assertThat(Durations.about(7_400)).isEqualTo("about 7 s");
        assertThat(Durations.about(42_000)).isEqualTo("about 40 s");
        assertThat(Durations.about(89_000)).isEqualTo("about 90 s");
        assertThat(Durations.about(125_000)).isEqualTo("about 2 min");
        assertThat(Durations.about(59 * 60_000L)).isEqualTo("about 59 min");
        assertThat(Durations.about(80 * 60_000L)).isEqualTo("about 1 h 20 min");
        assertThat(Durations.about(-1)).isEqualTo("an unknown time");
    }

    @Test
    void aMeasuredDurationKeepsItsSeconds() {
        assertThat(Durations.format(200_000)).isEqualTo("3 min 20 s");
        assertThat(Durations.format(4_250)).isEqualTo("4.3 s");
    }
}
