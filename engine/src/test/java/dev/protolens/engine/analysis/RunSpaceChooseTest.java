package dev.protolens.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** After the library is read again, the Atlas keeps the chosen model, else takes the open one, else the first. */
class RunSpaceChooseTest {
    private final RunSpace.Model a = new RunSpace.Model("id-a", "stories260k", 64, 3);
    private final RunSpace.Model b = new RunSpace.Model("id-b", "tinyllama", 64, 5);

    @Test
    void keepsTheChoiceThenTheOpenModelThenTheFirst() {
        // the chosen one is kept, with its new count (the re-read list's instance)
        RunSpace.Model bAgain = new RunSpace.Model("id-b", "tinyllama", 64, 6);
        assertThat(RunSpace.choose(List.of(a, bAgain), b, "id-a")).isSameAs(bAgain);
        // the choice is gone: the open model's
        assertThat(RunSpace.choose(List.of(a, b), new RunSpace.Model("id-x", "x", 8, 1), "id-b")).isSameAs(b);
        // nothing chosen, no open model among them: the first
        assertThat(RunSpace.choose(List.of(a, b), null, "id-x")).isSameAs(a);
        assertThat(RunSpace.choose(List.of(a, b), null, null)).isSameAs(a);
        assertThat(RunSpace.choose(List.of(), a, "id-a")).isNull();
    }
}
