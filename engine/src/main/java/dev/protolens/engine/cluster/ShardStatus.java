package dev.protolens.engine.cluster;

import java.util.List;

/**
 * One shard of a cluster run as the results folder and the scheduler see it together.
 *
 * @param state      what the user needs to know
 * @param jobId      the array job that ran it last (0: never submitted)
 * @param slurmState the scheduler's word for the task ({@code PENDING}, {@code CANCELLED}, …), or "" when the
 *                   scheduler has forgotten it (no accounting, and older than {@code MinJobAge})
 * @param logTail    the last lines of its log, for a failed shard
 */
public record ShardStatus(int shard, State state, long jobId, String slurmState, String detail, int fits, int fitsDone,
                          List<String> logTail) {

    public enum State {
        /** Waiting in the queue. */
        PENDING,
        /** Running now. */
        RUNNING,
        /** All its fits have results. */
        DONE,
        /** Ended, or was never started, with fits missing: resubmit runs it again (it skips the finished ones). */
        FAILED
    }
}
