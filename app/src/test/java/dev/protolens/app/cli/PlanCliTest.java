package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster path from the command line: an experiment writes its plan, two shards run it into one folder, the
 * status counts every item, and the report is written from the shards' results without fitting again.
 */
class PlanCliTest {
    @TempDir
    Path tmp;

    @Test
    void twoShardsCoverThePlanAndTheReportComesFromTheirResults() throws Exception {
        Path model = Shared.model("stories260k-hf");
        Path plan = tmp.resolve("one-vector.json");
        Path out = tmp.resolve("out");
        Cli.Result w = Cli.run("experiment", "one-vector", "--quick", "--steps", "20", "--model", model.toString(),
                "--write-plan", plan.toString());
        assertThat(w.exit()).as(w.err()).isZero();
        Plan p = Plan.read(plan);
        assertThat(p.items()).hasSize(8);

        for (String shard : new String[] {"0/2", "1/2"}) {
            Cli.Result r = Cli.run("plan", "run", plan.toString(), "--shard", shard, "--out", out.toString(), "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("\"finished\" : 4");
        }
        try (Stream<Path> s = Files.list(out.resolve("results"))) {
            assertThat(s.filter(f -> f.toString().endsWith(".json")).count()).isEqualTo(8);
        }
        Cli.Result again = Cli.run("plan", "run", plan.toString(), "--out", out.toString(), "--json");
        assertThat(again.out()).contains("\"finished\" : 0").contains("\"skipped_already_done\" : 8");
        Cli.Result status = Cli.run("plan", "status", plan.toString(), "--out", out.toString());
        assertThat(status.out()).contains("8 of 8 items done");

        Cli.Result report = Cli.run("experiment", "one-vector", "--report-only", "--model", model.toString(), "--out",
                out.toString());
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(report.out()).contains("measured: ").contains("paper: ");
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(out.resolve("one-vector.png")).isRegularFile();

        Cli.Result bad = Cli.run("plan", "run", plan.toString(), "--shard", "2/2", "--out", out.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("0 <= i < N");
    }
}
