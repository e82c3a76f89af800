package dev.protolens.engine.cluster;

import java.nio.file.Path;

/**
 * What a cluster run needs to know of its plan: how many fits each shard holds, and how many of them have a
 * finished result on the shared file system. The plan's own split decides which fits a shard holds, so the
 * scheduler's view (is the task still queued?) and the results' view (are its fits written?) can be joined.
 */
public interface PlanShards {

    /** The fits shard {@code shard} of {@code shards} runs. */
    int fits(int shard, int shards);

    /** Of those, the ones with a finished result. */
    int fitsDone(int shard, int shards);

    /**
     * Reads a plan file and finds its results in {@code results} (null: the plan's default folder); a missing or
     * broken plan is a {@link dev.protolens.engine.UserError}.
     */
    @FunctionalInterface
    interface Reader {
        PlanShards read(Path plan, Path results);
    }
}
