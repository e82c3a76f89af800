package dev.protolens.engine.cluster;

import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.experiment.PlanResults;
import dev.protolens.engine.experiment.Shard;
import java.nio.file.Path;

/**
 * An experiment's plan as a cluster run sees it: shard I of N holds the items the plan's own {@link Shard} gives
 * it, and an item is done when its result is in the plan's results folder ({@code plan run}'s default, beside the
 * plan), the folder every shard writes into.
 */
public record ExperimentShards(Plan plan, PlanResults results) implements PlanShards {

    /**
     * Reads the plan file (a missing or broken one is the user's error, with the plan's own message); its results
     * are in {@code results}, or beside the plan when that is null.
     */
    public static ExperimentShards read(Path planFile, Path results) {
        return new ExperimentShards(Plan.read(planFile), new PlanResults(results != null ? results : resultsBeside(planFile)));
    }

    /** {@code plan.json} → {@code plan.results/} beside it, where {@code protolens plan run} writes by default. */
    public static Path resultsBeside(Path planFile) {
        return PlanResults.besidePlan(planFile);
    }

    @Override
    public int fits(int shard, int shards) {
        return new Shard(shard, shards).of(plan).size();
    }

    @Override
    public int fitsDone(int shard, int shards) {
        return (int) new Shard(shard, shards).of(plan).stream().filter(it -> results.isDone(it.id())).count();
    }
}
