package dev.protolens.engine.work;

import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.TextEntropy;
import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.tokenizer.Encoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The paper's capacity measurement: growing prefixes of each text (the length grid) fitted with several seeds;
 * a text's capacity is the longest prefix reconstructed (accuracy at least {@link Plan#successAccuracy}).
 *
 * <p>The sweep is a sequence of {@link Item}s, each one batch fit: K seeds of one text's prefix, or (with one
 * shared m) all texts' prefixes of one length for one seed. Each item's measurements reach a callback as soon
 * as it is done, and a sweep given the results of items already done skips them, so an interrupted sweep
 * resumes where it stopped and a plan of many sweeps (an experiment) can be journalled item by item. A text
 * stops growing after {@link Plan#stopAfterFails} lengths in a row without a success, the paper's early stop.
 */
public final class CapacitySweep {
    /** The paper's length grid, in tokens. */
    public static final int[] LENGTHS = {4, 5, 8, 11, 16, 22, 32};
    public static final int SEEDS = 2;
    public static final double SUCCESS_ACCURACY = 0.99;
    public static final int STOP_AFTER_FAILS = 1;
    /** In shared-m mode seed s of a length fits all texts with FitSpec seed s × this (items keep their own e). */
    static final long SHARED_SEED_STRIDE = 1000;

    /** A text to sweep: a name (its file's name) and its content. */
    public record Text(String name, String content) {}

    /**
     * What to measure.
     *
     * @param stopAfterFails stop a text after this many lengths in a row without success (0: never)
     */
    public record Plan(List<Text> texts, int[] lengths, int seeds, FitSpec spec, double successAccuracy,
                       int stopAfterFails) {
        public Plan {
            texts = List.copyOf(texts);
            if (texts.isEmpty()) {
                throw new UserError("A capacity sweep needs at least one text.");
            }
            if (lengths.length == 0 || Arrays.stream(lengths).anyMatch(n -> n < 1)) {
                throw new UserError("The lengths must be a non-empty list of positive token counts, got "
                        + Arrays.toString(lengths) + ".");
            }
            lengths = Arrays.stream(lengths).sorted().distinct().toArray();
            SeedBatch.checkSize(seeds, false);
            if (!(successAccuracy > 0 && successAccuracy <= 1)) {
                throw new UserError("The success accuracy must be in (0, 1], got " + successAccuracy + ".");
            }
            if (stopAfterFails < 0) {
                throw new UserError("--stop-after-fails must be 0 (never) or more, got " + stopAfterFails + ".");
            }
        }

        /** The paper's grid, seeds and early stop for these texts, with this fit recipe. */
        public static Plan of(List<Text> texts, FitSpec spec) {
            return new Plan(texts, LENGTHS, SEEDS, spec, SUCCESS_ACCURACY, STOP_AFTER_FAILS);
        }

        public boolean sharedM() {
            return spec.sharedM();
        }
    }

    /**
     * One batch fit of the sweep.
     *
     * @param key   stable across runs of the same plan ({@code lily.txt@8}, or {@code shared@8#1}); a resumed
     *              sweep recognises done items by it
     * @param texts the texts fitted (one, or every text long enough in shared-m mode)
     * @param seed  the batch's first seed
     */
    public record Item(String key, int length, List<String> texts, long seed, int seeds) {}

    /** One fitted item of an item: a text's prefix with one seed, and what it achieved. */
    public record Row(String text, int length, long seed, double accuracy, int correctTokens, double hLm, int steps,
                      boolean reached, long millis, boolean sharedM) {}

    /** An item's measurements. */
    public record ItemResult(Item item, List<Row> rows) {}

    /** The per-length summary of a sweep. */
    public record LengthStats(int length, int fits, double meanAccuracy, double successRate, double meanCTokens,
                              double meanHLm, double meanSteps, double meanSeconds) {}

    /**
     * A sweep's result.
     *
     * @param capacity per text, the longest prefix reconstructed (0: none)
     * @param complete false when the sweep was stopped before its last item
     */
    public record Result(Plan plan, List<Row> rows, Map<String, Integer> capacity, List<LengthStats> table,
                         boolean complete) {}

    private final LoadedModel model;
    private final Plan plan;
    private final Map<String, Encoding> encodings = new LinkedHashMap<>();

    public CapacitySweep(LoadedModel model, Plan plan) {
        this.model = model;
        this.plan = plan;
        for (Text t : plan.texts()) {
            encodings.put(t.name(), model.tokenizer().encode(t.content(), false));
        }
    }

    public Plan plan() {
        return plan;
    }

    /**
     * Runs the items not in {@code done}, in order, handing each one's result to {@code onItem} as soon as it
     * is measured; stops before the next item when {@code stop} says so.
     *
     * @param done results of an earlier, interrupted run of the same plan (by {@link Item#key}); may be empty
     */
    public Result run(List<ItemResult> done, Consumer<ItemResult> onItem, BooleanSupplier stop) {
        Map<String, ItemResult> before = new HashMap<>();
        done.forEach(d -> before.put(d.item().key(), d));
        List<Row> rows = new ArrayList<>();
        Fitter fitter = new Fitter(model);
        boolean complete = plan.sharedM() ? runShared(fitter, before, onItem, stop, rows)
                : runEach(fitter, before, onItem, stop, rows);
        return summarize(plan, rows, complete);
    }

    private boolean runEach(Fitter fitter, Map<String, ItemResult> before, Consumer<ItemResult> onItem,
                            BooleanSupplier stop, List<Row> rows) {
        for (Map.Entry<String, Encoding> t : encodings.entrySet()) {
            int fails = 0;
            for (int len : plan.lengths()) {
                if (len > t.getValue().size() || len > model.config().maxPositions()) {
                    break;
                }
                Item item = new Item(t.getKey() + "@" + len, len, List.of(t.getKey()), plan.spec().seed(),
                        plan.seeds());
                ItemResult r = before.get(item.key());
                if (r == null) {
                    if (stop.getAsBoolean()) {
                        return false;
                    }
                    FitTarget target = prefix(t.getValue(), len);
                    double hLm = TextEntropy.hLm(model, target.ids());
                    FitResult fit = fitter.fit(FitRequest.seeds(target, plan.spec(), plan.seeds()), FitMonitor.none());
                    r = new ItemResult(item, fit.items().stream().map(it -> row(t.getKey(), len, it, hLm, fit)).toList());
                    onItem.accept(r);
                }
                rows.addAll(r.rows());
                boolean any = r.rows().stream().anyMatch(this::success);
                fails = any ? 0 : fails + 1;
                if (plan.stopAfterFails() > 0 && fails >= plan.stopAfterFails()) {
                    break;
                }
            }
        }
        return true;
    }

    /** One m for all texts of a length: each seed is one batch of every text long enough. */
    private boolean runShared(Fitter fitter, Map<String, ItemResult> before, Consumer<ItemResult> onItem,
                              BooleanSupplier stop, List<Row> rows) {
        int fails = 0;
        for (int len : plan.lengths()) {
            List<String> names = new ArrayList<>();
            List<FitTarget> targets = new ArrayList<>();
            for (Map.Entry<String, Encoding> t : encodings.entrySet()) {
                if (len <= t.getValue().size()) {
                    names.add(t.getKey());
                    targets.add(prefix(t.getValue(), len));
                }
            }
            if (targets.isEmpty() || len > model.config().maxPositions()) {
                break;
            }
            boolean any = false;
            for (int s = 0; s < plan.seeds(); s++) {
                long seed = s * SHARED_SEED_STRIDE;
                Item item = new Item("shared@" + len + "#" + s, len, List.copyOf(names), seed, 1);
                ItemResult r = before.get(item.key());
                if (r == null) {
                    if (stop.getAsBoolean()) {
                        return false;
                    }
                    FitResult fit = fitter.fit(FitRequest.texts(targets, plan.spec().withSeed(seed)), FitMonitor.none());
                    r = new ItemResult(item, fit.items().stream().map(it -> row(names.get(it.index()), len, it,
                            TextEntropy.hLm(model, it.target().ids()), fit)).toList());
                    onItem.accept(r);
                }
                rows.addAll(r.rows());
                any |= r.rows().stream().allMatch(this::success);
            }
            fails = any ? 0 : fails + 1;
            if (plan.stopAfterFails() > 0 && fails >= plan.stopAfterFails()) {
                break;
            }
        }
        return true;
    }

    private boolean success(Row r) {
        return r.accuracy() >= plan.successAccuracy();
    }

    private FitTarget prefix(Encoding e, int len) {
        long[] ids = Arrays.copyOf(e.ids(), len);
        return new FitTarget(model.tokenizer().decode(ids, false), ids, Arrays.copyOf(e.pieces(), len),
                Arrays.copyOf(e.starts(), len), Arrays.copyOf(e.ends(), len));
    }

    private Row row(String text, int len, FitResult.Item it, double hLm, FitResult r) {
        return new Row(text, len, it.seed(), it.accuracy(), it.correctTokens(), hLm,
                it.reached() ? it.stepsToReach() : r.updates(), it.reached(), r.millis(), plan.sharedM());
    }

    /** Capacity per text and the per-length table of these rows. */
    public static Result summarize(Plan plan, List<Row> rows, boolean complete) {
        Map<String, Integer> capacity = new LinkedHashMap<>();
        for (Row r : rows) {
            capacity.putIfAbsent(r.text(), 0);
            if (r.accuracy() >= plan.successAccuracy()) {
                capacity.merge(r.text(), r.length(), Math::max);
            }
        }
        List<LengthStats> table = new ArrayList<>();
        for (int len : plan.lengths()) {
            List<Row> at = rows.stream().filter(r -> r.length() == len).toList();
            if (!at.isEmpty()) {
                table.add(new LengthStats(len, at.size(), at.stream().mapToDouble(Row::accuracy).average().orElse(0),
                        at.stream().filter(r -> r.accuracy() >= plan.successAccuracy()).count() / (double) at.size(),
                        at.stream().mapToInt(Row::correctTokens).average().orElse(0),
                        at.stream().mapToDouble(Row::hLm).average().orElse(0),
                        at.stream().mapToInt(Row::steps).average().orElse(0),
                        at.stream().mapToLong(Row::millis).average().orElse(0) / 1000.0));
            }
        }
        return new Result(plan, List.copyOf(rows), capacity, table, complete);
    }
}
