package dev.protolens.engine.store;

import dev.protolens.engine.AtomicFiles;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.SafetensorsWriter;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorType;
import dev.protolens.engine.weights.WeightsFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The learned paths of a run library, in its hidden {@code .paths/} folder (hidden so that listing runs
 * never mistakes it for a run): one folder per path with {@code path.json} and {@code control.safetensors},
 * saved whole like a run ({@link AtomicFiles#writeFolder}).
 */
public final class PathLibrary {
    public static final String FOLDER = ".paths";
    public static final String PATH_JSON = "path.json";
    public static final String CONTROL = "control.safetensors";
    static final String CONTROL_FORMAT = "protolens-path-control/1";

    private final Path root;

    public PathLibrary(RunLibrary runs) {
        this.root = runs.root().resolve(FOLDER);
    }

    public Path root() {
        return root;
    }

    /** A stored path: its record, its control point, its folder. */
    public record Saved(PathRecord record, float[] control, Path folder) {}

    public Saved save(PathRecord record, float[] control) {
        if (control.length != record.controlSize()) {
            throw new IllegalArgumentException("control has " + control.length + " values, record says "
                    + record.controlSize());
        }
        byte[] bytes = new SafetensorsWriter().metadata("format", CONTROL_FORMAT).metadata("path_id", record.id())
                .f32("control", control, control.length).toBytes();
        PathRecord rec = record.withControlSha256(RunLibrary.sha256(bytes));
        Path dir = folder(record.id());
        try {
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(CONTROL, bytes);
            files.put(PATH_JSON, RunLibrary.JSON.writeValueAsBytes(rec));
            AtomicFiles.writeFolder(root, record.id(), files);
        } catch (IOException e) {
            throw new RunStoreException("Could not save path " + record.id() + " in " + root + ": " + e.getMessage(), e);
        }
        return new Saved(rec, control, dir);
    }

    /** Every readable path, newest first; unreadable ones are left out (see {@link #load} for the reason). */
    public List<PathRecord> list() {
        List<PathRecord> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try {
            AtomicFiles.recoverFolders(root);
            try (Stream<Path> s = Files.list(root)) {
                for (Path dir : s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                        .toList()) {
                    try {
                        out.add(readRecord(dir));
                    } catch (RunStoreException e) {
                        // listed paths are offers to the user; a damaged one says why when it is loaded
                    }
                }
            }
        } catch (IOException e) {
            throw new RunStoreException("Cannot list the learned paths in " + root + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(PathRecord::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return out;
    }

    /** The paths learned between two runs (either direction), newest first. */
    public List<PathRecord> between(String runA, String runB) {
        return list().stream().filter(p -> p.joins(runA, runB)).toList();
    }

    public Saved load(String id) {
        Path dir = folder(id);
        if (!Files.isDirectory(dir)) {
            throw new RunStoreException("There is no learned path '" + id + "' in " + root);
        }
        PathRecord r = readRecord(dir);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(CONTROL));
        } catch (NoSuchFileException e) {
            throw new RunStoreException("Path " + id + " has no " + CONTROL + " (" + dir + ")");
        } catch (IOException e) {
            throw new RunStoreException("Path " + id + ": cannot read " + CONTROL + ": " + e.getMessage(), e);
        }
        if (r.controlSha256() != null && !r.controlSha256().equals(RunLibrary.sha256(bytes))) {
            throw new RunStoreException("Path " + id + ": " + CONTROL + " is damaged (its checksum does not match "
                    + PATH_JSON + "). Learn the path again.");
        }
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(CONTROL))) {
            TensorInfo t = f.find("control").orElseThrow(() -> new RunStoreException("Path " + id + ": " + CONTROL
                    + " has no tensor 'control'"));
            if (t.type() != TensorType.F32 || t.elementCount() != r.controlSize()) {
                throw new RunStoreException("Path " + id + ": tensor 'control' is " + t.type() + t.shapeString()
                        + " but " + PATH_JSON + " says F32 [" + r.controlSize() + "]");
            }
            return new Saved(r, f.floats("control"), dir);
        } catch (WeightsFormatException e) {
            throw new RunStoreException("Path " + id + ": " + CONTROL + " is damaged: " + e.getMessage(), e);
        }
    }

    /** Removes a path for good (it can be learned again from its runs). */
    public void delete(String id) {
        try {
            AtomicFiles.deleteTree(folder(id));
        } catch (IOException e) {
            throw new RunStoreException("Could not delete path " + id + ": " + e.getMessage(), e);
        }
    }

    private Path folder(String id) {
        if (id.isBlank() || id.contains("/") || id.contains("\\") || id.startsWith(".")) {
            throw new RunStoreException("'" + id + "' is not a path id");
        }
        return root.resolve(id);
    }

    private static PathRecord readRecord(Path dir) {
        String name = dir.getFileName().toString();
        JsonNode tree;
        try {
            tree = RunLibrary.JSON.readTree(Files.readString(dir.resolve(PATH_JSON)));
        } catch (NoSuchFileException e) {
            throw new RunStoreException("Path folder " + name + " has no " + PATH_JSON);
        } catch (IOException | JacksonException e) {
            throw new RunStoreException("Path " + name + ": " + PATH_JSON + " is damaged (" + e.getMessage() + ")");
        }
        int v = tree != null && tree.has("schema_version") ? tree.get("schema_version").asInt(-1) : -1;
        if (v > PathRecord.SCHEMA_VERSION) {
            throw new RunStoreException("Path " + name + " was written by a newer ProtoLens (path schema " + v
                    + "); this version reads schema " + PathRecord.SCHEMA_VERSION + ". Update ProtoLens to open it.");
        }
        if (v < 1) {
            throw new RunStoreException("Path " + name + ": " + PATH_JSON + " is not a ProtoLens path record");
        }
        try {
            PathRecord r = RunLibrary.JSON.treeToValue(tree, PathRecord.class);
            if (r.id() == null || r.runA() == null || r.runB() == null || r.space() == null) {
                throw new RunStoreException("Path " + name + ": " + PATH_JSON + " lacks id, runs or space");
            }
            return r;
        } catch (JacksonException e) {
            throw new RunStoreException("Path " + name + ": " + PATH_JSON + " is damaged (" + e.getOriginalMessage() + ")");
        }
    }
}
