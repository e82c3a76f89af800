package dev.protolens.engine.experiment;

import dev.protolens.engine.UserError;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * A plan's output folder: {@code plan.json}, {@code results/<item id>.json} (one per finished item) and, by
 * default, {@code library/} with the runs. Several runners (shards) may write into one folder at once: each
 * item's file is written by one runner, atomically.
 */
public final class PlanResults {
    private static final Logger LOG = LoggerFactory.getLogger(PlanResults.class);
    public static final String PLAN = "plan.json";
    public static final String RESULTS = "results";
    public static final String LIBRARY = "library";
    /** Per started item, the ids of its runs in the library (see {@link #started}). */
    public static final String STARTED = "started";

    private final Path dir;

    public PlanResults(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /**
     * Where a plan's results go unless told otherwise: {@code plan.json} → {@code plan.results/} beside it. One
     * rule for {@code protolens plan run}, {@code plan status} and the Slurm shards, so they meet in one folder.
     */
    public static Path besidePlan(Path planFile) {
        Path abs = planFile.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName().toString().replaceFirst("\\.json$", "") + ".results");
    }

    public Path resultFile(String id) {
        return dir.resolve(RESULTS).resolve(id + ".json");
    }

    /** Where an item's runs are named when its fit starts, so that a later run of the plan resumes them. */
    public Path startedFile(String id) {
        return dir.resolve(STARTED).resolve(id + ".json");
    }

    /** The library ids of an item's fit that started and did not finish (none when it never started). */
    public List<String> started(String id) {
        Path f = startedFile(id);
        if (!Files.isRegularFile(f)) {
            return List.of();
        }
        try {
            List<String> ids = new java.util.ArrayList<>();
            Plan.JSON.readTree(f.toFile()).get("runs").forEach(n -> ids.add(n.asString()));
            return ids;
        } catch (RuntimeException e) {
            return List.of(); // a damaged note only costs a fresh fit
        }
    }

    public void writeStarted(String id, List<String> runIds) throws IOException {
        Files.createDirectories(dir.resolve(STARTED));
        AtomicFiles.write(startedFile(id), Plan.JSON.writeValueAsBytes(java.util.Map.of("runs", runIds)));
    }

    public boolean isDone(String id) {
        return Files.isRegularFile(resultFile(id));
    }

    public void write(ItemResult r) throws IOException {
        Files.createDirectories(dir.resolve(RESULTS));
        AtomicFiles.write(resultFile(r.id()), Plan.JSON.writeValueAsBytes(r));
    }

    /** The stored result of one item, or null when it has none (a damaged file counts as none, with a warning). */
    public ItemResult read(String id) {
        Path f = resultFile(id);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return Plan.JSON.readValue(Files.readString(f), ItemResult.class);
        } catch (IOException | JacksonException e) {
            LOG.warn("result {} cannot be read ({}); the item counts as not done", f, e.getMessage());
            return null;
        }
    }

    /** The results of the plan's finished items, in plan order (items without a result are left out). */
    public Map<String, ItemResult> of(Plan plan) {
        Map<String, ItemResult> r = new LinkedHashMap<>();
        for (Plan.Item it : plan.items()) {
            ItemResult x = read(it.id());
            if (x != null) {
                r.put(it.id(), x);
            }
        }
        return r;
    }

    /** The plan this folder was run for, or null. */
    public Plan plan() {
        Path f = dir.resolve(PLAN);
        return Files.isRegularFile(f) ? Plan.read(f) : null;
    }

    /** Item ids of results on disk that no longer belong to the plan (a changed setting gives new ids). */
    public List<String> stale(Plan plan) {
        List<String> out = new ArrayList<>();
        Path d = dir.resolve(RESULTS);
        if (!Files.isDirectory(d)) {
            return out;
        }
        var ids = plan.items().stream().map(Plan.Item::id).collect(java.util.stream.Collectors.toSet());
        try (Stream<Path> s = Files.list(d)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).filter(n -> !ids.contains(n)).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new UserError("The results folder " + d + " cannot be listed: " + e.getMessage(), e);
        }
        return out;
    }
}
