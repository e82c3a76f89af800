package dev.protolens.engine.experiment;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.Init;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * An experiment written down as a list of fits: one JSON file that a laptop runs item by item, or a cluster
 * runs as an array of shards. Each {@link Item} is one fit (one text prefix, one arrangement, K seeds in one
 * batch) with a stable id, so results can be stored per item and a stopped plan resumed by skipping the items
 * whose result is on disk.
 *
 * <p>The file format ({@value #FORMAT}) is meant to stay stable: readers ignore fields they do not know, and
 * the id of an item is a hash of everything that changes its result, so editing a setting never reuses a
 * stale result.
 *
 * @param format     always {@value #FORMAT}
 * @param experiment the experiment's name ("arrangements", "one-vector", …) or a user's own
 * @param model      the model folder or .gguf file the plan was made for (a runner may be given another)
 * @param settings   the optimiser recipe every item uses
 * @param parameters what the experiment's analysis needs beyond the items (grids, counts), free-form
 * @param items      the fits, in the order a single runner does them
 */
public record Plan(String format, String experiment, String model, Settings settings, Map<String, Object> parameters,
                   List<Item> items) {
    public static final String FORMAT = "protolens-plan/1";
    /** The methods an item can use: the paper's one-step proto-tokens, or Kuratov et al.'s autoregressive [mem]. */
    public static final String PROTO = "proto";
    public static final String MEM = "mem";

    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public Plan {
        format = format == null ? FORMAT : format;
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        items = items == null ? List.of() : List.copyOf(items);
        settings = settings == null ? Settings.paper() : settings;
    }

    /**
     * The optimiser recipe (PAPER.md, "Training recipe"); {@code successAccuracy} is what counts as
     * reconstructed in tables (the paper's 0.99), {@code targetAccuracy} when a fit stops early.
     */
    public record Settings(int steps, double lr, double targetAccuracy, String init, double successAccuracy) {
        public static Settings paper() {
            return new Settings(FitSpec.MAX_STEPS, FitSpec.LR, 1.0, "normal", 0.99);
        }

        public Settings withSteps(int s) {
            return new Settings(s, lr, targetAccuracy, init, successAccuracy);
        }

        /** The fit spec of an item with these settings. */
        public FitSpec spec(Item item) {
            return FitSpec.defaults().withArrangement(item.arrangementValue()).withInit(initValue()).withSeed(item.seed())
                    .withLr(lr).withMaxSteps(steps).withTargetAccuracy(targetAccuracy).withSharedM(item.sharedM());
        }

        public Init initValue() {
            return Init.parse(init == null ? "normal" : init);
        }
    }

    /**
     * One fit.
     *
     * @param id          stable, unique in the plan: a readable prefix and a hash of what follows ({@link #of})
     * @param group       what the analysis groups by (e.g. "N=8"), free-form
     * @param textName    the text's short name (a sample's file name, "random-words")
     * @param text        the whole text
     * @param length      fit the first {@code length} tokens (0: the whole text)
     * @param method      {@value #PROTO} or {@value #MEM}
     * @param arrangement the proto-token layout ({@link Arrangement#cliName()}); ignored for [mem]
     * @param seed        the first seed; the batch uses seed … seed+seeds-1
     * @param seeds       K seeds fitted in one batch
     * @param sharedM     the K seeds share one m (the paper's setting for paths between solutions)
     * @param requires    the id of an item that must have reached the success accuracy first (the shorter prefix
     *                    of a length grid), else this one is recorded as skipped without fitting; null: none
     */
    public record Item(String id, String group, String textName, String text, int length, String method,
                       String arrangement, long seed, int seeds, boolean sharedM, String requires) {
        public Item {
            method = method == null ? PROTO : method;
            arrangement = arrangement == null ? Arrangement.E_M.cliName() : arrangement;
            seeds = Math.max(1, seeds);
        }

        /** An item whose id is made from its content and the plan's settings. */
        public static Item of(String group, String textName, String text, int length, String method,
                              Arrangement arrangement, long seed, int seeds, boolean sharedM, Settings settings) {
            Item draft = new Item("", group, textName, text, length, method, arrangement.cliName(), seed, seeds, sharedM,
                    null);
            return draft.withId(draft.readableId() + "-" + draft.hash(settings));
        }

        public Item withId(String newId) {
            return new Item(newId, group, textName, text, length, method, arrangement, seed, seeds, sharedM, requires);
        }

        /** This item runs only if {@code shorter} reached the success accuracy (a length grid's early stop). */
        public Item after(Item shorter) {
            return new Item(id, group, textName, text, length, method, arrangement, seed, seeds, sharedM,
                    shorter == null ? null : shorter.id());
        }

        public Arrangement arrangementValue() {
            return Arrangement.parse(arrangement);
        }

        public boolean usesMem() {
            return MEM.equals(method);
        }

        String readableId() {
            StringBuilder b = new StringBuilder(safe(textName)).append("-N").append(length == 0 ? "all" : length);
            b.append('-').append(usesMem() ? "mem" : arrangement).append("-s").append(seed);
            if (seeds > 1) {
                b.append('x').append(seeds);
            }
            if (sharedM) {
                b.append("-shared");
            }
            return b.toString();
        }

        String hash(Settings s) {
            String key = String.join("\u0000", textName, text, Integer.toString(length), method, arrangement,
                    Long.toString(seed), Integer.toString(seeds), Boolean.toString(sharedM), Integer.toString(s.steps()),
                    Double.toString(s.lr()), Double.toString(s.targetAccuracy()), String.valueOf(s.init()));
            try {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(h, 0, 4);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String safe(String s) {
            String t = s == null ? "text" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                    .replaceAll("(^-|-$)", "");
            return t.isEmpty() ? "text" : t.length() > 32 ? t.substring(0, 32) : t;
        }
    }

    /** Refuses a plan that no runner could run: duplicate or unsafe ids, unknown methods or arrangements. */
    public Plan validate() {
        if (!FORMAT.equals(format)) {
            throw new UserError("This plan is in format '" + format + "'; this ProtoLens reads " + FORMAT
                    + ". Write the plan again with this version (protolens experiment NAME --write-plan FILE).");
        }
        if (items.isEmpty()) {
            throw new UserError("The plan '" + experiment + "' has no items: there is nothing to run.");
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            if (it.id() == null || !it.id().matches("[A-Za-z0-9._-]{1,120}")) {
                throw new UserError("Item " + i + " of the plan has the id '" + it.id() + "'; ids must be 1-120 letters,"
                        + " digits, '.', '_' or '-' (they name result files).");
            }
            if (!ids.add(it.id())) {
                throw new UserError("The plan has two items with the id '" + it.id() + "'; each id must be unique.");
            }
            if (!PROTO.equals(it.method()) && !MEM.equals(it.method())) {
                throw new UserError("Item " + it.id() + " has the method '" + it.method() + "'; use 'proto' or 'mem'.");
            }
            try {
                it.arrangementValue();
            } catch (IllegalArgumentException e) {
                throw new UserError("Item " + it.id() + ": " + e.getMessage());
            }
            if (it.text() == null || it.text().isBlank()) {
                throw new UserError("Item " + it.id() + " has no text.");
            }
            if (it.length() < 0) {
                throw new UserError("Item " + it.id() + " has a negative length " + it.length() + ".");
            }
        }
        if (settings.steps() < 1) {
            throw new UserError("The plan's steps must be at least 1, got " + settings.steps() + ".");
        }
        return this;
    }

    public static Plan read(Path file) {
        try {
            return JSON.readValue(Files.readString(file), Plan.class).validate();
        } catch (NoSuchFileException e) {
            throw new UserError("There is no plan file " + file + ". Write one with protolens experiment NAME"
                    + " --write-plan " + file + ".");
        } catch (IOException | JacksonException e) {
            throw new UserError("The plan " + file + " cannot be read as a ProtoLens plan: " + e.getMessage(), e);
        }
    }

    /** Writes the plan atomically (a crash leaves the old file or the new one, never half of one). */
    public void write(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        AtomicFiles.write(abs, JSON.writeValueAsBytes(this));
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    public static Plan fromJson(String json) {
        return JSON.readValue(json, Plan.class).validate();
    }

    /** The plan with another model path (a plan written on a laptop, run where the model lives elsewhere). */
    public Plan withModel(String path) {
        return new Plan(format, experiment, path, settings, parameters, items);
    }

    /** Total seeds (fits) across the items: what the plan size and ETA count. */
    public int fitCount() {
        return items.stream().mapToInt(Item::seeds).sum();
    }
}
