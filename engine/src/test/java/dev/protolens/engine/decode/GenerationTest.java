package dev.protolens.engine.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.testing.Shared;
import org.junit.jupiter.api.Test;

/** Greedy generation from the real stories260K Hugging Face folder writes the text its README quotes. */
class GenerationTest {
    /** ../shared/models/README.md, "Facts to test against". */
    static final String STORIES_CONTINUATION = "Once upon a time, there was a little girl named Lily. She loved to"
            + " play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was"
            + " too high.";

    @Test
    void stories260kContinuesOnceUponATimeAsQuoted() {
        try (LoadedModel m = ModelLoader.load(Shared.model("stories260k-hf"))) {
            Generation.Result r = Generation.greedy(m, "Once upon a time", 60);
            System.out.println("stories260k-hf greedy: " + r.text());
            assertThat(r.promptIds()[0]).as("BOS first").isEqualTo(1);
            // the README quotes the first sentences; the model goes on after them (a newline, then more story)
            assertThat(r.text()).startsWith(STORIES_CONTINUATION);
        }
    }
}
