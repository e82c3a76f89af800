package dev.protolens.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import dev.protolens.engine.UserError;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weights' type for each dtype setting. On the CPU (the project's machines and CI) bf16 and fp16 are refused with
 * a sentence, before any weight is loaded: bf16 kernels on the CPU abort the process in this libtorch build.
 */
class DtypeTest {
    @Test
    void spellingsPeopleUse() {
        assertThat(RuntimeOptions.normaliseDtype(null)).isEqualTo("auto");
        assertThat(RuntimeOptions.normaliseDtype("BFloat16")).isEqualTo("bf16");
        assertThat(RuntimeOptions.normaliseDtype("half")).isEqualTo("fp16");
        assertThat(RuntimeOptions.normaliseDtype("float32")).isEqualTo("fp32");
        assertThatThrownBy(() -> RuntimeOptions.normaliseDtype("int8")).hasMessage("unknown dtype 'int8' (use auto,"
                + " fp32, bf16 or fp16)");
    }

    @Test
    void halfTypesAreRefusedOnTheCpuWithAMessage(@TempDir Path tmp) {
        EngineRuntime rt = EngineRuntime.get();
        if (rt.isGpu()) {
            assertThat(rt.weightType(DataType.FLOAT32, "auto")).isEqualTo(rt.halfType());
            assertThat(rt.weightType(DataType.BFLOAT16, "fp32")).isEqualTo(DataType.FLOAT32);
            return;
        }
        assertThat(rt.weightType(DataType.BFLOAT16, "auto")).isEqualTo(DataType.FLOAT32);
        assertThat(rt.weightType(DataType.FLOAT32, "fp32")).isEqualTo(DataType.FLOAT32);
        assertThatThrownBy(() -> rt.weightType(DataType.FLOAT32, "bf16")).isInstanceOf(UserError.class)
                .hasMessageStartingWith("bf16 needs a CUDA GPU. On the CPU ProtoLens computes in fp32: libtorch's bf16"
                        + " CPU kernels abort the whole process in this build")
                .hasMessageEndingWith("Leave --dtype at auto or set fp32.");
        Path dir = TinyModels.write(tmp, "llama", 1);
        assertThatThrownBy(() -> ModelLoader.load(dir, rt, "fp16", s -> { })).isInstanceOf(UserError.class)
                .hasMessageStartingWith("fp16 needs a CUDA GPU.");
        assertThat(rt.describe()).contains("compute fp32");
    }
}
