package dev.protolens.app.fit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.fit.TextCheck;

import org.junit.jupiter.api.Test;

class TokenTextTest {
    @Test
    void piecesReadAsTextInCellsAndShowBoundariesInChips() {
        assertThat(TokenText.clean("▁Lily")).isEqualTo("Lily");
        assertThat(TokenText.clean("Ġworld")).isEqualTo("world");
        assertThat(TokenText.clean("▁")).isEqualTo("␣");
        assertThat(TokenText.clean("<0x0A>")).isEqualTo("↵");
        assertThat(TokenText.visible("▁Lily")).isEqualTo("·Lily");
        assertThat(TokenText.plain("▁and")).isEqualTo(" and");
        assertThat(TokenText.plain("<0x0A>")).isEqualTo("\n");
        assertThat(TokenText.clean("<0xE2>")).isEqualTo("\\xE2");
    }

    @Test
    void lengthGuideFollowsThePapersCapacityTable() {
        assertThat(TextCheck.likelyReach(260_000)).isEqualTo(20);
        assertThat(TextCheck.likelyReach(160_000_000)).isEqualTo(128);
        assertThat(TextCheck.likelyReach(1_240_000_000L)).isEqualTo(362);
        assertThat(TextCheck.likelyReach(8_000_000_000L)).isEqualTo(724);
        assertThat(TextCheck.likelyReach(70_000_000_000L)).isEqualTo(724);
        int mid = TextCheck.likelyReach(500_000_000);
        assertThat(mid).isBetween(129, 361);
    }
}
