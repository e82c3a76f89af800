package dev.protolens.app.fit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.tokenizer.Encoding;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SampleTextsTest {
    @Test
    void atLeastTwentyTextsEachWithTitleSourceAndLicence() {
        List<SampleTexts.SampleText> all = SampleTexts.load();
        assertThat(all).hasSizeGreaterThanOrEqualTo(20);
        Set<String> ids = new HashSet<>();
        for (SampleTexts.SampleText t : all) {
            assertThat(ids.add(t.id())).as("unique id %s", t.id()).isTrue();
            assertThat(t.title()).isNotBlank();
            assertThat(t.source()).isNotBlank();
            assertThat(t.licence()).isIn("Public domain", "CC0-1.0");
            assertThat(t.text()).isNotBlank().doesNotEndWith("\n");
        }
        assertThat(all.getFirst().text()).isEqualTo("Lily and Ben went to the park to play with a red ball.");
        assertThat(all).filteredOn(t -> t.licence().equals("Public domain")).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void lengthsRunFromADozenTokensToAFewHundred() {
        LoadedModel m = ModelLoader.load(dev.protolens.app.GuiTesting.sharedModel("tinyllama-v0"));
        try (m) {
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (SampleTexts.SampleText t : SampleTexts.load()) {
                Encoding e = m.tokenizer().encode(t.text(), false);
                min = Math.min(min, e.size());
                max = Math.max(max, e.size());
                assertThat(m.tokenizer().decode(e.ids(), false)).as(t.id()).isEqualTo(t.text());
            }
            System.out.printf("sample texts: %d to %d tokens (TinyLLama-v0 tokenizer)%n", min, max);
            assertThat(min).isBetween(8, 16);
            assertThat(max).isBetween(200, 600);
        }
    }
}
