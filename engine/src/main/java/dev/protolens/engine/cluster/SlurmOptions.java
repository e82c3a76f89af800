package dev.protolens.engine.cluster;

import dev.protolens.engine.UserError;
import java.util.regex.Pattern;

/**
 * What a shard asks the scheduler for. Null means "the cluster's default". Checked here, before anything is
 * written or submitted, so a typo is reported in our words rather than as a rejected job.
 *
 * @param partition   {@code --partition}
 * @param gpusPerTask GPUs per shard ({@code --gres=gpu:N}: each array task is one task, and gres is what every
 *                    Slurm version understands); 0 asks for none
 * @param time        {@code --time} in a Slurm format: {@code MM}, {@code MM:SS}, {@code HH:MM:SS}, {@code D-HH},
 *                    {@code D-HH:MM}, {@code D-HH:MM:SS}
 * @param mem         {@code --mem} per shard, e.g. {@code 8G}
 * @param account     {@code --account}
 */
public record SlurmOptions(String partition, int gpusPerTask, String time, String mem, String account) {

    private static final Pattern TIME = Pattern.compile("\\d+(:\\d{1,2}){0,2}|\\d+-\\d{1,2}(:\\d{1,2}){0,2}");
    private static final Pattern MEM = Pattern.compile("\\d+[KMGTkmgt]?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.,+-]+");

    public static SlurmOptions defaults() {
        return new SlurmOptions(null, 0, null, null, null);
    }

    public SlurmOptions {
        partition = blankToNull(partition);
        time = blankToNull(time);
        mem = blankToNull(mem);
        account = blankToNull(account);
        if (gpusPerTask < 0) {
            throw new UserError("--gpus-per-task must be 0 or more, not " + gpusPerTask);
        }
        if (time != null && !TIME.matcher(time).matches()) {
            throw new UserError("--time " + time + " is not a Slurm time: use minutes (90), HH:MM:SS (01:30:00)"
                    + " or D-HH:MM:SS (1-12:00:00)");
        }
        if (mem != null && !MEM.matcher(mem).matches()) {
            throw new UserError("--mem " + mem + " is not a Slurm memory size: use a number with K, M, G or T,"
                    + " e.g. 16G");
        }
        if (partition != null && !NAME.matcher(partition).matches()) {
            throw new UserError("--partition " + partition + " is not a partition name (letters, digits, . _ -)");
        }
        if (account != null && !NAME.matcher(account).matches()) {
            throw new UserError("--account " + account + " is not an account name (letters, digits, . _ -)");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
