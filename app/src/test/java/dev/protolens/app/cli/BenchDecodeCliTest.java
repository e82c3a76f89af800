package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.testing.Shared;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code protolens bench --decode}: the slider's decode path and the full logits with libtorch's argmax, timed
 * alternately in one run. Both must write the same tokens (TinyLlama's head is cut into several slices, shared
 * between two threads on a 1-thread engine; a batch of 3 as a path's points would be).
 */
class BenchDecodeCliTest {

    @ParameterizedTest
    @CsvSource({"tinyllama-v0, 1", "tinyllama-v0, 3", "stories260k-hf, 1"})
    void decodePathAndItsPeerWriteTheSameTokens(String model, int batch) throws Exception {
        Cli.Result r = Cli.run("bench", "--model", Shared.model(model).toString(), "--decode", "--length", "32",
                "--batch", Integer.toString(batch), "--steps", "12", "--warmup", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode o = JsonMapper.builder().build().readTree(r.out());
        System.out.println(model + " batch " + batch + ": " + o);
        assertThat(o.get("mode").asString()).isEqualTo("decode");
        assertThat(o.get("same_tokens").asBoolean()).isTrue();
        assertThat(o.get("runs").asInt()).isEqualTo(12);
        assertThat(o.get("ms_decode_median").asDouble()).isPositive();
        assertThat(o.get("ms_full_logits_argmax_median").asDouble()).isPositive();
        assertThat(o.get("paired_ratio_median").asDouble()).isPositive();
    }
}
