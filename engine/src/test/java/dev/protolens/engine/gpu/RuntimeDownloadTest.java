package dev.protolens.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.hub.DownloadProgress;
import dev.protolens.engine.hub.FileTransfers;
import dev.protolens.engine.hub.HubError;
import dev.protolens.engine.hub.PullOptions;
import dev.protolens.engine.testing.FakeDjlSite;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU runtime's download against DJL's distribution played on a loopback server: what is fetched (exactly the
 * cu128 lines for this system, URL-decoded), progress, resume after a dropped connection and after a cancel,
 * checksums (S3 MD5 and multipart ETags, gzip's CRC) with damaged downloads deleted, no network, a full disk.
 */
class RuntimeDownloadTest {
    @TempDir
    Path tmp;
    FakeDjlSite site;
    GpuRuntime runtime;
    Map<String, byte[]> libs;

    @BeforeEach
    void publish() {
        site = new FakeDjlSite();
        libs = FakeDjlSite.cudaLibraries();
        libs.forEach((name, bytes) -> site.publish("cu128", "linux-x86_64", name, bytes));
        site.publish("cpu", "linux-x86_64", "libtorch.so", new byte[] {1, 2, 3});
        site.publish("cu128", "win-x86_64", "torch_cuda.dll", new byte[] {4, 5, 6});
        site.file("libtorch_cuda.so").etag = FakeDjlSite.Etag.MULTIPART_1MIB;
        runtime = new GpuRuntime(tmp.resolve("djl/pytorch/2.7.1-cu128-linux-x86_64"), "linux-x86_64");
    }

    @AfterEach
    void stop() {
        site.close();
    }

    static PullOptions fast() {
        return PullOptions.defaults().withRetries(5, Duration.ofMillis(20)).withProgressEvery(Duration.ZERO);
    }

    private GpuRuntime.Manifest install(PullOptions opt, List<DownloadProgress> events) throws Exception {
        try (RuntimeDownload d = new RuntimeDownload(site.base(), runtime, opt)) {
            return d.install(d.plan(), events::add, new FileTransfers.Cancellation());
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void fetchesTheCu128FilesOfThisSystemAsDjlsDownloaderWouldWithProgress() throws Exception {
        RuntimeDownload.Plan plan;
        try (RuntimeDownload d = new RuntimeDownload(site.base(), runtime, fast())) {
            plan = d.plan();
        }
        assertThat(plan.files()).extracting(RuntimeDownload.RemoteFile::name).containsExactlyElementsOf(libs.keySet());
        assertThat(plan.files()).allSatisfy(f -> assertThat(f.url().toString()).startsWith(site.base()
                + "/cu128/linux-x86_64/native/lib/"));
        assertThat(plan.files().stream().filter(f -> f.name().equals("libc++shim.so")).findFirst().orElseThrow().url()
                .toString()).endsWith("/libc%2B%2Bshim.so.gz");
        long gzTotal = libs.values().stream().mapToLong(b -> FakeDjlSite.gzip(b).length).sum();
        assertThat(plan.gzBytes()).isEqualTo(gzTotal);
        assertThat(plan.unpackedBytes()).as("gzip's stored lengths, read with a 4-byte range")
                .isEqualTo(libs.values().stream().mapToLong(b -> b.length).sum());

        List<DownloadProgress> events = Collections.synchronizedList(new ArrayList<>());
        GpuRuntime.Manifest m = install(fast(), events);

        for (var e : libs.entrySet()) {
            assertThat(Files.readAllBytes(runtime.dir().resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(runtime.present()).isTrue();
        assertThat(runtime.manifest()).contains(m);
        assertThat(m.source()).isEqualTo(site.base().toString());
        assertThat(m.files()).extracting(GpuRuntime.InstalledFile::sha256)
                .containsExactlyElementsOf(libs.values().stream().map(b -> {
                    try {
                        return sha256(b);
                    } catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                }).toList());
        assertThat(runtime.damage()).isNull();
        assertThat(RuntimeDownload.downloadDir(runtime.dir())).doesNotExist();
        assertThat(RuntimeDownload.stagingDir(runtime.dir())).doesNotExist();

        assertThat(events.getFirst().stage()).isEqualTo(DownloadProgress.Stage.PLANNED);
        assertThat(events.getFirst().bytesTotal()).isEqualTo(gzTotal);
        assertThat(events.getFirst().repoId()).isEqualTo("CUDA libtorch 2.7.1 (cu128)");
        assertThat(events.getLast().stage()).isEqualTo(DownloadProgress.Stage.COMPLETE);
        assertThat(events.getLast().bytesDone()).isEqualTo(gzTotal);
        long last = -1;
        for (DownloadProgress p : events) {
            assertThat(p.bytesDone()).isGreaterThanOrEqualTo(last);
            last = p.bytesDone();
        }
        assertThat(events).filteredOn(p -> p.stage() == DownloadProgress.Stage.DOWNLOADING).hasSizeGreaterThan(5);
        assertThat(site.requests()).noneMatch(r -> r.path().contains("/cpu/") || r.path().contains("/win-x86_64/"));
    }

    @Test
    void resumesAfterTheServerDropsTheConnection() throws Exception {
        site.file("libtorch_cuda.so").drop[0] = 1_000_000;
        site.file("libtorch_cuda.so").drop[1] = 2;
        install(fast(), new ArrayList<>());
        assertThat(Files.readAllBytes(runtime.dir().resolve("libtorch_cuda.so"))).isEqualTo(libs.get("libtorch_cuda.so"));
        List<String> ranges = site.requests().stream().filter(r -> r.path().endsWith("/libtorch_cuda.so.gz"))
                .map(FakeDjlSite.Request::range).toList();
        assertThat(ranges).as("the size probe, the first try, then two resumes from the kept bytes").hasSize(4);
        assertThat(ranges.subList(0, 2)).containsExactly("bytes=-4", null);
        long first = Long.parseLong(ranges.get(2).replaceAll("[^0-9]", ""));
        long second = Long.parseLong(ranges.get(3).replaceAll("[^0-9]", ""));
        // each connection drops after 1 MB sent; what arrived before the socket closed is kept and resumed from
        assertThat(first).isBetween(500_000L, 1_000_000L);
        assertThat(second - first).isBetween(500_000L, 1_000_000L);
    }

    @Test
    void aCancelledInstallKeepsItsBytesAndTheNextOneResumes() throws Exception {
        site.bytesPerSecond = 2_000_000;
        FileTransfers.Cancellation h = new FileTransfers.Cancellation();
        CompletableFuture<Void> run;
        try (RuntimeDownload d = new RuntimeDownload(site.base(), runtime, fast().withParallelism(1))) {
            RuntimeDownload.Plan plan = d.plan();
            run = CompletableFuture.runAsync(() -> {
                try {
                    d.install(plan, p -> { }, h);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Path part = RuntimeDownload.downloadDir(runtime.dir()).resolve("libtorch_cuda.so.gz.incomplete");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.isRegularFile(part) && Files.size(part) > 500_000) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            h.cancel();
            assertThatThrownBy(() -> run.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class)
                    .hasMessageContaining("the bytes so far are kept");
            long kept = Files.size(part);
            assertThat(kept).isGreaterThan(500_000);
            assertThat(runtime.present()).isFalse();

            site.bytesPerSecond = 0;
            d.install(plan, p -> { }, new FileTransfers.Cancellation());
            assertThat(site.requests()).filteredOn(r -> r.path().endsWith("/libtorch_cuda.so.gz"))
                    .extracting(FakeDjlSite.Request::range).last().asString().startsWith("bytes=").doesNotStartWith("bytes=-");
        }
        assertThat(Files.readAllBytes(runtime.dir().resolve("libtorch_cuda.so"))).isEqualTo(libs.get("libtorch_cuda.so"));
    }

    @Test
    void aChecksumMismatchDeletesThePartialFileAndSaysSo() throws Exception {
        site.file("libtorch_cpu.so").corrupt = true; // bytes flipped in flight; the ETag is the true file's MD5
        assertThatThrownBy(() -> install(fast(), new ArrayList<>())).isInstanceOfSatisfying(HubError.class,
                e -> assertThat(e.kind()).isEqualTo(HubError.Kind.HASH_MISMATCH))
                .hasMessageStartingWith("libtorch_cpu.so.gz arrived damaged: its md5 is ")
                .hasMessageContaining("The damaged download was deleted; install again");
        Path dl = RuntimeDownload.downloadDir(runtime.dir());
        assertThat(dl.resolve("libtorch_cpu.so.gz.incomplete")).doesNotExist();
        assertThat(dl.resolve("libtorch_cpu.so.gz")).doesNotExist();
        assertThat(runtime.dir()).doesNotExist();

        site.file("libtorch_cuda.so").corrupt = true; // a multipart ETag catches it too
        site.file("libtorch_cpu.so").corrupt = false;
        runtime = new GpuRuntime(tmp.resolve("other/2.7.1-cu128-linux-x86_64"), "linux-x86_64");
        dl = RuntimeDownload.downloadDir(runtime.dir());
        assertThatThrownBy(() -> install(fast(), new ArrayList<>()))
                .hasMessageStartingWith("libtorch_cuda.so.gz arrived damaged: its S3 multipart md5 (1 MiB parts) is ");
        assertThat(dl.resolve("libtorch_cuda.so.gz.incomplete")).doesNotExist();
    }

    @Test
    void withoutAnEtagGzipsOwnChecksumCatchesDamageWhenUnpacking() throws Exception {
        site.file("libc10.so").etag = FakeDjlSite.Etag.NONE;
        site.file("libc10.so").corrupt = true;
        assertThatThrownBy(() -> install(fast(), new ArrayList<>())).isInstanceOfSatisfying(HubError.class,
                e -> assertThat(e.kind()).isEqualTo(HubError.Kind.HASH_MISMATCH))
                .hasMessageStartingWith("libc10.so.gz arrived damaged (")
                .hasMessageContaining("its gzip checksum or length is wrong) and was deleted");
        assertThat(RuntimeDownload.downloadDir(runtime.dir()).resolve("libc10.so.gz")).doesNotExist();
        assertThat(runtime.present()).isFalse();

        site.file("libc10.so").corrupt = false;
        install(fast(), new ArrayList<>());
        assertThat(Files.readAllBytes(runtime.dir().resolve("libc10.so"))).isEqualTo(libs.get("libc10.so"));
        assertThat(site.requests()).filteredOn(r -> r.path().endsWith("/libtorch_cuda.so.gz") && r.range() == null)
                .as("files that arrived whole are not fetched again").hasSize(1);
    }

    @Test
    void offlineItSaysSoInOneSentence() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RuntimeDownload d = new RuntimeDownload(URI.create("http://127.0.0.1:" + port + "/pytorch/2.7.1"), runtime,
                fast())) {
            assertThatThrownBy(d::plan).isInstanceOfSatisfying(HubError.class,
                    e -> assertThat(e.kind()).isEqualTo(HubError.Kind.NO_NETWORK))
                    .hasMessage("ProtoLens cannot reach 127.0.0.1 (connection refused), where DJL publishes the CUDA"
                            + " libtorch, so the GPU runtime cannot be downloaded now; ProtoLens keeps working on the CPU.");
        }
    }

    @Test
    void notEnoughFreeSpaceStopsBeforeAnyDownload() throws Exception {
        try (RuntimeDownload d = new RuntimeDownload(site.base(), runtime, fast().withFreeSpace(p -> 1_000_000))) {
            RuntimeDownload.Plan plan = d.plan();
            int before = site.requests().size();
            assertThatThrownBy(() -> d.install(plan, p -> { }, new FileTransfers.Cancellation())).isInstanceOfSatisfying(HubError.class,
                    e -> assertThat(e.kind()).isEqualTo(HubError.Kind.DISK_FULL))
                    .hasMessageContaining("only 1.00 MB is free").hasMessageContaining("DJL_CACHE_DIR");
            assertThat(site.requests()).hasSize(before);
        }
    }

    @Test
    void removeFreesTheFolderAndWhatAnUnfinishedInstallLeft() throws Exception {
        install(fast(), new ArrayList<>());
        Files.createDirectories(RuntimeDownload.downloadDir(runtime.dir()));
        Files.write(RuntimeDownload.downloadDir(runtime.dir()).resolve("x.gz.incomplete"), new byte[1000]);
        long onDisk = runtime.bytesOnDisk();
        assertThat(runtime.remove()).isGreaterThanOrEqualTo(onDisk + 1000);
        assertThat(runtime.dir()).doesNotExist();
        assertThat(RuntimeDownload.downloadDir(runtime.dir())).doesNotExist();
    }

    @Test
    void aListWithoutTheCudaLibraryIsNotTakenForARuntime() throws Exception {
        try (FakeDjlSite other = new FakeDjlSite()) {
            other.publish("cu128", "linux-x86_64", "libtorch.so", new byte[] {1});
            try (RuntimeDownload d = new RuntimeDownload(other.base(), runtime, fast())) {
                assertThatThrownBy(d::plan).hasMessageContaining("without libtorch.so and libtorch_cuda.so");
            }
        }
    }

    @Test
    void s3MultipartPartSizesAreTheWholeMebibytesThatGiveThatManyParts() throws IOException {
        assertThat(S3Etag.partSizes(4_000_000, 4)).containsExactly(1L << 20);
        assertThat(S3Etag.partSizes(200L << 20, 25)).containsExactly(8L << 20);
        assertThat(S3Etag.partSizes(10, 1)).containsExactly(1L << 20);
        assertThat(S3Etag.of("W/\"abc\"", 10)).isSameAs(FileTransfers.Check.NONE);
        assertThat(S3Etag.of("\"0123456789abcdef0123456789abcdef\"", 10)).isNotSameAs(FileTransfers.Check.NONE);
    }
}
