package dev.protolens.engine.cluster;

import dev.protolens.engine.UserError;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Plans run as Slurm job arrays: submit, status, resubmit. The scheduler is the cluster's own; this class only
 * writes its batch script, calls its commands on a {@link LoginNode} and joins what they say with the plan's
 * results on the shared file system, which are the truth about what is finished.
 */
public final class SlurmRuns {

    private static final Pattern JOB_ID = Pattern.compile("^(\\d+)(;\\S+)?$");
    private static final Pattern COMMAND = Pattern.compile("(?m)\\bCommand=(\\S+)");
    private static final int LOG_LINES = 15;

    private final LoginNode login;
    private final PlanShards.Reader plans;

    public SlurmRuns(LoginNode login, PlanShards.Reader plans) {
        this.login = login;
        this.plans = plans;
    }

    /** {@code plan.json} → {@code plan.slurm/} beside it. */
    public static Path defaultRunDir(Path plan) {
        Path abs = plan.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName().toString().replaceFirst("\\.json$", "") + ".slurm");
    }

    /** The batch script {@link #submit} would write, for {@code --dry-run}. */
    public String script(Path plan, int shards, Path runDir, Path results, List<String> launcher, SlurmOptions options) {
        Path abs = checkPlan(plan, shards, results);
        return SbatchScript.write(abs, shards, runDir.toAbsolutePath().normalize(), absolute(results), launcher, options);
    }

    private static Path absolute(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize();
    }

    /**
     * Writes the script and the run's record into {@code runDir} and submits the array; returns the record.
     *
     * @param results the folder the shards write their results into ({@code plan run --out}); null for the plan's
     *                default beside it
     */
    public ClusterRun submit(Path plan, int shards, Path runDir, Path results, List<String> launcher,
                             SlurmOptions options) throws IOException {
        Path dir = runDir.toAbsolutePath().normalize();
        String text = script(plan, shards, dir, results, launcher, options);
        if (Files.exists(dir.resolve(ClusterRun.RECORD))) {
            ClusterRun old = ClusterRun.load(dir);
            throw new UserError(dir + " already holds a cluster run of this plan (job " + old.jobIds() + "). Follow it"
                    + " with `protolens slurm status " + dir + "`, send its failed shards again with `protolens slurm"
                    + " resubmit " + dir + "`, or give another --run-dir to start a second one.");
        }
        Files.createDirectories(dir.resolve("logs"));
        AtomicFiles.write(dir.resolve(ClusterRun.SCRIPT), text.getBytes(StandardCharsets.UTF_8));
        List<Integer> all = IntStream.range(0, shards).boxed().toList();
        long job = sbatch(login, dir, List.of());
        ClusterRun run = new ClusterRun(ClusterRun.SCHEMA, plan.toAbsolutePath().normalize().toString(), shards,
                results == null ? null : absolute(results).toString(), login.sshHost(), options, List.of())
                .with(ClusterRun.submission(job, all));
        run.save(dir);
        return run;
    }

    /** Each shard: its fits done (from the results) and its task's state (from the scheduler). */
    public RunStatus status(Path runDir) {
        ClusterRun run = ClusterRun.load(runDir);
        PlanShards plan = plans.read(run.planFile(), run.resultsDir());
        QueueReport queue = queue(nodeOf(run), run);
        List<ShardStatus> out = new ArrayList<>();
        for (int i = 0; i < run.shards(); i++) {
            out.add(shard(runDir, run, plan, queue, i));
        }
        return new RunStatus(run, out);
    }

    /** Submits the failed shards again (same script, {@code --array} set to them); returns the updated record. */
    public ClusterRun resubmit(Path runDir) throws IOException {
        RunStatus st = status(runDir);
        List<Integer> failed = st.failed();
        if (failed.isEmpty()) {
            throw new UserError("nothing to resubmit: of " + st.run().shards() + " shards " + st.count(ShardStatus.State.DONE)
                    + " are done, " + st.count(ShardStatus.State.PENDING) + " pending and "
                    + st.count(ShardStatus.State.RUNNING) + " running; none failed");
        }
        StringBuilder array = new StringBuilder();
        for (int i : failed) {
            array.append(array.isEmpty() ? "" : ",").append(i);
        }
        long job = sbatch(nodeOf(st.run()), runDir.toAbsolutePath().normalize(), List.of("--array=" + array));
        ClusterRun run = st.run().with(ClusterRun.submission(job, failed));
        run.save(runDir);
        return run;
    }

    /**
     * The run folder a user means: a run folder, a plan file (its {@code .slurm} folder beside it) or a Slurm job
     * id (the folder of the script the scheduler ran, while it still remembers the job).
     */
    public Path find(String what) {
        Path p = Path.of(what);
        if (Files.isDirectory(p)) {
            return p.toAbsolutePath().normalize();
        }
        if (Files.isRegularFile(p)) {
            Path dir = defaultRunDir(p);
            if (!Files.isDirectory(dir)) {
                throw new UserError(p + " has not been submitted (no " + dir.getFileName() + " beside it): send it"
                        + " with `protolens slurm submit " + p + " --shards N`");
            }
            return dir;
        }
        if (what.matches("\\d+")) {
            LoginNode.Result r = login.run(List.of("scontrol", "show", "job", what));
            Matcher m = COMMAND.matcher(r.out());
            if (r.ok() && m.find()) {
                return Path.of(m.group(1)).getParent();
            }
            throw new UserError("Slurm on " + login.describe() + " does not know job " + what + " (any more): give"
                    + " the run folder (PLAN.slurm beside the plan) or the plan file instead");
        }
        throw new UserError(what + " is neither a run folder, a plan file nor a Slurm job id");
    }

    private Path checkPlan(Path plan, int shards, Path results) {
        if (shards < 1) {
            throw new UserError("--shards must be at least 1, not " + shards);
        }
        if (!Files.isRegularFile(plan)) {
            throw new UserError(plan + " does not exist: write a plan first, e.g. `protolens experiment capacity"
                    + " --model M --write-plan " + plan + "`");
        }
        plans.read(plan, results);
        return plan.toAbsolutePath().normalize();
    }

    /** The login node a run was submitted through: ours, unless the record names an ssh host. */
    private LoginNode nodeOf(ClusterRun run) {
        return run.login() == null || run.login().equals(login.sshHost()) ? login : LoginNode.ssh(run.login());
    }

    private static long sbatch(LoginNode login, Path runDir, List<String> extra) {
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable"));
        cmd.addAll(extra);
        cmd.add(runDir.resolve(ClusterRun.SCRIPT).toString());
        LoginNode.Result r = login.run(cmd);
        String out = r.out().strip();
        Matcher m = JOB_ID.matcher(out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse(""));
        if (!r.ok() || !m.matches()) {
            // sbatch says it in two lines ("invalid partition specified: gpu", "Batch job submission failed: …")
            String why = String.join("; ", r.err().strip().lines().map(l -> l.replaceFirst("^sbatch: error: ", ""))
                    .filter(l -> !l.isBlank()).toList());
            String hint = "";
            if (why.toLowerCase().contains("partition")) {
                hint = " Partitions on " + login.describe() + ": " + partitions(login) + " (sinfo).";
            }
            throw new UserError("Slurm refused the job: " + (why.isEmpty() ? out : why) + "." + hint
                    + " The script is " + runDir.resolve(ClusterRun.SCRIPT) + ".");
        }
        return Long.parseLong(m.group(1));
    }

    private static String partitions(LoginNode login) {
        LoginNode.Result r = login.run(List.of("sinfo", "--noheader", "--format=%R"));
        return r.ok() ? String.join(", ", r.out().strip().lines().distinct().toList()) : "(sinfo failed)";
    }

    private static QueueReport queue(LoginNode login, ClusterRun run) {
        QueueReport q = new QueueReport();
        List<String> ids = run.jobIds().stream().map(String::valueOf).toList();
        for (String id : ids) {
            // one job at a time: squeue refuses the whole query when one id has been purged
            LoginNode.Result r = login.run(List.of("squeue", "--noheader", "--array", "--states=all", "--jobs=" + id,
                    "--format=" + QueueReport.SQUEUE_FORMAT));
            if (r.ok()) {
                q.addSqueue(r.out());
            }
        }
        // then sacct, for tasks the queue has forgotten; without slurmdbd it exits non-zero, and that is fine
        try {
            LoginNode.Result acct = login.run(List.of("sacct", "--parsable2", "--noheader", "-X",
                    "--jobs=" + String.join(",", ids), "--format=" + QueueReport.SACCT_FIELDS));
            if (acct.ok()) {
                q.addSacct(acct.out());
            }
        } catch (UserError noSacct) {
            // a login node without sacct: the queue and the results still tell the state
        }
        return q;
    }

    private static ShardStatus shard(Path runDir, ClusterRun run, PlanShards plan, QueueReport queue, int i) {
        int fits = plan.fits(i, run.shards());
        int done = plan.fitsDone(i, run.shards());
        ClusterRun.Submission sub = run.latest(i);
        long job = sub == null ? 0 : sub.jobId();
        QueueReport.Task task = sub == null ? null : queue.task(job, i);
        String slurm = task == null ? "" : task.state();
        String detail = task == null ? "" : task.detail();
        if (done >= fits) {
            return new ShardStatus(i, ShardStatus.State.DONE, job, slurm, detail, fits, done, List.of());
        }
        if (task != null && task.active()) {
            ShardStatus.State s = task.state().equals("PENDING") ? ShardStatus.State.PENDING : ShardStatus.State.RUNNING;
            return new ShardStatus(i, s, job, slurm, detail, fits, done, List.of());
        }
        if (task == null && sub != null) {
            detail = "the scheduler no longer knows this task";
        }
        return new ShardStatus(i, ShardStatus.State.FAILED, job, slurm, detail, fits, done,
                sub == null ? List.of() : tail(ClusterRun.log(runDir, i, job)));
    }

    private static List<String> tail(Path log) {
        if (!Files.isRegularFile(log)) {
            return List.of("(no log at " + log + ": the task never started)");
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return List.copyOf(lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return List.of("(log unreadable: " + e.getMessage() + ")");
        }
    }
}
