package dev.protolens.engine.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the scheduler says about the array tasks of some jobs, read from {@code squeue} (the live queue, and
 * finished jobs for {@code MinJobAge} after they end) and {@code sacct} (finished jobs, where the cluster keeps
 * accounting; a cluster without slurmdbd has no sacct, and then the queue and the results folder are all there is).
 */
public final class QueueReport {

    /** The {@code squeue} format the parser reads: array job id, array task id, state, reason or node list. */
    public static final String SQUEUE_FORMAT = "%F|%K|%T|%R";
    /** The {@code sacct} fields the parser reads ({@code --parsable2 --noheader -X}). */
    public static final String SACCT_FIELDS = "JobID,State,ExitCode";

    private static final Set<String> ACTIVE = Set.of("PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED",
            "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD");

    /** One array task as the scheduler reports it. */
    public record Task(long jobId, int index, String state, String detail) {
        /** Still to run or running: not to be resubmitted. */
        public boolean active() {
            return ACTIVE.contains(state);
        }
    }

    private final Map<String, Task> tasks = new LinkedHashMap<>();

    public Collection<Task> tasks() {
        return tasks.values();
    }

    public Task task(long jobId, int index) {
        return tasks.get(jobId + "_" + index);
    }

    /** Adds the lines of {@code squeue --noheader --array --states=all --format=}{@link #SQUEUE_FORMAT}. */
    public QueueReport addSqueue(String output) {
        for (String line : output.split("\\R")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 3 || !f[0].matches("\\d+")) {
                continue;
            }
            long job = Long.parseLong(f[0]);
            String state = f[2].strip().toUpperCase(Locale.ROOT);
            String detail = f.length > 3 ? f[3].strip() : "";
            for (int i : indices(f[1])) {
                tasks.put(job + "_" + i, new Task(job, i, state, detail));
            }
        }
        return this;
    }

    /**
     * Adds the lines of {@code sacct --parsable2 --noheader -X --format=}{@link #SACCT_FIELDS}, for tasks the queue
     * no longer shows: the queue is the fresher of the two, so it wins where both know a task.
     */
    public QueueReport addSacct(String output) {
        for (String line : output.split("\\R")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 2) {
                continue;
            }
            int us = f[0].indexOf('_');
            if (us < 0 || !f[0].substring(0, us).matches("\\d+")) {
                continue;
            }
            long job = Long.parseLong(f[0].substring(0, us));
            // "CANCELLED by 1000" → CANCELLED
            String state = f[1].strip().split("\\s+")[0].toUpperCase(Locale.ROOT);
            String detail = f.length > 2 && !f[2].isBlank() ? "exit " + f[2].strip() : "";
            for (int i : indices(f[0].substring(us + 1))) {
                tasks.putIfAbsent(job + "_" + i, new Task(job, i, state, detail));
            }
        }
        return this;
    }

    /** Array task ids as Slurm writes them: {@code 3}, {@code [0-3]}, {@code [1,4-6%2]}; none for {@code N/A}. */
    static List<Integer> indices(String s) {
        String t = s.strip().replace("[", "").replace("]", "");
        int pct = t.indexOf('%');
        if (pct >= 0) {
            t = t.substring(0, pct);
        }
        List<Integer> out = new ArrayList<>();
        for (String part : t.split(",")) {
            if (part.matches("\\d+")) {
                out.add(Integer.parseInt(part));
            } else if (part.matches("\\d+-\\d+")) {
                String[] ab = part.split("-");
                for (int i = Integer.parseInt(ab[0]); i <= Integer.parseInt(ab[1]); i++) {
                    out.add(i);
                }
            }
        }
        return out;
    }
}
