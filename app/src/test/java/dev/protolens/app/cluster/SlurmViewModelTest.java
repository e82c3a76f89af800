package dev.protolens.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.ui.Host;
import dev.protolens.engine.cluster.RunStatus;
import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.experiment.Shard;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.testing.RealSlurm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Submit to Slurm…" without the window: settings → script → submit → the shards followed to the end on the real
 * Slurm of {@code .ci/slurm.sh}, with a stand-in shard command that writes each item's result file, and a second
 * window on the same plan following the same run.
 */
class SlurmViewModelTest {

    @TempDir
    Path dir;

    /** UI work on the calling thread, dialogs recorded. */
    static final class TestHost implements Host {
        final List<String> errors = new ArrayList<>();

        @Override
        public void fx(Runnable r) {
            r.run();
        }

        @Override
        public void error(String title, Throwable problem) {
            errors.add(title + ": " + problem.getMessage());
        }

        @Override
        public void error(String title, String message) {
            errors.add(title + ": " + message);
        }

        @Override
        public boolean confirm(String title, String message, String yes) {
            return true;
        }

        @Override
        public void copy(String text) {}
    }

    @Test
    void settingsGiveTheScriptAndASubmittedPlanIsFollowedToItsEnd() throws Exception {
        RealSlurm.require();
        Plan.Settings s = Plan.Settings.paper().withSteps(10);
        List<Plan.Item> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(Plan.Item.of("N=4", "t" + i, "a text number " + i, 4, Plan.PROTO, Arrangement.E_M, i, 1, false, s));
        }
        Plan plan = new Plan(null, "capacity", "/models/none", s, Map.of(), items);
        Path file = dir.resolve("plan.json");
        plan.write(file);
        // the Experiments screen's folder for this experiment, not the plan's default
        Path folder = dir.resolve("experiments/capacity");
        Path results = folder.resolve("results");
        for (int k = 0; k < 2; k++) {
            List<String> ids = new Shard(k, 2).of(plan).stream().map(Plan.Item::id).toList();
            Files.write(dir.resolve("ids-" + k), ids);
        }
        Path fake = dir.resolve("fake-protolens.sh");
        Files.writeString(fake, """
                #!/bin/sh
                # args: plan run PLAN --out DIR --shard I/N: "fits" the shard's items by writing their result files
                i=${7%%/*}; mkdir -p '%s'
                for id in $(cat '%s/ids-'$i); do sleep 0.2; echo "{}" > '%s/'$id.json; echo "item $id"; done
                """.formatted(results, dir, results));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

        TestHost host = new TestHost();
        SlurmViewModel vm = SlurmViewModel.of(host, file, folder, List.of(fake.toString()));
        assertThat(vm.submitted()).isFalse();
        vm.shardsProperty().set(2);
        vm.timeProperty().set("10:00");
        vm.preview();
        assertThat(vm.scriptProperty().get()).contains("#SBATCH --array=0-1").contains("#SBATCH --time=10:00")
                .contains(" --out " + folder + " --shard \"$SLURM_ARRAY_TASK_ID/2\"");
        vm.timeProperty().set("ten minutes");
        vm.preview();
        assertThat(vm.scriptProperty().get()).startsWith("# --time ten minutes is not a Slurm time");
        vm.submit();
        assertThat(host.errors).singleElement().asString().contains("is not a Slurm time");
        assertThat(vm.submitted()).isFalse();

        vm.timeProperty().set("");
        vm.submit().get(2, TimeUnit.MINUTES);
        assertThat(vm.submitted()).isTrue();
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        RunStatus st = vm.refresh().get(1, TimeUnit.MINUTES);
        while (!st.complete() && System.nanoTime() < end) {
            Thread.sleep(500);
            st = vm.refresh().get(1, TimeUnit.MINUTES);
        }
        assertThat(st.complete()).as("%s", st.shards()).isTrue();
        assertThat(vm.summaryProperty().get()).isEqualTo("5 of 5 items done · shards: 2 done, 0 running, 0 pending,"
                + " 0 failed");

        // the window closed and opened again: the same run, read back from the run folder and the scheduler
        SlurmViewModel again = SlurmViewModel.of(host, file, folder, List.of(fake.toString()));
        assertThat(again.submitted()).isTrue();
        assertThat(again.refresh().get(1, TimeUnit.MINUTES).run().jobIds()).isEqualTo(st.run().jobIds());
        assertThat(host.errors).hasSize(1);
    }
}
