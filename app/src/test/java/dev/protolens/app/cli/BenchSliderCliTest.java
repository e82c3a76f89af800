package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.testing.TinyModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code protolens bench --slider} on a tiny random model: it decodes the whole grid, serves every thumb move from
 * it, and decodes the exact τ on letting go. Checks what it reports, never how fast (that is the benchmark's).
 */
class BenchSliderCliTest {

    @Test
    void theGridIsDecodedAndEveryMoveIsServedFromIt(@TempDir Path tmp) throws Exception {
        Path model = TinyModels.write(tmp, "llama", 5);
        Cli.Result r = Cli.run("bench", "--model", model.toString(), "--slider", "--length", "8");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode o = JsonMapper.builder().build().readTree(r.out());
        System.out.println("bench --slider, tiny llama: " + o);
        assertThat(o.get("mode").asString()).isEqualTo("slider");
        assertThat(o.get("tokens").asInt()).isEqualTo(8);
        assertThat(o.get("grid_points").asInt()).isEqualTo(129);
        assertThat(o.get("slider_events").asInt()).isEqualTo(240);
        assertThat(o.get("ms_to_first_text").asDouble()).isPositive()
                .isLessThanOrEqualTo(o.get("ms_to_grid_ready").asDouble());
        assertThat(o.get("us_move_to_shown_p95").asDouble()).isPositive();
        assertThat(o.get("ms_let_go_to_exact").asDouble()).isPositive();
    }
}
