package dev.protolens.engine.gpu;

import dev.protolens.engine.UserError;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The "GPU runtime": the CUDA build of libtorch 2.7.1 (flavor cu128) in one folder. It lives where DJL's own
 * downloader puts it, {@code <DJL cache>/pytorch/2.7.1-cu128-<os>-x86_64} ({@code ~/.djl.ai} unless
 * {@code DJL_CACHE_DIR} or {@code ENGINE_CACHE_DIR} moves it), so one that DJL fetched earlier counts as installed,
 * and DJL extracts its matching JNI library ({@code pytorch-jni} carries it for cu128) into the same folder.
 *
 * <p>Beside the libraries ProtoLens keeps two small files: {@value #MANIFEST} (what was installed, from where, the
 * sha256 of every file) and {@value #PROBE} (the last check in a child process, and the driver it ran under).
 */
public final class GpuRuntime {
    public static final String VERSION = "2.7.1";
    public static final String FLAVOR = "cu128";
    public static final String MANIFEST = "protolens-runtime.json";
    public static final String PROBE = "protolens-probe.json";
    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path dir;
    private final String classifier;

    public GpuRuntime(Path dir, String classifier) {
        this.dir = dir.toAbsolutePath();
        this.classifier = classifier;
    }

    /**
     * DJL's name for this system, "linux-x86_64" or "win-x86_64"; null where DJL publishes no CUDA libtorch 2.7.1
     * (macOS, ARM).
     */
    public static String systemClassifier() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        if (!x64) {
            return null;
        }
        if (os.startsWith("linux")) {
            return "linux-x86_64";
        }
        return os.contains("win") ? "win-x86_64" : null;
    }

    /** The folder DJL's downloader would use on this system (null classifier: none). */
    public static Path defaultDir(String classifier) {
        String c = classifier == null ? "linux-x86_64" : classifier;
        return ai.djl.util.Utils.getEngineCacheDir("pytorch").resolve(VERSION + "-" + FLAVOR + "-" + c);
    }

    public Path dir() {
        return dir;
    }

    public String classifier() {
        return classifier;
    }

    boolean windows() {
        return classifier != null && classifier.startsWith("win");
    }

    /** The library DJL looks for in PYTORCH_LIBRARY_PATH. */
    public String mainLibrary() {
        return windows() ? "torch.dll" : "libtorch.so";
    }

    /** The library only a CUDA build has. */
    public String cudaLibrary() {
        return windows() ? "torch_cuda.dll" : "libtorch_cuda.so";
    }

    /** libtorch's CUDA build is in the folder (installed by ProtoLens, by DJL, or copied there). */
    public boolean present() {
        return Files.isRegularFile(dir.resolve(mainLibrary())) && Files.isRegularFile(dir.resolve(cudaLibrary()));
    }

    /**
     * What ProtoLens installed.
     *
     * @param source        the URL the files came from, or the folder they were copied from
     * @param downloadBytes compressed bytes fetched (0 for a copy)
     */
    public record Manifest(String version, String flavor, String classifier, String source, Instant installedAt,
                           long downloadBytes, List<InstalledFile> files) {
        public long bytes() {
            return files.stream().mapToLong(InstalledFile::bytes).sum();
        }
    }

    public record InstalledFile(String name, long bytes, String sha256) {}

    public Optional<Manifest> manifest() {
        return read(MANIFEST, Manifest.class);
    }

    /**
     * The files are still what was installed (same names and sizes); null when so, else what is wrong. Sizes only:
     * hashing 3 GB at every start would cost seconds, and the probe loads every library anyway.
     */
    public String damage() {
        Optional<Manifest> m = manifest();
        if (m.isEmpty()) {
            return null;
        }
        for (InstalledFile f : m.get().files()) {
            Path p = dir.resolve(f.name());
            try {
                if (!Files.isRegularFile(p)) {
                    return f.name() + " is missing";
                }
                if (Files.size(p) != f.bytes()) {
                    return f.name() + " has " + Files.size(p) + " bytes instead of " + f.bytes();
                }
            } catch (IOException e) {
                return f.name() + " cannot be read (" + e.getMessage() + ")";
            }
        }
        return null;
    }

    /** Bytes on disk in the folder (everything, DJL's JNI library included). */
    public long bytesOnDisk() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    public Optional<ProbeResult> probe() {
        return read(PROBE, ProbeResult.class);
    }

    public void saveProbe(ProbeResult r) {
        write(PROBE, r);
    }

    void saveManifest(Manifest m) {
        write(MANIFEST, m);
    }

    /** Deletes the folder and what an unfinished install left beside it; returns the bytes freed. */
    public long remove() {
        long freed = 0;
        for (Path p : List.of(dir, RuntimeDownload.downloadDir(dir), RuntimeDownload.stagingDir(dir))) {
            freed += deleteTree(p);
        }
        return freed;
    }

    /**
     * Writes a stream into {@code out}, hashing it on the way, and says what was installed; {@code stop} is asked
     * between chunks (a cancel).
     */
    static InstalledFile store(java.io.InputStream in, Path out, java.util.function.BooleanSupplier stop,
                               String stopMessage) throws IOException {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long n = 0;
        try (java.io.OutputStream os = Files.newOutputStream(out)) {
            byte[] buf = new byte[1 << 20];
            int k;
            while ((k = in.read(buf)) > 0) {
                os.write(buf, 0, k);
                sha.update(buf, 0, k);
                n += k;
                if (stop.getAsBoolean()) {
                    throw new java.util.concurrent.CancellationException(stopMessage);
                }
            }
        }
        return new InstalledFile(out.getFileName().toString(), n, java.util.HexFormat.of().formatHex(sha.digest()));
    }

    public static long deleteTree(Path root) {
        if (!Files.exists(root)) {
            return 0;
        }
        long[] freed = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    freed[0] += attrs.size();
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UserError("Cannot delete " + root + " (" + e.getMessage() + "). Close other programs that use"
                    + " it (another ProtoLens window) and try again, or delete the folder by hand.", e);
        }
        return freed[0];
    }

    private <T> Optional<T> read(String name, Class<T> type) {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readValue(Files.readString(f), type));
        } catch (IOException | JacksonException e) {
            return Optional.empty(); // a damaged record is no record: the runtime is checked again
        }
    }

    private void write(String name, Object value) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(name), JSON.writeValueAsBytes(value));
        } catch (IOException | JacksonException e) {
            throw new UserError("Cannot write " + dir.resolve(name) + " (" + e.getMessage() + "). Check that the"
                    + " folder is writable, or set DJL_CACHE_DIR to one that is.", e);
        }
    }
}
