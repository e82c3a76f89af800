package dev.protolens.engine.experiment;

import dev.protolens.engine.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * One part of a plan for one worker of a cluster array: the items whose index modulo {@code count} is
 * {@code index}. Dealing items round-robin (instead of in blocks) spreads the long items of a length grid over
 * the workers. Every item belongs to exactly one shard of a given count.
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

    public boolean contains(int itemIndex) {
        return itemIndex % count == index;
    }

    /** The plan's items in this shard, in plan order. */
    public List<Plan.Item> of(Plan plan) {
        List<Plan.Item> r = new ArrayList<>();
        for (int i = 0; i < plan.items().size(); i++) {
            if (contains(i)) {
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
