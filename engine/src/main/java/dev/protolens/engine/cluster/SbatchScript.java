package dev.protolens.engine.cluster;

import dev.protolens.engine.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The batch script of a cluster run: one Slurm job array, one array task per shard, each task the same
 * {@code protolens} command the user has, with {@code --shard I/N}. Written to be read: a person should be able
 * to check it, and submit it by hand with {@code sbatch}. {@code resubmit} sends the same file again with
 * {@code --array} on sbatch's command line, which overrides the {@code #SBATCH --array} line.
 */
public final class SbatchScript {

    /** The subcommand a shard runs, before the plan's path: the experiments CLI's. */
    public static final List<String> SHARD_COMMAND = List.of("plan", "run");

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private SbatchScript() {}

    /**
     * @param plan     the plan file, absolute, on a file system the nodes share
     * @param shards   N, the array size
     * @param runDir   the run's folder (logs go under {@code logs/})
     * @param results  the plan's results folder ({@code plan run --out}), or null for the default beside the plan
     * @param launcher how a node starts protolens, e.g. {@code [/opt/protolens/bin/protolens]} or {@code [java, -jar,
     *                 protolens.jar]}
     */
    public static String write(Path plan, int shards, Path runDir, Path results, List<String> launcher,
                               SlurmOptions options) {
        if (shards < 1) {
            throw new UserError("--shards must be at least 1, not " + shards);
        }
        for (Path p : List.of(plan, runDir)) {
            if (!p.isAbsolute() || p.toString().chars().anyMatch(Character::isWhitespace)) {
                throw new UserError(p + ": Slurm's #SBATCH lines cannot hold a path with spaces; move the plan to a"
                        + " folder without spaces");
            }
        }
        String stem = plan.getFileName().toString().replaceFirst("\\.json$", "");
        List<String> l = new ArrayList<>();
        l.add("#!/bin/bash");
        l.add("# ProtoLens: the plan " + plan + " as " + shards + " shard" + (shards == 1 ? "" : "s")
                + ", one array task each.");
        l.add("# Written by `protolens slurm submit`; `protolens slurm resubmit` sends this file again with --array");
        l.add("# set to the shards that failed. A shard skips the fits it finds finished.");
        l.add("#SBATCH --job-name=protolens-" + stem.replaceAll("[^A-Za-z0-9_.-]", "_"));
        l.add("#SBATCH --array=0-" + (shards - 1));
        l.add("#SBATCH --ntasks=1");
        l.add("#SBATCH --output=" + runDir.resolve("logs").resolve("shard-%a.job-%A.out"));
        l.add("#SBATCH --chdir=" + plan.getParent());
        if (options.partition() != null) {
            l.add("#SBATCH --partition=" + options.partition());
        }
        if (options.gpusPerTask() > 0) {
            l.add("#SBATCH --gres=gpu:" + options.gpusPerTask());
        }
        if (options.time() != null) {
            l.add("#SBATCH --time=" + options.time());
        }
        if (options.mem() != null) {
            l.add("#SBATCH --mem=" + options.mem());
        }
        if (options.account() != null) {
            l.add("#SBATCH --account=" + options.account());
        }
        l.add("set -euo pipefail");
        l.add("echo \"protolens shard $SLURM_ARRAY_TASK_ID/" + shards
                + " of job $SLURM_ARRAY_JOB_ID on $(hostname) at $(date -u +%FT%TZ)\"");
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(SHARD_COMMAND);
        cmd.add(plan.toString());
        if (results != null) {
            cmd.add("--out");
            cmd.add(results.toString());
        }
        StringBuilder exec = new StringBuilder("exec");
        for (String a : cmd) {
            exec.append(' ').append(quote(a));
        }
        exec.append(" --shard \"$SLURM_ARRAY_TASK_ID/").append(shards).append('"');
        l.add(exec.toString());
        return String.join("\n", l) + "\n";
    }

    /** One word for bash: as it is when plain, else in single quotes. */
    static String quote(String s) {
        if (!s.isEmpty() && PLAIN.matcher(s).matches()) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
