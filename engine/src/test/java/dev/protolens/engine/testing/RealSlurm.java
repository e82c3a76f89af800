package dev.protolens.engine.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.protolens.engine.cluster.LoginNode;
import dev.protolens.engine.cluster.RunStatus;
import dev.protolens.engine.cluster.SlurmRuns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The real single-node Slurm that {@code .ci/slurm.sh start} runs on this machine. CI starts it before the tests
 * and sets {@code PROTOLENS_SLURM_REQUIRED=1}, so there a missing cluster fails the test; elsewhere the test is
 * skipped with the command that starts one.
 */
public final class RealSlurm {
    private RealSlurm() {}

    /** Skips (or in CI fails) the calling test unless sinfo answers and a node is up. */
    public static void require() {
        String why = null;
        try {
            LoginNode.Result r = LoginNode.local().run(List.of("sinfo", "--noheader", "--format=%T"));
            if (!r.ok()) {
                why = "sinfo failed: " + r.err().strip();
            } else if (r.out().lines().noneMatch(s -> s.matches("idle|mixed|allocated|completing"))) {
                why = "no Slurm node is up (sinfo: " + r.out().strip() + ")";
            }
        } catch (RuntimeException e) {
            why = e.getMessage();
        }
        if (why != null) {
            String msg = "skipped: no running Slurm here (" + why + "). Start the single-node test cluster with"
                    + " `sudo .ci/slurm.sh start` (needs root and the Debian packages slurm-wlm and munge).";
            if ("1".equals(System.getenv("PROTOLENS_SLURM_REQUIRED"))) {
                fail(msg.replaceFirst("skipped", "PROTOLENS_SLURM_REQUIRED is set"));
            }
            assumeTrue(false, msg);
        }
    }

    /** Polls the run's status every half second until {@code done} holds; fails with the last status after {@code limit}. */
    public static RunStatus await(SlurmRuns runs, Path runDir, Duration limit, Predicate<RunStatus> done)
            throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        RunStatus s = runs.status(runDir);
        while (!done.test(s)) {
            if (System.nanoTime() > end) {
                fail("Slurm run " + runDir + " did not get there within " + limit.toSeconds() + " s: " + s.shards());
            }
            Thread.sleep(500);
            s = runs.status(runDir);
        }
        return s;
    }
}
