package dev.protolens.engine.gpu;

import dev.protolens.engine.UserError;
import dev.protolens.engine.Version;
import dev.protolens.engine.hub.DownloadListener;
import dev.protolens.engine.hub.DownloadProgress.Stage;
import dev.protolens.engine.hub.FileTransfers;
import dev.protolens.engine.hub.HubError;
import dev.protolens.engine.hub.PullOptions;
import dev.protolens.engine.hub.Sizes;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the GPU runtime from DJL's distribution, the same files DJL 0.36's own downloader
 * ({@code ai.djl.pytorch.jni.LibUtils.downloadPyTorch}) fetches for {@code PYTORCH_FLAVOR=cu128}: the index
 * {@code https://publish.djl.ai/pytorch/2.7.1/files.txt}, then every line of it that starts with
 * {@code cu128/<classifier>/} ({@code cu128/linux-x86_64/native/lib/libtorch_cuda.so.gz} …), each a gzip of one
 * library, unpacked under its URL-decoded name into the folder DJL would use. ProtoLens fetches them itself rather
 * than running DJL's downloader in a child process because DJL's copies each file in one go: no progress, no
 * resume after a dropped connection (a 1 GB file starts over), no cancel, no checksum, no free-space check.
 *
 * <p>The steps: plan (the index, then per file one ranged request for its last 4 bytes, which gives the compressed
 * size, the ETag and gzip's stored length of the unpacked file), a free-space check, the downloads through
 * {@link FileTransfers} into {@code .<folder>.download/} (resumable across runs, checked against the S3 ETag where
 * it is an MD5), the unpacking into {@code .<folder>.staging/} (gzip checks each file's CRC-32 and length; sha256 of
 * every file is recorded), and one rename into place. {@code PROTOLENS_GPU_RUNTIME_URL} points at a mirror.
 */
public final class RuntimeDownload implements AutoCloseable {
    public static final String DEFAULT_BASE = "https://publish.djl.ai/pytorch/" + GpuRuntime.VERSION;
    public static final String LABEL = "CUDA libtorch " + GpuRuntime.VERSION + " (" + GpuRuntime.FLAVOR + ")";
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeDownload.class);
    private static final long DISK_MARGIN = 64L << 20;
    /** When a server does not say a file's unpacked size: DJL's CUDA libraries shrink to about a third in gzip. */
    private static final int UNPACKED_GUESS = 3;

    private final URI base;
    private final GpuRuntime runtime;
    private final PullOptions options;
    private final HttpClient http;

    /**
     * A library to fetch.
     *
     * @param name          its name on disk ("libtorch_cuda.so")
     * @param gzBytes       the compressed size
     * @param unpackedBytes gzip's stored length (the length modulo 4 GiB), or -1 when the server did not say
     */
    public record RemoteFile(String name, URI url, long gzBytes, long unpackedBytes, String etag) {}

    /** What an install will fetch. */
    public record Plan(URI base, List<RemoteFile> files) {
        public long gzBytes() {
            return files.stream().mapToLong(RemoteFile::gzBytes).sum();
        }

        /** The installed size; an estimate (3 × compressed) for files whose size the server did not give. */
        public long unpackedBytes() {
            return files.stream().mapToLong(f -> f.unpackedBytes() >= 0 ? f.unpackedBytes() : UNPACKED_GUESS * f.gzBytes()).sum();
        }
    }

    public RuntimeDownload(URI base, GpuRuntime runtime, PullOptions options) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.runtime = runtime;
        this.options = options;
        this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** DJL's distribution, or the mirror {@code PROTOLENS_GPU_RUNTIME_URL} names. */
    public static URI defaultBase() {
        String custom = System.getenv("PROTOLENS_GPU_RUNTIME_URL");
        return URI.create(custom != null && !custom.isBlank() ? custom.strip() : DEFAULT_BASE);
    }

    static Path downloadDir(Path dir) {
        return dir.resolveSibling("." + dir.getFileName() + ".download");
    }

    static Path stagingDir(Path dir) {
        return dir.resolveSibling("." + dir.getFileName() + ".staging");
    }

    /** Reads the index and each file's size; a network problem comes out as one sentence (a {@link HubError}). */
    public Plan plan() throws InterruptedException {
        if (runtime.classifier() == null) {
            throw new UserError("DJL publishes no CUDA libtorch " + GpuRuntime.VERSION + " for "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch") + "; ProtoLens runs on the"
                    + " CPU here.");
        }
        URI index = URI.create(base + "/files.txt");
        String text;
        try {
            HttpResponse<String> r = http.send(request(index).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                throw new HubError(HubError.Kind.SERVER, index + " answered " + r.statusCode() + " instead of DJL's file"
                        + " list; try again later, or set PROTOLENS_GPU_RUNTIME_URL to a mirror of " + DEFAULT_BASE + ".");
            }
            text = r.body();
        } catch (IOException e) {
            throw offline(e);
        }
        String prefix = GpuRuntime.FLAVOR + "/" + runtime.classifier() + "/";
        List<RemoteFile> files = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (!l.startsWith(prefix) || !l.endsWith(".gz")) {
                continue;
            }
            String name = URLDecoder.decode(l.substring(l.lastIndexOf('/') + 1, l.length() - 3), StandardCharsets.UTF_8);
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                continue; // never write outside the runtime's folder
            }
            files.add(size(name, URI.create(base + "/" + l)));
        }
        if (files.isEmpty()) {
            throw new HubError(HubError.Kind.NOT_FOUND, index + " lists no " + prefix + " files: DJL no longer publishes"
                    + " the CUDA libtorch " + GpuRuntime.VERSION + " there. ProtoLens keeps running on the CPU.");
        }
        if (files.stream().noneMatch(f -> f.name().equals(runtime.cudaLibrary()))
                || files.stream().noneMatch(f -> f.name().equals(runtime.mainLibrary()))) {
            throw new HubError(HubError.Kind.NOT_FOUND, index + " lists " + prefix + " files without "
                    + runtime.mainLibrary() + " and " + runtime.cudaLibrary() + "; that is not a CUDA libtorch."
                    + " ProtoLens keeps running on the CPU.");
        }
        return new Plan(base, List.copyOf(files));
    }

    /** One ranged GET of the last 4 bytes: the total size (Content-Range), the ETag and gzip's ISIZE. */
    private RemoteFile size(String name, URI url) throws InterruptedException {
        try {
            HttpResponse<InputStream> r = http.send(request(url).header("Range", "bytes=-4").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            String etag = r.headers().firstValue("ETag").orElse(null);
            try (InputStream in = r.body()) {
                if (r.statusCode() == 206) {
                    String cr = r.headers().firstValue("Content-Range").orElse("");
                    long total = Long.parseLong(cr.substring(cr.lastIndexOf('/') + 1).strip());
                    byte[] tail = in.readNBytes(4);
                    long isize = tail.length == 4
                            ? Integer.toUnsignedLong(ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN).getInt()) : -1;
                    // gzip stores the length modulo 4 GiB; every CUDA library DJL publishes is smaller than that
                    return new RemoteFile(name, url, total, isize, etag);
                }
                if (r.statusCode() == 200) {
                    long total = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                    if (total >= 0) {
                        return new RemoteFile(name, url, total, -1, etag);
                    }
                }
                throw new HubError(HubError.Kind.SERVER, url + " answered " + r.statusCode() + " when asked for its size;"
                        + " try again later.");
            }
        } catch (NumberFormatException e) {
            throw new HubError(HubError.Kind.SERVER, url + " answered with a Content-Range ProtoLens cannot read.", e);
        } catch (IOException e) {
            throw offline(e);
        }
    }

    private HubError offline(IOException e) {
        return new HubError(HubError.Kind.NO_NETWORK, "ProtoLens cannot reach " + base.getHost() + " ("
                + FileTransfers.reason(e) + "), where DJL publishes the CUDA libtorch, so the GPU runtime cannot be"
                + " downloaded now; ProtoLens keeps working on the CPU.", e);
    }

    /** Free bytes still needed on the runtime's disk: the compressed files not yet here, and the unpacked ones. */
    public long bytesNeeded(Plan plan) {
        Path dl = downloadDir(runtime.dir());
        long need = plan.unpackedBytes() + DISK_MARGIN;
        for (RemoteFile f : plan.files()) {
            Path gz = dl.resolve(f.name() + ".gz");
            Path part = dl.resolve(f.name() + ".gz.incomplete");
            long have = 0;
            try {
                have = Files.isRegularFile(gz) ? Files.size(gz) : Files.isRegularFile(part) ? Files.size(part) : 0;
            } catch (IOException e) {
                have = 0;
            }
            need += Math.max(0, f.gzBytes() - have);
        }
        return need;
    }

    /**
     * Downloads, checks, unpacks and puts the runtime in place; returns its manifest. A cancel keeps the downloaded
     * bytes for the next run. The probe is not run here (see {@link RuntimeProbe}).
     */
    public GpuRuntime.Manifest install(Plan plan, DownloadListener listener, FileTransfers.Control control)
            throws InterruptedException {
        Path dir = runtime.dir();
        Path dl = downloadDir(dir);
        Path staging = stagingDir(dir);
        long need = bytesNeeded(plan);
        long free = options.freeSpace().applyAsLong(dir.getParent());
        if (free < need) {
            throw new HubError(HubError.Kind.DISK_FULL, "The GPU runtime needs " + Sizes.human(need) + " more on the"
                    + " disk of " + dir.getParent() + " (download and unpacked files) but only " + Sizes.human(free)
                    + " is free. Free some space, or set DJL_CACHE_DIR to a folder on a bigger disk (DJL and ProtoLens"
                    + " keep the runtime there).");
        }
        Wording wording = new Wording(dir);
        FileTransfers transfers = new FileTransfers(LABEL, options, listener, wording, item -> { });
        Map<String, Long> sizes = new LinkedHashMap<>();
        List<FileTransfers.Item> items = new ArrayList<>();
        for (RemoteFile f : plan.files()) {
            sizes.put(f.name(), f.gzBytes());
            Path gz = dl.resolve(f.name() + ".gz");
            items.add(new FileTransfers.Item(f.name(), f.gzBytes(), gz, gz.resolveSibling(gz.getFileName() + ".incomplete"),
                    offset -> open(f, offset), S3Etag.of(f.etag(), f.gzBytes())));
        }
        transfers.planned(sizes);
        LOG.info("installing {} from {}: {} files, {} compressed, into {}", LABEL, plan.base(), items.size(),
                Sizes.human(plan.gzBytes()), dir);
        transfers.run(items, control);

        List<GpuRuntime.InstalledFile> installed = new ArrayList<>();
        try {
            GpuRuntime.deleteTree(staging); // an unpacking that was interrupted starts over from the kept .gz files
            Files.createDirectories(staging);
            for (RemoteFile f : plan.files()) {
                if (control.isCancelled()) {
                    throw new CancellationException(wording.cancelled());
                }
                transfers.stage(f.name(), Stage.VERIFYING);
                installed.add(unpack(dl.resolve(f.name() + ".gz"), staging.resolve(f.name()), f, wording, control));
            }
            GpuRuntime.Manifest manifest = new GpuRuntime.Manifest(GpuRuntime.VERSION, GpuRuntime.FLAVOR,
                    runtime.classifier(), plan.base().toString(), Instant.now(), plan.gzBytes(), List.copyOf(installed));
            new GpuRuntime(staging, runtime.classifier()).saveManifest(manifest);
            // whatever was in the folder (a half-finished DJL download, DJL's JNI library) makes way
            GpuRuntime.deleteTree(dir);
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            GpuRuntime.deleteTree(dl);
            transfers.complete();
            return manifest;
        } catch (IOException e) {
            throw wording.cannotWrite(e);
        }
    }

    /** Unpacks one gzip, checking its CRC-32 and length (GZIPInputStream does at the end) and hashing the output. */
    private GpuRuntime.InstalledFile unpack(Path gz, Path out, RemoteFile f, Wording wording,
                                            FileTransfers.Control control) throws IOException {
        GpuRuntime.InstalledFile file;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
            file = GpuRuntime.store(in, out, control::isCancelled, wording.cancelled());
        } catch (ZipException | EOFException e) {
            Files.deleteIfExists(out);
            Files.deleteIfExists(gz);
            throw new HubError(HubError.Kind.HASH_MISMATCH, f.name() + ".gz arrived damaged (" + e.getMessage()
                    + ": its gzip checksum or length is wrong) and was deleted. Run the install again to fetch it anew.", e);
        }
        if (f.unpackedBytes() >= 0 && (file.bytes() & 0xffffffffL) != f.unpackedBytes()) {
            Files.deleteIfExists(out);
            Files.deleteIfExists(gz);
            throw new HubError(HubError.Kind.HASH_MISMATCH, f.name() + " unpacked to " + file.bytes() + " bytes instead"
                    + " of " + f.unpackedBytes() + "; the download was deleted. Run the install again.");
        }
        return file;
    }

    private FileTransfers.Opened open(RemoteFile f, long offset) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(f.url()).GET();
        if (offset > 0) {
            b.header("Range", "bytes=" + offset + "-");
        }
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        int s = r.statusCode();
        if (s == 200 || s == 206 || s == 416) {
            return new FileTransfers.Opened(s, r.body(), r.headers().firstValue("Content-Range")
                    .map(FileTransfers::rangeStart).orElse(-1L));
        }
        r.body().close();
        if (s == 404 || s == 410) {
            throw new HubError(HubError.Kind.NOT_FOUND, f.url() + " is gone (" + s + "): DJL's file list names a file"
                    + " its site does not have. Try again later; ProtoLens keeps running on the CPU.");
        }
        // 5xx, 429, a CDN's 403: worth another try, which FileTransfers makes
        throw new HubError(HubError.Kind.SERVER, f.url().getHost() + " answered " + s + " for " + f.name());
    }

    private HttpRequest.Builder request(URI url) {
        return HttpRequest.newBuilder(url).timeout(options.stallTimeout())
                .header("User-Agent", "protolens/" + Version.VALUE + "; java/" + Runtime.version().feature());
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    /** The install's problems, for a person installing the GPU runtime. */
    private static final class Wording implements FileTransfers.Wording {
        private final Path dir;

        Wording(Path dir) {
            this.dir = dir;
        }

        @Override
        public String cancelled() {
            return "the GPU runtime download was cancelled; the bytes so far are kept and the next install resumes";
        }

        @Override
        public UserError cannotWrite(IOException e) {
            return new UserError("Cannot write the GPU runtime into " + dir.getParent() + " (" + e.getMessage()
                    + "). Set DJL_CACHE_DIR to a folder you can write to.", e);
        }

        @Override
        public UserError diskFull(String file, long at, long size, IOException e) {
            return new HubError(HubError.Kind.DISK_FULL, "The disk filled up while downloading " + file + " ("
                    + Sizes.human(at) + " of " + Sizes.human(size) + " kept). Free some space, or set DJL_CACHE_DIR"
                    + " to a bigger disk, then install again to resume.", e);
        }

        @Override
        public UserError gaveUp(String file, int failures, String why, long at, long size, Throwable cause) {
            return new HubError(HubError.Kind.NO_NETWORK, "The download of " + file + " failed " + failures
                    + " times in a row (" + why + ") at " + Sizes.human(at) + " of " + Sizes.human(size) + ". The"
                    + " bytes so far are kept: install again to resume.", cause);
        }

        @Override
        public UserError damaged(String file, FileTransfers.Check.Mismatch m) {
            return new HubError(HubError.Kind.HASH_MISMATCH, file + ".gz arrived damaged: its " + m.kind() + " is "
                    + m.got() + " but the server lists " + m.want() + ". The damaged download was deleted; install"
                    + " again (if this repeats, a proxy is serving wrong bytes).");
        }

        @Override
        public UserError tooLong(String file, long size) {
            return new HubError(HubError.Kind.HASH_MISMATCH, file + ".gz came with more bytes than announced ("
                    + size + "); the download was deleted. Install again.");
        }
    }
}
