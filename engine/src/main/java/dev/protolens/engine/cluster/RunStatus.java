package dev.protolens.engine.cluster;

import java.util.List;

/** A cluster run's shards, and the plan's fits done of all. */
public record RunStatus(ClusterRun run, List<ShardStatus> shards) {

    public int count(ShardStatus.State s) {
        return (int) shards.stream().filter(x -> x.state() == s).count();
    }

    public int fits() {
        return shards.stream().mapToInt(ShardStatus::fits).sum();
    }

    public int fitsDone() {
        return shards.stream().mapToInt(ShardStatus::fitsDone).sum();
    }

    /** Every fit has a result: collect may run. */
    public boolean complete() {
        return fitsDone() == fits();
    }

    /** Nothing pending or running. */
    public boolean ended() {
        return count(ShardStatus.State.PENDING) + count(ShardStatus.State.RUNNING) == 0;
    }

    public List<Integer> failed() {
        return shards.stream().filter(s -> s.state() == ShardStatus.State.FAILED).map(ShardStatus::shard).toList();
    }
}
