package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.cluster.ClusterRun;
import dev.protolens.engine.cluster.ExperimentShards;
import dev.protolens.engine.cluster.LoginNode;
import dev.protolens.engine.cluster.PlanTable;
import dev.protolens.engine.cluster.RunStatus;
import dev.protolens.engine.cluster.ShardStatus;
import dev.protolens.engine.cluster.SlurmRuns;
import dev.protolens.engine.experiment.ItemResult;
import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.testing.RealSlurm;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stories260K capacity plan run on the real Slurm of {@code .ci/slurm.sh} through the command line, against the
 * same plan run in one process: same seeds, same tokens reached, same steps. And a shard cancelled mid-run,
 * resubmitted alone, finishing the plan with one result per item.
 */
class SlurmCliTest {
    private static final String TEXT = "Once upon a time, there was a little girl named Lily. She loved to play outside"
            + " in the park with her friends and her big red ball.";

    @TempDir
    Path dir;

    /** The paper's capacity grid on one text, two seeds per length, as the experiments write plans. */
    private static Plan plan(Path model, int[] lengths, int steps) {
        Plan.Settings s = Plan.Settings.paper().withSteps(steps);
        List<Plan.Item> items = new ArrayList<>();
        for (int n : lengths) {
            items.add(Plan.Item.of("N=" + n, "lily", TEXT, n, Plan.PROTO, Arrangement.E_M, 0, 2, false, s));
        }
        return new Plan(null, "capacity", model.toString(), s, Map.of(), items);
    }

    private static RunStatus await(Path runDir, Duration limit, java.util.function.Predicate<RunStatus> done)
            throws InterruptedException {
        return RealSlurm.await(new SlurmRuns(LoginNode.local(), ExperimentShards::read), runDir, limit, done);
    }

    @Test
    void aFourShardArrayGivesTheTableOfOneLocalProcess() throws Exception {
        RealSlurm.require();
        Path model = Shared.model("stories260k/stories260k-f32.gguf");
        Plan plan = plan(model, new int[] {4, 8, 16, 24}, 300);
        Path local = dir.resolve("local/plan.json");
        Path cluster = dir.resolve("cluster/plan.json");
        plan.write(local);
        plan.write(cluster);

        long t0 = System.nanoTime();
        Cli.Result run = Cli.run("plan", "run", local.toString());
        long localMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(run.exit()).as(run.err()).isZero();

        Cli.Result dry = Cli.run("slurm", "submit", cluster.toString(), "--shards", "4", "--dry-run");
        assertThat(dry.out()).contains("#SBATCH --array=0-3").contains("plan run " + cluster.toAbsolutePath())
                .contains("--shard \"$SLURM_ARRAY_TASK_ID/4\"");
        assertThat(Files.exists(SlurmRuns.defaultRunDir(cluster))).isFalse();

        t0 = System.nanoTime();
        Cli.Result submit = Cli.run("slurm", "submit", cluster.toString(), "--shards", "4", "--json");
        assertThat(submit.exit()).as(submit.err()).isZero();
        Path runDir = SlurmRuns.defaultRunDir(cluster);
        RunStatus s = await(runDir, Duration.ofMinutes(8), RunStatus::ended);
        long clusterMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(s.complete()).as("%s", s.shards()).isTrue();
        System.err.printf("stories260K plan of %d items x 2 seeds: one process %d ms (plan run), 4-shard Slurm array"
                + " %d ms (submit to every shard ended)%n", plan.items().size(), localMillis, clusterMillis);

        long job = ClusterRun.load(runDir).jobIds().getFirst();
        Cli.Result status = Cli.run("slurm", "status", Long.toString(job));
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("4 done, 0 running, 0 pending, 0 failed; items 4 of 4 done")
                .contains("all done");

        Cli.Result collect = Cli.run("slurm", "collect", cluster.toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        ExperimentShards here = ExperimentShards.read(local, null);
        PlanTable expected = PlanTable.of(here.plan(), here.results());
        assertThat(expected.rows()).hasSize(8);
        assertThat(collect.out()).isEqualTo(expected.csv());
        assertThat(Files.readString(ExperimentShards.resultsBeside(cluster).resolve("table.csv"))).isEqualTo(expected.csv());
        // the short prefixes are reconstructed, so the table is not trivially equal
        assertThat(expected.rows().stream().filter(PlanTable.Row::reached).count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aShardCancelledMidRunIsResubmittedAndThePlanEndsWithoutDuplicates() throws Exception {
        RealSlurm.require();
        Path model = Shared.model("stories260k/stories260k-f32.gguf");
        // long texts at many steps: the second shard's first item takes seconds, time enough to cancel it midway
        Plan plan = plan(model, new int[] {4, 24, 8, 28}, 600);
        Path cluster = dir.resolve("kill/plan.json");
        plan.write(cluster);
        Cli.Result submit = Cli.run("slurm", "submit", cluster.toString(), "--shards", "2");
        assertThat(submit.exit()).as(submit.err()).isZero();
        Path runDir = SlurmRuns.defaultRunDir(cluster);
        long job = ClusterRun.load(runDir).jobIds().getFirst();
        Path log = ClusterRun.log(runDir, 1, job);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains("[1/2]"))) {
            assertThat(System.nanoTime()).as("shard 1 never started its first item").isLessThan(deadline);
            Thread.sleep(200);
        }
        Thread.sleep(1500);
        LoginNode.Result cancel = LoginNode.local().run(List.of("scancel", job + "_1"));
        assertThat(cancel.ok()).as(cancel.err()).isTrue();

        RunStatus killed = await(runDir, Duration.ofMinutes(5), RunStatus::ended);
        ShardStatus one = killed.shards().get(1);
        assertThat(one.state()).isEqualTo(ShardStatus.State.FAILED);
        assertThat(one.slurmState()).isEqualTo("CANCELLED");
        assertThat(one.fitsDone()).isLessThan(2);
        Cli.Result status = Cli.run("slurm", "status", runDir.toString());
        assertThat(status.out()).contains("shard 1 failed; the end of its log").contains("slurm resubmit");
        Cli.Result early = Cli.run("slurm", "collect", runDir.toString());
        assertThat(early.exit()).isEqualTo(2);
        assertThat(early.err()).contains("not finished").contains("resubmit");

        Cli.Result again = Cli.run("slurm", "resubmit", String.valueOf(job));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("resubmitted shards [1] as job");
        RunStatus s = await(runDir, Duration.ofMinutes(8), RunStatus::ended);
        assertThat(s.complete()).as("%s", s.shards()).isTrue();

        ExperimentShards done = ExperimentShards.read(cluster, null);
        Map<String, ItemResult> results = done.results().of(done.plan());
        assertThat(results).hasSize(4);
        Set<String> runIds = new HashSet<>();
        for (ItemResult r : results.values()) {
            assertThat(r.problem()).as(r.id()).isNull();
            for (ItemResult.Fit f : r.fits()) {
                assertThat(runIds.add(f.runId())).as("run %s twice", f.runId()).isTrue();
            }
        }
        assertThat(runIds).hasSize(8);
        try (Stream<Path> l = Files.list(done.results().dir().resolve("results"))) {
            assertThat(l.filter(p -> p.toString().endsWith(".json")).count()).isEqualTo(4);
        }
        // every fit of the results is one record, and nothing else is in the library: scancel sends SIGTERM, the
        // runner saves the interrupted item's fit as "cancelled" with its optimiser state, and the resubmitted
        // shard resumes those runs instead of fitting the item again
        List<RunRecord> library = new RunLibrary(done.results().dir().resolve("library")).list().runs();
        List<RunRecord> extra = library.stream().filter(r -> !runIds.contains(r.id())).toList();
        System.err.println("library after the kill and resubmit: " + library.size() + " runs, "
                + extra.stream().map(r -> r.id() + " " + r.status() + " N=" + r.tokenIds().length).toList());
        assertThat(library.stream().map(RunRecord::id).toList()).containsAll(runIds);
        assertThat(extra).allSatisfy(r -> {
            assertThat(r.status()).isIn("cancelled", "checkpoint");
            assertThat(r.tokenIds()).hasSize(24);
        });
        assertThat(extra).as("no duplicate records after the kill and the resubmit").isEmpty();
        assertThat(library).hasSize(8);
    }
}
