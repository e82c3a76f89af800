package dev.protolens.engine.store;

import dev.protolens.engine.AtomicFiles;
import dev.protolens.engine.AppDirs;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.fit.FitState;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.SafetensorsWriter;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.WeightsFormatException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>Saving never leaves a half-written run: a new version is written and flushed into a hidden
 * {@code .incoming-*} folder, then swapped in with atomic renames (the old version parked as
 * {@code .replaced-*} for the instant between the two renames, and restored by the next {@link #list()} or
 * {@link #load} if the process died right there). Deleting moves a run to {@code .trash/}, so it can be undone.
 *
 * <p>Saving, listing, loading and deleting hold the library's lock: one per folder within this process, and
 * an OS lock on {@code .lock} across processes (the GUI reading while a CLI fit checkpoints into the same
 * folder). Without it a listing's clean-up deletes the folder a save is writing, and a load reads run.json of
 * one save with the vectors of the next. The OS releases the lock of a killed process.
 */
public final class RunLibrary {
    public static final String RUN_JSON = "run.json";
    public static final String VECTORS = "vectors.safetensors";
    static final String VECTORS_FORMAT = "protolens-run-vectors/1";
    private static final String TRASH = ".trash";
    private static final String LOCK = ".lock";
    static final String LEASES = ".leases";
    /** Far beyond any real run (a 5000-step history is ~100 KB, vectors with optimiser state ~8·4·d bytes). */
    static final long MAX_RUN_JSON = 64L << 20;
    static final long MAX_VECTORS = 256L << 20;
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    public static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path root;
    /** Whether this instance has tidied what a killed save left (hidden folders), which it does at first use. */
    private volatile boolean recovered;

    public RunLibrary(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static RunLibrary openDefault() {
        return new RunLibrary(AppDirs.library());
    }

    /**
     * Refuses, before any work, a library that cannot hold runs: a path that is a file or a device, or a folder
     * that cannot be made or written. Otherwise a fit ran to its end and only then failed to save.
     */
    public RunLibrary requireUsable() {
        try {
            if (Files.exists(root) && !Files.isDirectory(root)) {
                throw new RunStoreException("Cannot use " + root + " as the run library: it is a file, not a folder."
                        + " Give a folder with --library (it is made if missing).");
            }
            Files.createDirectories(root);
            if (!Files.isWritable(root)) {
                throw new RunStoreException("Cannot write to the run library " + root + ": permission denied. Check"
                        + " the folder's owner and permissions, or give another with --library.");
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new RunStoreException("Cannot use " + root + " as the run library: " + e.getFile()
                    + " is a file, not a folder.");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new RunStoreException("Cannot make the run library " + root + ": permission denied at "
                    + e.getFile() + ".");
        } catch (IOException e) {
            throw new RunStoreException("Cannot make the run library " + root + ": " + e.getMessage());
        }
        return this;
    }

    public Path root() {
        return root;
    }

    /** A run that could not be read while listing; the others are still listed. */
    public record Problem(Path folder, String message) {}

    public record Listing(List<RunRecord> runs, List<Problem> problems) {}

    /**
     * Every run that loads, newest first. A run whose run.json or vectors are damaged (or do not fit each
     * other) is reported as a problem, not thrown, and the others are still listed. Runs are small, so
     * checking each in full costs little (100 runs, ten of them d=2048 with optimiser state: 0.2 s).
     */
    public Listing list() {
        List<RunRecord> runs = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new Listing(runs, problems);
        }
        locked(false, "list the run library " + root, lockedHere -> {
            try (Stream<Path> s = Files.list(root)) {
                for (Path dir : s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                        .toList()) {
                    try {
                        runs.add(loadFolder(dir).record()); // a listed run is one that opens
                    } catch (RunStoreException e) {
                        problems.add(new Problem(dir, e.getMessage()));
                    }
                }
            }
            return null;
        });
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
        return locked(false, "load run " + id, lockedHere -> {
            if (!Files.isDirectory(dir) && lockedHere) {
                recover(); // a save killed between its two renames parked the run under another name
            }
            if (!Files.isDirectory(dir) && Files.isDirectory(root) && !Files.isReadable(root)) {
                throw new RunStoreException("Cannot read the run library " + root + ": permission denied. Check the"
                        + " folder's owner and permissions.");
            }
            if (!Files.isDirectory(dir)) {
                throw new RunStoreException("There is no run '" + id + "' in " + root);
            }
            return loadFolder(dir);
        });
    }

    /** Loads the run stored in {@code dir} (a run folder anywhere). */
    public static Run loadFolder(Path dir) {
        RunRecord r = readRecord(dir);
        byte[] bytes = readVectors(dir, r);
        try (SafetensorsFile f = SafetensorsFile.of(dir.resolve(VECTORS), bytes)) {
            int d = r.model().hiddenSize();
            float[] e = vector(f, "e", d, r.id());
            float[] m = vector(f, "m", d, r.id());
            FitState resume = null;
            if (f.contains("adam_e1") && f.metadata().containsKey("step")) {
                resume = new FitState(step(f.metadata().get("step"), r.id()), vector(f, "state_e", d, r.id()),
                        vector(f, "state_m", d, r.id()), vector(f, "adam_e1", d, r.id()),
                        vector(f, "adam_e2", d, r.id()), vector(f, "adam_m1", d, r.id()),
                        vector(f, "adam_m2", d, r.id()), null);
            }
            return new Run(r, new ProtoTokens(e, m), dir, resume);
        } catch (WeightsFormatException ex) {
            throw new RunStoreException("Run " + r.id() + ": " + VECTORS + " is damaged: " + ex.getMessage(), ex);
        }
    }

    private static int step(String step, String id) {
        try {
            int n = Integer.parseInt(step);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RunStoreException("Run " + id + ": " + VECTORS + " is damaged: its optimiser state gives step '"
                + step + "', not a number of updates");
    }

    /** The vectors file's bytes, checked against the record's checksum. */
    private static byte[] readVectors(Path dir, RunRecord r) {
        Path vf = dir.resolve(VECTORS);
        byte[] bytes;
        try {
            long size = Files.size(vf);
            if (size > MAX_VECTORS) {
                throw new RunStoreException("Run " + r.id() + ": " + VECTORS + " is damaged: it has " + size
                        + " bytes, far more than a run's vectors");
            }
            bytes = Files.readAllBytes(vf);
        } catch (NoSuchFileException e) {
            throw new RunStoreException("Run " + r.id() + " has no " + VECTORS + " (" + dir + ")");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new RunStoreException(cannotRead(vf, r.id()));
        } catch (IOException e) {
            throw new RunStoreException("Run " + r.id() + ": cannot read " + VECTORS + ": " + e.getMessage(), e);
        }
        if (r.vectorsSha256() != null && !r.vectorsSha256().equals(sha256(bytes))) {
            throw new RunStoreException("Run " + r.id() + ": " + VECTORS + " is damaged (its checksum does not match"
                    + " run.json). The run cannot be used; delete it or restore it from a backup.");
        }
        return bytes;
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
            long size = Files.size(f);
            if (size > MAX_RUN_JSON) {
                throw new RunStoreException("Run " + name + ": " + RUN_JSON + " is damaged: it has " + size
                        + " bytes, far more than a run record");
            }
            tree = JSON.readTree(Files.readString(f));
        } catch (NoSuchFileException e) {
            if (!Files.isReadable(dir) && Files.isDirectory(dir)) {
                throw new RunStoreException(cannotRead(dir, name));
            }
            throw new RunStoreException("Run folder " + name + " has no " + RUN_JSON);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new RunStoreException(cannotRead(f, name));
        } catch (IOException | JacksonException e) {
            throw new RunStoreException("Run " + name + ": " + RUN_JSON + " is damaged (" + firstLine(e) + ")");
        }
        if (tree == null || !tree.isObject() || !tree.has("schema_version")) {
            throw new RunStoreException("Run " + name + ": " + RUN_JSON + " is not a ProtoLens run record");
        }
        JsonNode schema = tree.get("schema_version");
        if (!schema.isIntegralNumber() || !schema.canConvertToInt() || schema.asInt() < 1) {
            throw new RunStoreException("Run " + name + ": unknown record schema " + schema);
        }
        int v = schema.asInt();
        if (v > RunRecord.SCHEMA_VERSION) {
            throw new RunStoreException("Run " + name + " was written by a newer ProtoLens (record schema " + v
                    + "); this version reads schema " + RunRecord.SCHEMA_VERSION + ". Update ProtoLens to open it.");
        }
        try {
            RunRecord r = JSON.treeToValue(tree, RunRecord.class);
            if (r.id() == null || r.model() == null || r.tokenIds() == null || r.text() == null) {
                throw new RunStoreException("Run " + name + ": " + RUN_JSON + " lacks id, model, text or token ids");
            }
            if (!r.id().equals(name)) {
                throw new RunStoreException("Run folder " + name + " holds the record of run '" + r.id() + "' (the"
                        + " id in its " + RUN_JSON + "): a run's folder is named after its id. Rename the folder to '"
                        + r.id() + "', or set \"id\" in its " + RUN_JSON + " to '" + name + "'.");
            }
            return r;
        } catch (JacksonException e) {
            throw new RunStoreException("Run " + name + ": " + RUN_JSON + " is damaged (" + firstLine(e) + ")");
        }
    }

    /** Not "damaged": the bytes may be fine, and deleting good data is what the wrong word would invite. */
    private static String cannotRead(Path p, String run) {
        return "Cannot read " + p + " (run " + run + "): permission denied. The run is not damaged; check the"
                + " owner and permissions of its files.";
    }

    private static String firstLine(Exception e) {
        if (e instanceof JacksonException je) {
            return dev.protolens.engine.JsonProblem.of(je);
        }
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * What a save expects to find, so that it never silently replaces a record it did not know about: a new
     * run's id must be free, and a run being updated must still be the version this process last wrote or
     * loaded (its vectors' checksum), not one another process saved since.
     */
    public sealed interface Expect {
        /** Replace whatever is there (tests, tools that own the folder). */
        Expect ANY = new Any();
        /** The id must be unused: a new run. */
        Expect NEW = new New();

        /** The stored run must be the version with this vectors checksum (or gone: nothing to lose then). */
        static Expect revision(String vectorsSha256) {
            return new Revision(vectorsSha256);
        }

        record Any() implements Expect {}

        record New() implements Expect {}

        record Revision(String sha256) implements Expect {}
    }

    /** A save refused because the library holds another version than expected; nothing was written. */
    public static final class ConflictException extends RunStoreException {
        public ConflictException(String message) {
            super(message);
        }
    }

    /** Saves (or replaces) a run atomically; with {@code resume} the optimiser state is stored too. */
    public Run save(RunRecord record, ProtoTokens vectors, FitState resume) {
        return save(record, vectors, resume, Expect.ANY);
    }

    /**
     * Saves a run atomically if the library holds what {@code expect} says (checked under the library's lock,
     * so two processes cannot both pass the check); else throws {@link ConflictException} and writes nothing.
     */
    public Run save(RunRecord record, ProtoTokens vectors, FitState resume, Expect expect) {
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
        RunRecord fresh = record.withVectorsSha256(sha256(vec));
        byte[] freshJson = JSON.writeValueAsBytes(fresh);
        RunRecord rec = locked(true, "save run " + record.id() + " in " + root, lockedHere -> {
            RunRecord there = check(expect, record.id(), target);
            // the label is the user's, changed only by label(): an update by the fit that made the run (a checkpoint,
            // "Save to library", a resumed fit) carries the record it read before the user named the run
            RunRecord out = there == null || java.util.Objects.equals(there.label(), fresh.label()) ? fresh
                    : fresh.withLabel(there.label());
            Map<String, byte[]> files = new java.util.LinkedHashMap<>();
            files.put(VECTORS, vec);
            files.put(RUN_JSON, out == fresh ? freshJson : JSON.writeValueAsBytes(out));
            AtomicFiles.writeFolder(root, record.id(), files);
            return out;
        });
        return new Run(rec, vectors, target, resume);
    }

    /** The longest label a run takes: a name for a row of the library, not a note. */
    public static final int MAX_LABEL = 80;

    /**
     * Names a run (the user's label, shown instead of its text wherever runs are named); a blank label clears it.
     * Only run.json is rewritten, atomically and under the library's lock, and only its "label" field (fields this
     * version does not know are kept): the vectors and their checksum stay, so a fit that saves the run meanwhile is
     * not refused, and its later saves keep the label (see {@link #save(RunRecord, ProtoTokens, FitState, Expect)}).
     *
     * @return the record as stored now
     */
    public RunRecord label(String id, String label) {
        String clean = cleanLabel(label);
        Path dir = folder(id);
        return locked(true, "label run " + id, lockedHere -> {
            if (!Files.isRegularFile(dir.resolve(RUN_JSON))) {
                recover(); // a save killed between its two renames parked the run under another name
            }
            if (!Files.isDirectory(dir)) {
                throw new RunStoreException("There is no run '" + id + "' in " + root + ". `protolens library list"
                        + " --library " + root + "` lists the runs and their ids.");
            }
            RunRecord r = readRecord(dir); // refuses a damaged or newer record before touching it
            tools.jackson.databind.node.ObjectNode tree = (tools.jackson.databind.node.ObjectNode) JSON.readTree(
                    Files.readString(dir.resolve(RUN_JSON)));
            if (clean == null) {
                tree.putNull("label");
            } else {
                tree.put("label", clean);
            }
            AtomicFiles.write(dir.resolve(RUN_JSON), JSON.writeValueAsBytes(tree));
            return r.withLabel(clean);
        });
    }

    /**
     * A label as stored: one line (runs of white space, line breaks included, become one space), without control
     * characters, trimmed; null when nothing is left (no label). Refuses one longer than {@link #MAX_LABEL}.
     */
    public static String cleanLabel(String label) {
        if (label == null) {
            return null;
        }
        String one = label.replaceAll("[\\s\\p{Z}]+", " ").replaceAll("\\p{Cc}", "").strip();
        if (one.isEmpty()) {
            return null;
        }
        int n = one.codePointCount(0, one.length());
        if (n > MAX_LABEL) {
            throw new RunStoreException("A run's label has at most " + MAX_LABEL + " characters; this one has " + n
                    + ". Shorten it (the run keeps its whole text anyway).");
        }
        return one;
    }

    /** The stored record an update replaces (null when there is none, or for a save that does not look). */
    private static RunRecord check(Expect expect, String id, Path target) {
        switch (expect) {
            case Expect.Any a -> {
                return null;
            }
            case Expect.New n -> {
                if (Files.exists(target)) {
                    throw new ConflictException("A run '" + id + "' already exists in the library; a new run never"
                            + " replaces one (nothing was written).");
                }
                return null;
            }
            case Expect.Revision r -> {
                if (!Files.exists(target.resolve(RUN_JSON))) {
                    return null; // gone (deleted meanwhile): writing it again loses nothing
                }
                RunRecord there;
                try {
                    there = readRecord(target);
                } catch (RunStoreException e) {
                    return null; // a damaged record is replaced by a whole one
                }
                if (!java.util.Objects.equals(there.vectorsSha256(), r.sha256())) {
                    RunRecord.Metrics mt = there.metrics();
                    throw new ConflictException("Run " + id + " was changed by another process since this one read"
                            + " it (it now holds " + (mt != null ? String.format(java.util.Locale.ROOT,
                            "%.0f %% after %d updates", mt.accuracy() * 100, mt.updates()) : "another version")
                            + ", status " + there.status() + "); it was not replaced.");
                }
                return there;
            }
        }
    }

    /**
     * Leases runs for one process while it fits them (see {@link RunLease}): a second fit of the same run, in
     * this process or another, is refused with who holds it; a lease of a process that died is taken over.
     */
    public RunLease lease(java.util.Collection<String> ids, String what) {
        for (String id : ids) {
            folder(id); // validates the id
        }
        return locked(true, "lease runs in " + root, lockedHere -> RunLease.acquire(this, root.resolve(LEASES),
                List.copyOf(ids), what));
    }

    /** Runs {@code work} under the library's lock (for {@link RunLease}'s renewals and release). */
    void underLock(String what, java.util.function.Consumer<Path> work) {
        locked(true, what, lockedHere -> {
            work.accept(root.resolve(LEASES));
            return null;
        });
    }

    @FunctionalInterface
    interface LockedWork<T> {
        /** @param lockedHere false when the library is read-only here, so nothing can be saved meanwhile */
        T run(boolean lockedHere) throws IOException;
    }

    /**
     * Runs {@code work} holding the library's lock (see the class comment). Reading a library this process
     * cannot write to (a read-only copy) runs unlocked: no one can be saving there either.
     */
    private <T> T locked(boolean write, String what, LockedWork<T> work) {
        try {
            if (write) {
                Files.createDirectories(root);
            }
            Path key = Files.isDirectory(root) ? root.toRealPath() : root;
            ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
            inProcess.lock();
            try {
                if (inProcess.getHoldCount() > 1) {
                    return work.run(true);
                }
                FileChannel ch;
                try {
                    ch = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    if (write) {
                        throw e;
                    }
                    return work.run(false);
                }
                try (ch) {
                    FileLock osLock = null;
                    try {
                        osLock = ch.lock();
                    } catch (IOException e) {
                        // a file system without locks (some network shares): this process is still serialised
                    }
                    try {
                        if (!recovered) {
                            recover(); // what a killed save left: at the first use of the library, whatever it is
                            recovered = true;
                        }
                        return work.run(true);
                    } finally {
                        if (osLock != null) {
                            osLock.release();
                        }
                    }
                }
            } finally {
                inProcess.unlock();
            }
        } catch (java.nio.file.AccessDeniedException e) {
            throw new RunStoreException("Could not " + what + ": cannot write to " + (e.getFile() != null
                    ? e.getFile() : root) + ": permission denied. The library folder must be writable by you (is it"
                    + " another user's? Choose another with --library or PROTOLENS_LIBRARY).", e);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.NotDirectoryException e) {
            throw new RunStoreException("Could not " + what + ": " + root + " is not a folder (a file of that"
                    + " name is in the way).", e);
        } catch (IOException e) {
            throw new RunStoreException("Could not " + what + ": " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("No space") ? " (the disk is full)" : ""), e);
        }
    }

    /** Moves a run to the library's trash; {@link #restore} undoes it. Returns the trash location. */
    public Path delete(String id) {
        Path dir = folder(id);
        return locked(false, "delete run " + id, lockedHere -> {
            if (!Files.isDirectory(dir)) {
                throw new RunStoreException("There is no run '" + id + "' in " + root);
            }
            Path trash = root.resolve(TRASH);
            Files.createDirectories(trash);
            Path to = trash.resolve(id + "-" + System.nanoTime());
            AtomicFiles.move(dir, to);
            return to;
        });
    }

    /** Puts a deleted run back. */
    public void restore(Path trashed, String id) {
        Path target = folder(id);
        locked(false, "restore run " + id, lockedHere -> {
            if (Files.exists(target)) {
                throw new RunStoreException("A run '" + id + "' exists again; the deleted copy stays in " + trashed);
            }
            AtomicFiles.move(trashed, target);
            return null;
        });
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

    /** Finishes what a crash interrupted (see AtomicFiles); called with the lock held. */
    private void recover() throws IOException {
        AtomicFiles.recoverFolders(root);
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
