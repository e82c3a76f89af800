package dev.protolens.engine.store;

import dev.protolens.engine.decode.ProtoTokens;
import dev.protolens.engine.fit.FitState;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.SafetensorsWriter;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.WeightsFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A folder of runs, one sub-folder each ({@code <id>/run.json} + {@code <id>/vectors.safetensors}).
 *
 * <p>Saving never leaves a half-written run: the run folder is swapped in whole by
 * {@link AtomicFiles#writeFolder}, and the next {@link #list()} finishes a swap a crash interrupted. Deleting
 * moves a run to {@code .trash/}, so it can be undone.
 */
public final class RunLibrary {
    public static final String RUN_JSON = "run.json";
    public static final String VECTORS = "vectors.safetensors";
    static final String VECTORS_FORMAT = "protolens-run-vectors/1";
    private static final String TRASH = ".trash";

    public static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path root;

    public RunLibrary(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static RunLibrary openDefault() {
        return new RunLibrary(AppDirs.library());
    }

    public Path root() {
        return root;
    }

    /** A run that could not be read while listing; the others are still listed. */
    public record Problem(Path folder, String message) {}

    public record Listing(List<RunRecord> runs, List<Problem> problems) {}

    /** Every readable run, newest first (reads only run.json); damaged runs are reported, not thrown. */
    public Listing list() {
        List<RunRecord> runs = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new Listing(runs, problems);
        }
        recover();
        try (Stream<Path> s = Files.list(root)) {
            for (Path dir : s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .toList()) {
                try {
                    runs.add(readRecord(dir));
                } catch (RunStoreException e) {
                    problems.add(new Problem(dir, e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new RunStoreException("Cannot list the run library " + root + ": " + e.getMessage(), e);
        }
        runs.sort(Comparator.comparing(RunRecord::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return new Listing(runs, problems);
    }

    public boolean exists(String id) {
        return Files.isRegularFile(folder(id).resolve(RUN_JSON));
    }

    public Path folder(String id) {
        if (id.isBlank() || id.contains("/") || id.contains("\\") || id.startsWith(".")) {
            throw new RunStoreException("'" + id + "' is not a run id");
        }
        return root.resolve(id);
    }

    /** Loads a run by id, or from a run folder path. Checks schema, vector shapes and the vectors' hash. */
    public Run load(String id) {
        Path dir = folder(id);
        if (!Files.isDirectory(dir)) {
            throw new RunStoreException("There is no run '" + id + "' in " + root);
        }
        return loadFolder(dir);
    }

    /** Loads the run stored in {@code dir} (a run folder anywhere). */
    public static Run loadFolder(Path dir) {
        RunRecord r = readRecord(dir);
        Path vf = dir.resolve(VECTORS);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(vf);
        } catch (NoSuchFileException e) {
            throw new RunStoreException("Run " + r.id() + " has no " + VECTORS + " (" + dir + ")");
        } catch (IOException e) {
            throw new RunStoreException("Run " + r.id() + ": cannot read " + VECTORS + ": " + e.getMessage(), e);
        }
        if (r.vectorsSha256() != null && !r.vectorsSha256().equals(sha256(bytes))) {
            throw new RunStoreException("Run " + r.id() + ": " + VECTORS + " is damaged (its checksum does not match"
                    + " run.json). The run cannot be used; delete it or restore it from a backup.");
        }
        try (SafetensorsFile f = SafetensorsFile.open(vf)) {
            int d = r.model().hiddenSize();
            float[] e = vector(f, "e", d, r.id());
            float[] m = vector(f, "m", d, r.id());
            FitState resume = null;
            if (f.contains("adam_e1") && f.metadata().containsKey("step")) {
                resume = new FitState(Integer.parseInt(f.metadata().get("step")), f.floats("state_e"),
                        f.floats("state_m"), f.floats("adam_e1"), f.floats("adam_e2"), f.floats("adam_m1"),
                        f.floats("adam_m2"), null);
            }
            return new Run(r, new ProtoTokens(e, m), dir, resume);
        } catch (WeightsFormatException ex) {
            throw new RunStoreException("Run " + r.id() + ": " + VECTORS + " is damaged: " + ex.getMessage(), ex);
        }
    }

    private static float[] vector(SafetensorsFile f, String name, int d, String id) {
        TensorInfo t = f.find(name).orElseThrow(() -> new RunStoreException("Run " + id + ": " + VECTORS
                + " has no tensor '" + name + "'"));
        if (t.elementCount() != d || t.type() != dev.protolens.engine.weights.TensorType.F32) {
            throw new RunStoreException("Run " + id + ": tensor '" + name + "' is " + t.type() + t.shapeString()
                    + " but the run's model has d=" + d + " (F32 expected)");
        }
        return f.floats(name);
    }

    static RunRecord readRecord(Path dir) {
        Path f = dir.resolve(RUN_JSON);
        String name = dir.getFileName().toString();
        JsonNode tree;
        try {
            tree = JSON.readTree(Files.readString(f));
        } catch (NoSuchFileException e) {
            throw new RunStoreException("Run folder " + name + " has no " + RUN_JSON);
        } catch (IOException | JacksonException e) {
            throw new RunStoreException("Run " + name + ": " + RUN_JSON + " is damaged (" + firstLine(e) + ")");
        }
        if (tree == null || !tree.isObject() || !tree.has("schema_version")) {
            throw new RunStoreException("Run " + name + ": " + RUN_JSON + " is not a ProtoLens run record");
        }
        int v = tree.get("schema_version").asInt(-1);
        if (v > RunRecord.SCHEMA_VERSION) {
            throw new RunStoreException("Run " + name + " was written by a newer ProtoLens (record schema " + v
                    + "); this version reads schema " + RunRecord.SCHEMA_VERSION + ". Update ProtoLens to open it.");
        }
        if (v < 1) {
            throw new RunStoreException("Run " + name + ": unknown record schema " + tree.get("schema_version"));
        }
        try {
            RunRecord r = JSON.treeToValue(tree, RunRecord.class);
            if (r.id() == null || r.model() == null || r.tokenIds() == null || r.text() == null) {
                throw new RunStoreException("Run " + name + ": " + RUN_JSON + " lacks id, model, text or token ids");
            }
            return r;
        } catch (JacksonException e) {
            throw new RunStoreException("Run " + name + ": " + RUN_JSON + " is damaged (" + firstLine(e) + ")");
        }
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Saves (or replaces) a run atomically; with {@code resume} the optimiser state is stored too. */
    public Run save(RunRecord record, ProtoTokens vectors, FitState resume) {
        Path target = folder(record.id());
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", VECTORS_FORMAT).metadata("run_id", record.id());
        int d = vectors.dim();
        w.f32("e", vectors.e(), d).f32("m", vectors.m(), d);
        if (resume != null && resume.adamE1() != null) {
            w.metadata("step", Integer.toString(resume.step()));
            w.f32("state_e", resume.e(), resume.e().length);
            w.f32("state_m", resume.m(), resume.m().length);
            w.f32("adam_e1", resume.adamE1(), resume.adamE1().length);
            w.f32("adam_e2", resume.adamE2(), resume.adamE2().length);
            w.f32("adam_m1", resume.adamM1(), resume.adamM1().length);
            w.f32("adam_m2", resume.adamM2(), resume.adamM2().length);
        }
        byte[] vec = w.toBytes();
        RunRecord rec = record.withVectorsSha256(sha256(vec));
        try {
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(VECTORS, vec);
            files.put(RUN_JSON, JSON.writeValueAsBytes(rec));
            AtomicFiles.writeFolder(root, record.id(), files);
        } catch (IOException e) {
            throw new RunStoreException("Could not save run " + record.id() + " in " + root + ": " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("No space") ? " (the disk is full)" : ""), e);
        }
        return new Run(rec, vectors, target, resume);
    }

    /** Moves a run to the library's trash; {@link #restore} undoes it. Returns the trash location. */
    public Path delete(String id) {
        Path dir = folder(id);
        if (!Files.isDirectory(dir)) {
            throw new RunStoreException("There is no run '" + id + "' in " + root);
        }
        try {
            Path trash = root.resolve(TRASH);
            Files.createDirectories(trash);
            Path to = trash.resolve(id + "-" + System.nanoTime());
            AtomicFiles.move(dir, to);
            return to;
        } catch (IOException e) {
            throw new RunStoreException("Could not delete run " + id + ": " + e.getMessage(), e);
        }
    }

    /** Puts a deleted run back. */
    public void restore(Path trashed, String id) {
        try {
            AtomicFiles.move(trashed, folder(id));
        } catch (FileAlreadyExistsException e) {
            throw new RunStoreException("A run '" + id + "' exists again; the deleted copy stays in " + trashed);
        } catch (IOException e) {
            throw new RunStoreException("Could not restore run " + id + ": " + e.getMessage(), e);
        }
    }

    /** Refuses to use a run with a model it was not fitted with. */
    public static void requireModel(RunRecord r, LoadedModel m) {
        if (!r.model().identity().equals(m.identity())) {
            throw new RunStoreException("Run " + r.id() + " was fitted with " + r.model().name() + " ("
                    + r.model().family() + ", d=" + r.model().hiddenSize() + ", identity " + r.model().identity()
                    + "), not with " + m.name() + " (" + m.config().modelType() + ", d=" + m.config().hiddenSize()
                    + ", identity " + m.identity() + "). Open that model to use this run.");
        }
    }

    /** Finishes what a crash interrupted: restores parked runs, removes half-written folders. */
    private void recover() {
        try {
            AtomicFiles.recoverFolders(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Metadata of the vectors file, for tools. */
    static Map<String, String> vectorsMetadata(Path dir) {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(VECTORS))) {
            return f.metadata();
        }
    }
}
