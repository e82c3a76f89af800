package dev.protolens.app.cli;

import dev.protolens.app.cluster.ThisApp;
import dev.protolens.engine.UserError;
import dev.protolens.engine.cluster.ClusterRun;
import dev.protolens.engine.cluster.ExperimentShards;
import dev.protolens.engine.cluster.LoginNode;
import dev.protolens.engine.cluster.PlanTable;
import dev.protolens.engine.cluster.RunStatus;
import dev.protolens.engine.cluster.ShardLauncher;
import dev.protolens.engine.cluster.ShardStatus;
import dev.protolens.engine.cluster.SlurmOptions;
import dev.protolens.engine.cluster.SlurmRuns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code protolens slurm submit|status|collect|resubmit}: a plan as a Slurm job array on the user's cluster. */
@Command(name = "slurm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a plan file on a Slurm cluster as a job array, one shard per array task, each running"
            + " `protolens plan run PLAN --shard I/N`. Run it on a login node (where sbatch works), or from another"
            + " machine with --login HOST over your own ssh setup; the plan must be on a file system the nodes share.",
            "RUN is the run folder (PLAN.slurm beside the plan), the plan file, or the Slurm job id."},
        subcommands = {SlurmCommand.Submit.class, SlurmCommand.Status.class, SlurmCommand.Collect.class,
            SlurmCommand.Resubmit.class})
final class SlurmCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** {@code --login HOST}: where sbatch, squeue and scancel run. */
    static final class Login {
        @Option(names = "--login", paramLabel = "HOST",
                description = "Submit over ssh to this login node (your ssh config and keys; no password prompt)."
                        + " Default: this machine.")
        String host;

        SlurmRuns runs() {
            return new SlurmRuns(host == null ? LoginNode.local() : LoginNode.ssh(host), ExperimentShards::read);
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Write the batch script into PLAN.slurm/ beside the plan and submit it with sbatch.")
    static final class Submit implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (JSON).")
        Path plan;

        @Option(names = "--shards", required = true, paramLabel = "N", description = "Array tasks (each runs plan items i, i+N, …).")
        int shards;

        @Option(names = "--partition", paramLabel = "P", description = "Slurm partition. Default: the cluster's.")
        String partition;

        @Option(names = "--gpus-per-task", paramLabel = "G", defaultValue = "0",
                description = "GPUs per shard (--gres=gpu:G). Default ${DEFAULT-VALUE}.")
        int gpus;

        @Option(names = "--time", paramLabel = "T", description = "Time limit per shard (HH:MM:SS or D-HH:MM:SS).")
        String time;

        @Option(names = "--mem", paramLabel = "M", description = "Memory per shard, e.g. 16G.")
        String mem;

        @Option(names = "--account", paramLabel = "A", description = "Slurm account to charge.")
        String account;

        @Option(names = "--run-dir", paramLabel = "DIR", description = "Where the script, logs and run record go."
                + " Default: PLAN.slurm beside the plan.")
        Path runDir;

        @Option(names = "--out", paramLabel = "DIR", description = "The results folder the shards write into (as"
                + " `plan run --out`). Default: PLAN without .json + .results, beside the plan.")
        Path out;

        @Option(names = "--launcher", paramLabel = "CMD", description = "How a node starts protolens, e.g."
                + " \"/opt/protolens/bin/protolens\". Default: the one running now (same path on the nodes).")
        String launcher;

        @Option(names = "--dry-run", description = "Only print the batch script.")
        boolean dryRun;

        @Mixin
        Login login;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() throws Exception {
            SlurmOptions options = new SlurmOptions(partition, gpus, time, mem, account);
            List<String> cmd = launcher != null ? ShardLauncher.parse(launcher) : ThisApp.launcher();
            Path dir = runDir != null ? runDir : SlurmRuns.defaultRunDir(plan);
            SlurmRuns runs = login.runs();
            if (dryRun) {
                System.out.print(runs.script(plan, shards, dir, out, cmd, options));
                return 0;
            }
            ClusterRun run = runs.submit(plan, shards, dir, out, cmd, options);
            long job = run.jobIds().getFirst();
            if (output.json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("job", job);
                o.put("shards", shards);
                o.put("run", dir.toAbsolutePath().normalize().toString());
                o.put("script", dir.toAbsolutePath().normalize().resolve(ClusterRun.SCRIPT).toString());
                Json.print(o);
            } else {
                System.out.printf(Locale.ROOT, "submitted job %d: %d shards of %s%n", job, shards, plan);
                System.out.println("run folder " + dir.toAbsolutePath().normalize() + " (script, logs)");
                System.out.println("follow it with: protolens slurm status " + job);
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shards pending, running, done and failed, items done of the plan, and failed shards' logs.")
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN", description = "Run folder, plan file or Slurm job id.")
        String run;

        @Mixin
        Login login;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            SlurmRuns runs = login.runs();
            RunStatus s = runs.status(runs.find(run));
            if (output.json) {
                Json.print(json(s));
            } else {
                print(s);
            }
            return 0;
        }
    }

    @Command(name = "resubmit", mixinStandardHelpOptions = true,
            description = "Submit the failed shards again (only them); each skips the items it finds finished.")
    static final class Resubmit implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN", description = "Run folder, plan file or Slurm job id.")
        String run;

        @Mixin
        Login login;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() throws Exception {
            SlurmRuns runs = login.runs();
            ClusterRun r = runs.resubmit(runs.find(run));
            ClusterRun.Submission last = r.submissions().getLast();
            if (output.json) {
                Json.print(Map.of("job", last.jobId(), "shards", last.shards()));
            } else {
                System.out.printf(Locale.ROOT, "resubmitted shards %s as job %d%n", last.shards(), last.jobId());
            }
            return 0;
        }
    }

    @Command(name = "collect", mixinStandardHelpOptions = true,
            description = "When every shard is done, the plan's results table, the same a local `plan run` gives.")
    static final class Collect implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN", description = "Run folder, plan file or Slurm job id.")
        String run;

        @Mixin
        Login login;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() throws Exception {
            SlurmRuns runs = login.runs();
            RunStatus s = runs.status(runs.find(run));
            if (!s.complete()) {
                throw new UserError(incomplete(s));
            }
            ExperimentShards plan = ExperimentShards.read(s.run().planFile(), s.run().resultsDir());
            PlanTable table = PlanTable.of(plan.plan(), plan.results());
            table.write(plan.results().dir());
            if (output.json) {
                Json.print(table);
            } else {
                System.out.print(table.csv());
                System.err.printf(Locale.ROOT, "%d fits of %d items; table.csv and table.json in %s%n",
                        table.rows().size(), s.fits(), plan.results().dir());
                // the experiment's own analysis (tables, figures, report) reads the same folder
                System.err.printf(Locale.ROOT, "the %s experiment's report from these results: protolens experiment %s"
                                + " --report-only --out %s --model %s%n", plan.plan().experiment(),
                        plan.plan().experiment(), plan.results().dir(), plan.plan().model());
            }
            return 0;
        }
    }

    static String incomplete(RunStatus s) {
        String msg = "the plan is not finished: " + s.fitsDone() + " of " + s.fits() + " items done ("
                + s.count(ShardStatus.State.PENDING) + " shards pending, " + s.count(ShardStatus.State.RUNNING)
                + " running, " + s.count(ShardStatus.State.FAILED) + " failed).";
        if (!s.failed().isEmpty()) {
            msg += " Send the failed shards " + s.failed() + " again with `protolens slurm resubmit "
                    + s.run().planFile() + "`.";
        } else {
            msg += " Collect again when `protolens slurm status` shows every shard done.";
        }
        return msg;
    }

    private static Map<String, Object> json(RunStatus s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("plan", s.run().plan());
        o.put("jobs", s.run().jobIds());
        o.put("shards", s.run().shards());
        o.put("items", s.fits());
        o.put("items_done", s.fitsDone());
        for (ShardStatus.State st : ShardStatus.State.values()) {
            o.put(st.name().toLowerCase(Locale.ROOT), s.count(st));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ShardStatus x : s.shards()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("shard", x.shard());
            r.put("state", x.state().name().toLowerCase(Locale.ROOT));
            r.put("job", x.jobId());
            r.put("slurm_state", x.slurmState());
            r.put("detail", x.detail());
            r.put("items", x.fits());
            r.put("items_done", x.fitsDone());
            r.put("log_tail", x.logTail());
            rows.add(r);
        }
        o.put("shard_status", rows);
        return o;
    }

    private static void print(RunStatus s) {
        System.out.printf(Locale.ROOT, "%s, %d shards (jobs %s): %d done, %d running, %d pending, %d failed; items %d of %d"
                        + " done%n", s.run().plan(), s.run().shards(), s.run().jobIds(), s.count(ShardStatus.State.DONE),
                s.count(ShardStatus.State.RUNNING), s.count(ShardStatus.State.PENDING), s.count(ShardStatus.State.FAILED),
                s.fitsDone(), s.fits());
        System.out.printf(Locale.ROOT, "%-6s %-8s %-10s %-12s %s%n", "shard", "state", "job", "slurm", "items");
        for (ShardStatus x : s.shards()) {
            System.out.printf(Locale.ROOT, "%-6d %-8s %-10s %-12s %d/%d%s%n", x.shard(),
                    x.state().name().toLowerCase(Locale.ROOT), x.jobId() + "_" + x.shard(),
                    x.slurmState().isEmpty() ? "-" : x.slurmState(), x.fitsDone(), x.fits(),
                    x.detail().isEmpty() ? "" : "  " + x.detail());
        }
        for (ShardStatus x : s.shards()) {
            if (x.state() == ShardStatus.State.FAILED) {
                System.out.printf(Locale.ROOT, "%nshard %d failed; the end of its log:%n", x.shard());
                x.logTail().forEach(l -> System.out.println("  " + l));
            }
        }
        if (!s.failed().isEmpty()) {
            System.out.println();
            System.out.println("send the failed shards again with: protolens slurm resubmit " + s.run().planFile());
        } else if (s.complete()) {
            System.out.println("all done: protolens slurm collect " + s.run().planFile());
        }
    }
}
