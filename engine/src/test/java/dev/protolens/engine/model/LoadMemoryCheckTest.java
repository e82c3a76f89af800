package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import dev.protolens.engine.UserError;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorSource;
import dev.protolens.engine.weights.WeightFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A model whose weights would not fit in the memory available is refused before loading starts, with the number it
 * needed: the weights in the compute type plus what loading holds beside them.
 */
class LoadMemoryCheckTest {

    @Test
    void aModelThatWouldNotFitIsRefusedWithTheNumberItNeeded() {
        Path dir = Shared.model("stories260k-hf");
        ModelConfig c = HfConfigReader.read(dir.resolve("config.json"));
        try (TensorSource s = WeightFiles.openFolder(dir)) {
            long elements = s.tensors().stream().mapToLong(TensorInfo::elementCount).sum();
            long need = 4 * elements + WeightLoader.heldBesideWeights(c);
            // stories260K: the embedding (512 x 64 floats) is smaller than a chunk, the fused gate and up are larger
            assertThat(WeightLoader.heldBesideWeights(c)).isEqualTo(Math.max(4L * 512 * 64, 4L * 2 * 172 * 64));
            assertThatThrownBy(() -> ModelLoader.checkMemory(dir, c, s, DataType.FLOAT32, OptionalLong.of(need - 1)))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining(String.format(Locale.ROOT, "about %.1f GB", need / 1e9))
                    .hasMessageContaining(String.format(Locale.ROOT, "%,d weights as float32", elements));
            assertThatCode(() -> ModelLoader.checkMemory(dir, c, s, DataType.FLOAT32, OptionalLong.of(need)))
                    .doesNotThrowAnyException();
            // half weights need half the memory
            long halfNeed = 2 * elements + WeightLoader.heldBesideWeights(c);
            assertThatCode(() -> ModelLoader.checkMemory(dir, c, s, DataType.BFLOAT16, OptionalLong.of(halfNeed)))
                    .doesNotThrowAnyException();
            assertThatCode(() -> ModelLoader.checkMemory(dir, c, s, DataType.FLOAT32, OptionalLong.empty()))
                    .doesNotThrowAnyException();
        }
    }
}
