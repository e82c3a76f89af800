package dev.protolens.app.cluster;

import dev.protolens.app.ui.Host;
import dev.protolens.app.ui.Tasks;
import dev.protolens.engine.cluster.ClusterRun;
import dev.protolens.engine.cluster.ExperimentShards;
import dev.protolens.engine.cluster.LoginNode;
import dev.protolens.engine.cluster.PlanTable;
import dev.protolens.engine.cluster.RunStatus;
import dev.protolens.engine.cluster.ShardStatus;
import dev.protolens.engine.cluster.SlurmOptions;
import dev.protolens.engine.cluster.SlurmRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * "Submit to Slurm…" for one plan: the settings a submission takes, the batch script they give, and once
 * submitted the run's shards as the scheduler and the results folder report them. Everything is read back from
 * the run folder beside the plan, so closing the window loses nothing and reopening it follows the same run.
 * The Slurm commands run on a worker thread (they can take seconds, over ssh more).
 */
public final class SlurmViewModel {

    /** Where sbatch runs: this machine, or a login node over the user's ssh setup. */
    public enum Where { THIS_MACHINE, SSH }

    private final Host host;
    private final Path plan;
    private final Path results;
    private final List<String> launcher;
    private final Function<LoginNode, SlurmRuns> runsOn;

    private final ObjectProperty<Where> where = new SimpleObjectProperty<>(Where.THIS_MACHINE);
    private final StringProperty sshHost = new SimpleStringProperty("");
    private final IntegerProperty shards = new SimpleIntegerProperty(4);
    private final StringProperty partition = new SimpleStringProperty("");
    private final IntegerProperty gpusPerTask = new SimpleIntegerProperty(0);
    private final StringProperty time = new SimpleStringProperty("");
    private final StringProperty mem = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final ReadOnlyStringWrapper script = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<RunStatus> status = new ReadOnlyObjectWrapper<>();

    /**
     * @param results  the folder the shards write into (the Experiments screen's folder for this experiment), or
     *                 null for the plan's default beside it
     * @param launcher how a node starts protolens ({@link dev.protolens.engine.cluster.ShardLauncher#current})
     * @param runsOn   the cluster runs through a login node ({@code node -> new SlurmRuns(node, ExperimentShards::read)})
     */
    public SlurmViewModel(Host host, Path plan, Path results, List<String> launcher,
                          Function<LoginNode, SlurmRuns> runsOn) {
        this.host = host;
        this.plan = plan.toAbsolutePath().normalize();
        this.results = results == null ? null : results.toAbsolutePath().normalize();
        this.launcher = List.copyOf(launcher);
        this.runsOn = runsOn;
    }

    public static SlurmViewModel of(Host host, Path plan, Path results, List<String> launcher) {
        return new SlurmViewModel(host, plan, results, launcher, node -> new SlurmRuns(node, ExperimentShards::read));
    }

    public Path plan() {
        return plan;
    }

    public Path runDir() {
        return SlurmRuns.defaultRunDir(plan);
    }

    /** Whether this plan was submitted before (the window then follows that run instead of offering a new one). */
    public boolean submitted() {
        return Files.isRegularFile(runDir().resolve(ClusterRun.RECORD));
    }

    /** The batch script the current settings give (shown before submitting; errors in the settings show here). */
    public void preview() {
        try {
            script.set(runs().script(plan, shards.get(), runDir(), results, launcher, options()));
        } catch (RuntimeException e) {
            script.set("# " + e.getMessage());
        }
    }

    public CompletableFuture<ClusterRun> submit() {
        SlurmOptions o;
        SlurmRuns r;
        try {
            o = options();
            r = runs();
        } catch (RuntimeException e) {
            host.error("Submit to Slurm", e);
            return CompletableFuture.failedFuture(e);
        }
        int n = shards.get();
        return work(CompletableFuture.supplyAsync(() -> {
            try {
                return r.submit(plan, n, runDir(), results, launcher, o);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), "Submit to Slurm", run -> {
            summary.set("submitted job " + run.jobIds().getFirst() + ": " + n + " shards");
            refresh();
        });
    }

    /** Reads the run's state again from the scheduler and the results folder. */
    public CompletableFuture<RunStatus> refresh() {
        if (!submitted()) {
            return CompletableFuture.completedFuture(null);
        }
        SlurmRuns r = runsOn.apply(LoginNode.local());
        return work(CompletableFuture.supplyAsync(() -> r.status(runDir())), "Slurm status", s -> {
            status.set(s);
            summary.set(describe(s));
        });
    }

    /** Submits the failed shards again. */
    public CompletableFuture<ClusterRun> resubmit() {
        SlurmRuns r = runsOn.apply(LoginNode.local());
        return work(CompletableFuture.supplyAsync(() -> {
            try {
                return r.resubmit(runDir());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), "Resubmit failed shards", run -> refresh());
    }

    /** Writes the collected table beside the results and returns its folder. */
    public CompletableFuture<Path> collect() {
        return work(CompletableFuture.supplyAsync(() -> {
            ExperimentShards p = ExperimentShards.read(plan, results);
            try {
                PlanTable.of(p.plan(), p.results()).write(p.results().dir());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return p.results().dir();
        }), "Collect results", dir -> summary.set("table.csv and table.json written to " + dir));
    }

    static String describe(RunStatus s) {
        return String.format(Locale.ROOT, "%d of %d items done · shards: %d done, %d running, %d pending, %d failed",
                s.fitsDone(), s.fits(), s.count(ShardStatus.State.DONE), s.count(ShardStatus.State.RUNNING),
                s.count(ShardStatus.State.PENDING), s.count(ShardStatus.State.FAILED));
    }

    /** Runs the work, then its UI part; the returned future completes after the UI part (what tests wait for). */
    private <T> CompletableFuture<T> work(CompletableFuture<T> f, String title, java.util.function.Consumer<T> then) {
        busy.set(true);
        CompletableFuture<T> shown = new CompletableFuture<>();
        Tasks.when(host, f).onSuccess(then).onErrorShow(title).andFinally(() -> {
            busy.set(false);
            f.whenComplete((r, e) -> {
                if (e != null) {
                    shown.completeExceptionally(e);
                } else {
                    shown.complete(r);
                }
            });
        }).start();
        return shown;
    }

    private SlurmRuns runs() {
        return runsOn.apply(where.get() == Where.SSH ? LoginNode.ssh(sshHost.get()) : LoginNode.local());
    }

    private SlurmOptions options() {
        return new SlurmOptions(partition.get(), gpusPerTask.get(), time.get(), mem.get(), null);
    }

    public ObjectProperty<Where> whereProperty() {
        return where;
    }

    public StringProperty sshHostProperty() {
        return sshHost;
    }

    public IntegerProperty shardsProperty() {
        return shards;
    }

    public StringProperty partitionProperty() {
        return partition;
    }

    public IntegerProperty gpusPerTaskProperty() {
        return gpusPerTask;
    }

    public StringProperty timeProperty() {
        return time;
    }

    public StringProperty memProperty() {
        return mem;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty scriptProperty() {
        return script.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RunStatus> statusProperty() {
        return status.getReadOnlyProperty();
    }
}
