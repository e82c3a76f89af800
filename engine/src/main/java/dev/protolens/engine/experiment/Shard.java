package dev.protolens.engine.experiment;

import dev.protolens.engine.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * One part of a plan for one worker of a cluster array. Items are dealt by expected cost, not by position: the
 * costliest first, each to the shard with the least cost so far (longest-processing-time first), so the array
 * ends when its slowest shard does, not when the one that drew the long prefixes of a length grid does. The
 * deal depends only on the plan, so every worker computes the same one, and every item belongs to exactly one
 * shard of a given count.
 */
public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new UserError("A shard is i/N with 0 <= i < N (e.g. 0/4 … 3/4), got " + index + "/" + count + ".");
        }
    }

    /** Parses "i/N" (a Slurm array passes $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT). */
    public static Shard parse(String s) {
        String[] p = s.trim().split("/");
        if (p.length != 2) {
            throw new UserError("--shard takes i/N, e.g. 0/4, got '" + s + "'.");
        }
        try {
            return new Shard(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
        } catch (NumberFormatException e) {
            throw new UserError("--shard takes two whole numbers i/N, e.g. 0/4, got '" + s + "'.");
        }
    }

    /**
     * An item's expected cost, in token-updates: a fit step costs about its prefix length, times the seeds of
     * its batch; the autoregressive baseline decodes its N tokens in N passes, counted once more.
     */
    static double cost(Plan.Item it) {
        double n = Math.max(1, it.length() > 0 ? it.length() : it.text().length() / 3.0);
        return n * it.seeds() * (it.usesMem() ? 2 : 1);
    }

    /** The shard (0 … count-1) of each of the plan's items. */
    public static int[] deal(Plan plan, int count) {
        List<Plan.Item> items = plan.items();
        Integer[] order = new Integer[items.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Double.compare(cost(items.get(b)), cost(items.get(a)));
            return c != 0 ? c : Integer.compare(a, b);
        });
        double[] load = new double[count];
        int[] shardOf = new int[items.size()];
        for (int i : order) {
            int best = 0;
            for (int s = 1; s < count; s++) {
                if (load[s] < load[best]) {
                    best = s;
                }
            }
            shardOf[i] = best;
            load[best] += cost(items.get(i));
        }
        return shardOf;
    }

    /** The plan's items in this shard, in plan order. */
    public List<Plan.Item> of(Plan plan) {
        int[] shardOf = deal(plan, count);
        List<Plan.Item> r = new ArrayList<>();
        for (int i = 0; i < shardOf.length; i++) {
            if (shardOf[i] == index) {
                r.add(plan.items().get(i));
            }
        }
        return r;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
