package dev.protolens.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.protolens.engine.UserError;
import dev.protolens.engine.testing.RealSlurm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submit, status, kill and resubmit against the real Slurm of {@code .ci/slurm.sh}, with a stand-in for the shard
 * command (a shell script that "fits" by writing one file per fit), so the scheduler side is tested on its own.
 * The end-to-end test with real fits on stories260K is the CLI's ({@code SlurmCliTest}).
 */
class SlurmRunsTest {

    @TempDir
    Path dir;

    /** A plan of {@code fits} fits: fit k belongs to shard k mod N, and is finished when {@code done/k} exists. */
    private record FilePlan(Path folder, int total) implements PlanShards {
        @Override
        public int fits(int shard, int shards) {
            return (int) IntStream.range(0, total).filter(k -> k % shards == shard).count();
        }

        @Override
        public int fitsDone(int shard, int shards) {
            return (int) IntStream.range(0, total).filter(k -> k % shards == shard)
                    .filter(k -> Files.exists(folder.resolve("done").resolve(Integer.toString(k)))).count();
        }
    }

    private static final PlanShards.Reader READER = (plan, results) -> {
        try {
            return new FilePlan(plan.getParent(), Integer.parseInt(Files.readString(plan).strip()));
        } catch (IOException | NumberFormatException e) {
            throw new UserError(plan + " is not a plan", e);
        }
    };

    /** The stand-in for `protolens plan run PLAN --shard I/N`: skips finished fits; hangs where hang-I exists. */
    private List<String> launcher() throws IOException {
        Path sh = dir.resolve("fake-protolens.sh");
        Files.writeString(sh, """
                #!/bin/sh
                # args: plan run PLAN --shard I/N
                plan=$3; shard=${5%/*}; n=${5#*/}; total=$(cat "$plan"); folder=$(dirname "$plan")
                mkdir -p "$folder/done"
                k=$shard
                while [ "$k" -lt "$total" ]; do
                  if [ ! -e "$folder/done/$k" ]; then
                    if [ -e "$folder/hang-$shard" ]; then echo "fit $k hangs"; sleep 300; fi
                    sleep 0.2; echo "fit $k"; touch "$folder/done/$k"
                  fi
                  k=$((k + n))
                done
                """);
        Files.setPosixFilePermissions(sh, PosixFilePermissions.fromString("rwxr-xr-x"));
        return List.of(sh.toString());
    }

    private Path plan(int fits) throws IOException {
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, Integer.toString(fits));
        return plan;
    }

    @Test
    void anArrayOfThreeShardsRunsEveryFit() throws Exception {
        RealSlurm.require();
        SlurmRuns runs = new SlurmRuns(LoginNode.local(), READER);
        Path plan = plan(7);
        Path runDir = SlurmRuns.defaultRunDir(plan);
        ClusterRun run = runs.submit(plan, 3, runDir, null, launcher(), SlurmOptions.defaults());
        assertEquals(List.of(0, 1, 2), run.submissions().getFirst().shards());
        RunStatus s = RealSlurm.await(runs, runDir, Duration.ofMinutes(2), RunStatus::complete);
        assertEquals(7, s.fitsDone());
        assertEquals(List.of(3, 2, 2), s.shards().stream().map(ShardStatus::fits).toList());
        assertEquals(3, s.count(ShardStatus.State.DONE));
        String log = Files.readString(ClusterRun.log(runDir, 2, run.jobIds().getFirst()));
        assertTrue(log.contains("protolens shard 2/3 of job " + run.jobIds().getFirst()) && log.contains("fit 5"), log);
        // the job id leads back to the run folder while the scheduler remembers it
        assertEquals(runDir, runs.find(Long.toString(run.jobIds().getFirst())));
        assertEquals(runDir, runs.find(plan.toString()));
        UserError again = assertThrows(UserError.class, () -> runs.resubmit(runDir));
        assertTrue(again.getMessage().contains("nothing to resubmit"), again.getMessage());
        UserError twice = assertThrows(UserError.class, () -> runs.submit(plan, 3, runDir, null, List.of("x"), SlurmOptions.defaults()));
        assertTrue(twice.getMessage().contains("slurm status"), twice.getMessage());
    }

    @Test
    void aShardCancelledMidRunIsResubmittedAloneAndFinishesThePlan() throws Exception {
        RealSlurm.require();
        SlurmRuns runs = new SlurmRuns(LoginNode.local(), READER);
        Path plan = plan(6);
        Files.createFile(dir.resolve("hang-1"));
        Path runDir = SlurmRuns.defaultRunDir(plan);
        ClusterRun run = runs.submit(plan, 2, runDir, null, launcher(), SlurmOptions.defaults());
        long job = run.jobIds().getFirst();
        RealSlurm.await(runs, runDir, Duration.ofMinutes(2), st -> st.shards().get(0).state() == ShardStatus.State.DONE
                && st.shards().get(1).state() == ShardStatus.State.RUNNING);
        LoginNode.Result cancel = LoginNode.local().run(List.of("scancel", job + "_1"));
        assertTrue(cancel.ok(), cancel.err());
        RunStatus killed = RealSlurm.await(runs, runDir, Duration.ofMinutes(1), RunStatus::ended);
        ShardStatus one = killed.shards().get(1);
        assertEquals(ShardStatus.State.FAILED, one.state());
        assertEquals("CANCELLED", one.slurmState());
        assertEquals(0, one.fitsDone());
        assertTrue(String.join("\n", one.logTail()).contains("fit 1 hangs"), one.logTail().toString());

        Files.delete(dir.resolve("hang-1"));
        ClusterRun again = runs.resubmit(runDir);
        assertEquals(2, again.submissions().size());
        assertEquals(List.of(1), again.submissions().get(1).shards());
        RunStatus s = RealSlurm.await(runs, runDir, Duration.ofMinutes(2), RunStatus::complete);
        assertEquals(6, s.fitsDone());
        assertEquals(again.jobIds().get(1), s.shards().get(1).jobId());
        assertEquals(job, s.shards().get(0).jobId());
        assertEquals(again, ClusterRun.load(runDir));
    }

    @Test
    void mistakesAreReportedInWordsAUserCanActOn() throws Exception {
        RealSlurm.require();
        SlurmRuns runs = new SlurmRuns(LoginNode.local(), READER);
        UserError missing = assertThrows(UserError.class, () -> runs.submit(dir.resolve("nope.json"), 2,
                dir.resolve("r"), null, launcher(), SlurmOptions.defaults()));
        assertTrue(missing.getMessage().contains("does not exist") && missing.getMessage().contains("--write-plan"),
                missing.getMessage());
        Path plan = plan(2);
        UserError partition = assertThrows(UserError.class, () -> runs.submit(plan, 2, dir.resolve("r"), null, launcher(),
                new SlurmOptions("no-such-partition", 0, null, null, null)));
        assertTrue(partition.getMessage().contains("Partitions on this machine: debug"), partition.getMessage());

        SlurmRuns nowhere = new SlurmRuns(new LoginNode(null, dir.toString()), READER);
        UserError noSbatch = assertThrows(UserError.class, () -> nowhere.submit(plan, 2, dir.resolve("r2"), null, launcher(),
                SlurmOptions.defaults()));
        assertTrue(noSbatch.getMessage().contains("sbatch is not on PATH") && noSbatch.getMessage().contains("--login"),
                noSbatch.getMessage());
    }
}
