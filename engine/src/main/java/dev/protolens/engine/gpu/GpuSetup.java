package dev.protolens.engine.gpu;

import dev.protolens.engine.AppDirs;
import dev.protolens.engine.UserError;
import dev.protolens.engine.hub.DownloadListener;
import dev.protolens.engine.hub.FileTransfers;
import dev.protolens.engine.hub.PullOptions;
import dev.protolens.engine.hub.Sizes;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything about using an NVIDIA GPU, in one place for the engine's start, the {@code gpu} command and the
 * window: what the driver says ({@link GpuDetection}), the GPU runtime on disk ({@link GpuRuntime}), fetching it
 * ({@link RuntimeDownload}), checking it ({@link RuntimeProbe}), and the choice of libtorch for a start
 * ({@link NativesChoice}).
 */
public final class GpuSetup {
    private static final Logger LOG = LoggerFactory.getLogger(GpuSetup.class);
    /** The PYTORCH_* properties this process set itself, so they are not mistaken for the user's. */
    private static final Map<String, String> APPLIED = new ConcurrentHashMap<>();
    private static final Pattern LIBRARY = Pattern.compile(".*\\.(so(\\.\\d+)*|dll)");
    static final String STATE = "gpu.json";

    private final GpuDetection detection;
    private final GpuRuntime runtime;
    private final Map<String, String> env;
    private final RuntimeProbe probe;
    private final Path configDir;
    private java.net.URI downloadBase = RuntimeDownload.defaultBase();
    private GpuReport report;

    /**
     * @param runtime   null on a system DJL publishes no CUDA libtorch for
     * @param env       the environment variables to read (tests pass their own)
     * @param configDir where the window remembers that the first-run offer was answered
     */
    public GpuSetup(GpuDetection detection, GpuRuntime runtime, Map<String, String> env, RuntimeProbe probe,
                    Path configDir) {
        this.detection = detection;
        this.runtime = runtime;
        this.env = env;
        this.probe = probe;
        this.configDir = configDir;
    }

    public static GpuSetup system() {
        String classifier = GpuRuntime.systemClassifier();
        GpuRuntime rt = classifier == null ? null : new GpuRuntime(GpuRuntime.defaultDir(classifier), classifier);
        return new GpuSetup(GpuDetection.system(), rt, System.getenv(), RuntimeProbe.system(), AppDirs.config());
    }

    /** What the driver says (read once per instance). */
    public synchronized GpuReport report() {
        if (report == null) {
            long t0 = System.nanoTime();
            report = detection.detect();
            LOG.debug("GPU detection in {} ms: {}", (System.nanoTime() - t0) / 1_000_000, report.describe());
        }
        return report;
    }

    /** Reads the driver again (after an update, or to refresh a settings view). */
    public synchronized GpuReport redetect() {
        report = null;
        return report();
    }

    public Optional<GpuRuntime> runtime() {
        return Optional.ofNullable(runtime);
    }

    /** The choice for a start with this device setting, without running anything. */
    public NativesChoice choose(String device) {
        return NativesChoice.choose(NativesChoice.userSettings(env, APPLIED), device,
                runtime == null ? null : runtime.classifier(), report(), runtime);
    }

    /**
     * The choice for this process's engine start: when the runtime was never checked under this driver, the check
     * runs first (a child process; seconds), so the answer is the one that holds.
     */
    public NativesChoice chooseForStart(String device) {
        NativesChoice c = choose(device);
        if (c.probeNeeded()) {
            LOG.info("{} Checking it now in a child process.", c.reason());
            ProbeResult r = probe();
            LOG.info(r.ok() ? "The GPU runtime passed its check in {} ms." : "The GPU runtime failed its check ({} ms): "
                    + r.reason() + " Detail: " + r.detail(), r.millis());
            c = choose(device);
        }
        return c;
    }

    /** Sets the choice's properties for DJL (only keys the user did not set) and remembers them as this process's. */
    public static void apply(NativesChoice c) {
        c.properties().forEach((k, v) -> {
            System.setProperty(k, v);
            APPLIED.put(k, v);
        });
    }

    /** Runs the check and records it in the runtime's folder. */
    public ProbeResult probe() {
        GpuRuntime rt = requireRuntime();
        if (!rt.present()) {
            throw new UserError("The GPU runtime is not installed (nothing in " + rt.dir() + "): install it first.");
        }
        GpuReport r = report();
        if (!r.hasGpu()) {
            throw new UserError("No NVIDIA GPU was found (" + r.note() + "), so there is nothing to check the GPU"
                    + " runtime on.");
        }
        ProbeResult result = probe.run(rt, r);
        rt.saveProbe(result);
        return result;
    }

    /** A download of the runtime from DJL's distribution (or the mirror PROTOLENS_GPU_RUNTIME_URL names). */
    public RuntimeDownload download(PullOptions options) {
        return new RuntimeDownload(downloadBase, requireRuntime(), options);
    }

    public java.net.URI downloadBase() {
        return downloadBase;
    }

    /** Downloads from another copy of DJL's distribution (a mirror; a test's server). */
    public GpuSetup withDownloadBase(java.net.URI base) {
        this.downloadBase = base;
        return this;
    }

    /**
     * Plans, downloads and unpacks the runtime, then checks it; returns the check's outcome (the runtime stays
     * installed when the check fails: the reason says what to fix, and a later check may pass).
     */
    public ProbeResult install(RuntimeDownload download, RuntimeDownload.Plan plan, DownloadListener listener,
                               FileTransfers.Control control) throws InterruptedException {
        download.install(plan, listener, control);
        return probe();
    }

    /**
     * Installs a CUDA libtorch 2.7.1 that is already on this computer (the {@code lib} folder of
     * {@code libtorch-*-2.7.1+cu128.zip}): its libraries are copied into the runtime's folder, then checked.
     */
    public ProbeResult installFrom(Path folder) {
        GpuRuntime rt = requireRuntime();
        GpuRuntime source = new GpuRuntime(folder, rt.classifier());
        if (!source.present()) {
            throw new UserError(folder + " holds no CUDA libtorch: " + rt.mainLibrary() + " and " + rt.cudaLibrary()
                    + " must both be in it (the lib folder of DJL's or PyTorch's libtorch " + GpuRuntime.VERSION
                    + "+" + GpuRuntime.FLAVOR + " download).");
        }
        Path staging = RuntimeDownload.stagingDir(rt.dir());
        List<GpuRuntime.InstalledFile> files = new ArrayList<>();
        try {
            GpuRuntime.deleteTree(staging);
            Files.createDirectories(staging);
            try (Stream<Path> s = Files.list(folder)) {
                for (Path p : s.sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (Files.isRegularFile(p) && LIBRARY.matcher(name).matches() && !name.contains("djl_torch")) {
                        files.add(copy(p, staging.resolve(name)));
                    }
                }
            }
            new GpuRuntime(staging, rt.classifier()).saveManifest(new GpuRuntime.Manifest(GpuRuntime.VERSION,
                    GpuRuntime.FLAVOR, rt.classifier(), folder.toAbsolutePath().toString(), Instant.now(), 0,
                    List.copyOf(files)));
            GpuRuntime.deleteTree(rt.dir());
            Files.createDirectories(rt.dir().getParent());
            Files.move(staging, rt.dir(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserError("Cannot copy the libtorch from " + folder + " into " + rt.dir() + " (" + e.getMessage()
                    + "). Free some space or set DJL_CACHE_DIR to a writable folder on a bigger disk.", e);
        }
        LOG.info("copied {} files ({}) from {} into {}", files.size(),
                Sizes.human(files.stream().mapToLong(GpuRuntime.InstalledFile::bytes).sum()), folder, rt.dir());
        return probe();
    }

    private static GpuRuntime.InstalledFile copy(Path from, Path to) throws IOException {
        try (InputStream in = Files.newInputStream(from)) {
            return GpuRuntime.store(in, to, () -> false, "");
        }
    }

    /** Deletes the runtime (and any unfinished download); returns the bytes freed. */
    public long remove() {
        return requireRuntime().remove();
    }

    private GpuRuntime requireRuntime() {
        if (runtime == null) {
            throw new UserError("DJL publishes no CUDA libtorch " + GpuRuntime.VERSION + " for "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch")
                    + "; ProtoLens runs on the CPU here.");
        }
        return runtime;
    }

    /**
     * Whether the window should offer the install on this start: an NVIDIA GPU whose driver can run it, no runtime
     * yet, no PYTORCH_* settings of the user's, and the offer not answered before.
     */
    public boolean shouldOffer() {
        NativesChoice c = choose("auto");
        return runtime != null && report().driverSupportsRuntime() && !runtime.present()
                && c.natives() == NativesChoice.Natives.BUNDLED_CPU && offerAnswer().isEmpty();
    }

    /** "later" or "installed" once the person answered the first-run offer. */
    public Optional<String> offerAnswer() {
        Path f = configDir.resolve(STATE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(GpuRuntime.JSON.readTree(Files.readString(f)).path("offer").asString(null));
        } catch (IOException | JacksonException e) {
            return Optional.empty();
        }
    }

    public void rememberOffer(String answer) {
        try {
            Files.createDirectories(configDir);
            ObjectNode o = GpuRuntime.JSON.createObjectNode();
            o.put("offer", answer);
            o.put("at", Instant.now().toString());
            AtomicFiles.write(configDir.resolve(STATE), GpuRuntime.JSON.writeValueAsBytes(o));
        } catch (IOException | JacksonException e) {
            LOG.warn("could not remember the GPU offer's answer in {}: {}", configDir, e.getMessage());
        }
    }

    /** Everything {@code gpu status} and the window's GPU place show. */
    public GpuStatus status(String device) {
        GpuReport r = report();
        NativesChoice c = choose(device);
        return new GpuStatus(r, runtime == null ? null : runtime.dir(), runtime != null && runtime.present(),
                runtime == null ? Optional.empty() : runtime.manifest(),
                runtime == null ? 0 : runtime.bytesOnDisk(), runtime == null ? Optional.empty() : runtime.probe(), c);
    }
}
