package dev.protolens.engine.cluster;

import dev.protolens.engine.UserError;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plan sent to Slurm: the folder {@code <plan>.slurm/} beside the plan holds the batch script, the per-shard
 * logs and this record ({@code slurm-run.json}) of every submission, so status, collect and resubmit work from
 * any shell or window later, after the app was closed.
 *
 * @param plan        the plan file, absolute
 * @param shards      N: shard I of N runs the plan's fits that the plan's split gives to I
 * @param results     the plan's results folder, or null for the default beside the plan
 * @param login       the ssh host the jobs were submitted through, or null for this machine
 * @param submissions every sbatch call, oldest first; a shard's latest is the one that counts
 */
public record ClusterRun(int schema, String plan, int shards, String results, String login, SlurmOptions options,
                         List<Submission> submissions) {

    public static final String RECORD = "slurm-run.json";
    public static final String SCRIPT = "submit.sbatch";
    static final int SCHEMA = 1;

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** One {@code sbatch} call: the array job it made and the shards (array indices) it ran. */
    public record Submission(long jobId, List<Integer> shards, String submitted) {}

    public ClusterRun {
        submissions = List.copyOf(submissions);
    }

    public Path planFile() {
        return Path.of(plan);
    }

    /** The results folder the shards write into; null for the plan's default. */
    public Path resultsDir() {
        return results == null ? null : Path.of(results);
    }

    /** The latest submission that ran {@code shard}, or null if none did. */
    public Submission latest(int shard) {
        for (Submission s : submissions.reversed()) {
            if (s.shards().contains(shard)) {
                return s;
            }
        }
        return null;
    }

    public List<Long> jobIds() {
        return submissions.stream().map(Submission::jobId).toList();
    }

    ClusterRun with(Submission s) {
        List<Submission> all = new ArrayList<>(submissions);
        all.add(s);
        return new ClusterRun(schema, plan, shards, results, login, options, all);
    }

    static Submission submission(long jobId, List<Integer> shards) {
        return new Submission(jobId, List.copyOf(shards), Instant.now().toString());
    }

    /** The log of one shard in one job, as the script's {@code --output} names it. */
    public static Path log(Path runDir, int shard, long jobId) {
        return runDir.resolve("logs").resolve("shard-" + shard + ".job-" + jobId + ".out");
    }

    void save(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        AtomicFiles.write(runDir.resolve(RECORD), JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8));
    }

    public static ClusterRun load(Path runDir) {
        Path f = runDir.resolve(RECORD);
        if (!Files.isRegularFile(f)) {
            throw new UserError(runDir + " is not a cluster run (no " + RECORD + "): give the folder that"
                    + " `protolens slurm submit` printed, the plan file, or the Slurm job id");
        }
        try {
            ClusterRun r = JSON.readValue(Files.readString(f), ClusterRun.class);
            if (r.schema() > SCHEMA) {
                throw new UserError(f + " was written by a newer ProtoLens (schema " + r.schema() + "); update"
                        + " ProtoLens to read it");
            }
            return r;
        } catch (IOException | JacksonException e) {
            throw new UserError(f + " cannot be read (" + e.getMessage() + "); submit the plan again", e);
        }
    }
}
