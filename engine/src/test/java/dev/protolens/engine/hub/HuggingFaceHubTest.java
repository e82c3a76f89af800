package dev.protolens.engine.hub;

import static dev.protolens.engine.hub.HubTesting.TINY;
import static dev.protolens.engine.hub.HubTesting.TINY_FILES;
import static dev.protolens.engine.hub.HubTesting.env;
import static dev.protolens.engine.hub.HubTesting.fast;
import static dev.protolens.engine.hub.HubTesting.serveTiny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.hub.DownloadProgress.Stage;
import dev.protolens.engine.testing.FakeHub;
import dev.protolens.engine.testing.Shared;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pulls from a fake hub on 127.0.0.1 that serves ../shared/models/tinyllama-v0, with the faults a real network has. */
class HuggingFaceHubTest {
    @TempDir
    Path tmp;
    Path tiny;
    FakeHub hub;
    FakeHub.Repo repo;
    long total;

    @BeforeEach
    void start() throws IOException {
        tiny = Shared.model("tinyllama-v0");
        hub = new FakeHub();
        repo = serveTiny(hub, tiny);
        total = 0;
        for (String f : TINY_FILES) {
            total += Files.size(tiny.resolve(f));
        }
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private PulledModel pull(HubEnvironment env, PullOptions opt, String repoId, String rev, DownloadListener l)
            throws InterruptedException {
        try (HuggingFaceHub h = new HuggingFaceHub(env, opt)) {
            return h.pull(repoId, rev, l).await();
        }
    }

    private Path blobs() {
        return tmp.resolve("hf/hub/models--protolens-test--tinyllama-v0/blobs");
    }

    private static String sha256(Path p) throws IOException {
        return FakeHub.sha256Hex(Files.readAllBytes(p));
    }

    @Test
    void pullsOnlyTheFilesAModelNeedsIntoTheHfCacheLayout() throws Exception {
        HubTesting.Events events = new HubTesting.Events();
        HubEnvironment env = env(tmp, hub.endpoint(), "HF_TOKEN", FakeHub.TOKEN);
        PulledModel r = pull(env, fast().withProgressEvery(Duration.ZERO), TINY, null, events);

        Path repoDir = tmp.resolve("hf/hub/models--protolens-test--tinyllama-v0");
        assertThat(r.commit()).isEqualTo(repo.commit());
        assertThat(r.snapshot()).isEqualTo(repoDir.resolve("snapshots").resolve(repo.commit()));
        assertThat(r.files()).extracting(PulledModel.FileResult::file).containsExactlyInAnyOrderElementsOf(TINY_FILES);
        assertThat(r.bytesTotal()).isEqualTo(total);
        assertThat(r.bytesDownloaded()).isEqualTo(total);
        try (Stream<Path> s = Files.list(r.snapshot())) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(TINY_FILES);
        }
        for (String f : TINY_FILES) {
            Path link = r.snapshot().resolve(f);
            assertThat(Files.isSymbolicLink(link)).as(f + " is a link").isTrue();
            assertThat(Files.readSymbolicLink(link).toString()).startsWith("../../blobs/");
            assertThat(Files.mismatch(link, tiny.resolve(f))).as(f + " bytes").isEqualTo(-1L);
        }
        String sha = sha256(tiny.resolve("model.safetensors"));
        assertThat(Files.readSymbolicLink(r.snapshot().resolve("model.safetensors")).getFileName().toString())
                .isEqualTo(sha);
        assertThat(Files.readString(repoDir.resolve("refs/main"))).isEqualTo(repo.commit());
        try (Stream<Path> s = Files.list(blobs())) {
            assertThat(s.filter(p -> p.toString().endsWith(".incomplete")).toList()).isEmpty();
        }

        List<FakeHub.Request> reqs = hub.requests();
        assertThat(reqs).noneMatch(q -> q.path().matches(".*(\\.bin|\\.msgpack|\\.h5|onnx|README).*"));
        assertThat(hub.requests("/resolve/")).hasSize(TINY_FILES.size())
                .allMatch(q -> q.path().contains("/resolve/" + repo.commit() + "/"))
                .allMatch(q -> ("Bearer " + FakeHub.TOKEN).equals(q.authorization()));
        List<FakeHub.Request> cdn = reqs.stream().filter(q -> q.server().equals("cdn")).toList();
        assertThat(cdn).hasSize(1);
        assertThat(cdn).allMatch(q -> q.authorization() == null);

        events.assertConsistent(total, TINY_FILES.size());
        long downloading = events.list().stream().filter(p -> p.stage() == Stage.DOWNLOADING).count();
        assertThat(downloading).isPositive();
        System.out.printf("pulled %d files, %d bytes in %d ms; %d events (%d DOWNLOADING); cdn requests %d%n",
                r.files().size(), r.bytesDownloaded(), r.elapsed().toMillis(), events.list().size(), downloading,
                cdn.size());
    }

    @Test
    void secondPullUsesTheCacheAndDownloadsNothing() throws Exception {
        HubEnvironment env = env(tmp, hub.endpoint());
        pull(env, fast(), TINY, null, null);
        hub.clearRequests();
        HubTesting.Events events = new HubTesting.Events();
        PulledModel again = pull(env, fast(), TINY, "main", events);
        assertThat(again.bytesDownloaded()).isZero();
        assertThat(again.files()).allMatch(PulledModel.FileResult::fromCache);
        assertThat(hub.requests()).extracting(FakeHub.Request::path).allMatch(p -> p.startsWith("/api/models/"));
        assertThat(events.list()).filteredOn(p -> p.stage() == Stage.CACHED).hasSize(TINY_FILES.size());
        events.assertConsistent(total, TINY_FILES.size());
    }

    @Test
    void resumesAfterTheServerDropsTheConnectionMidFile() throws Exception {
        repo.dropAfter("model.safetensors", 5_000_000, 2);
        HubTesting.Events events = new HubTesting.Events();
        PulledModel r = pull(env(tmp, hub.endpoint()), fast(), TINY, null, events);

        List<String> ranges = hub.requests().stream().filter(q -> q.server().equals("cdn"))
                .map(FakeHub.Request::range).toList();
        // each resume asks for exactly the bytes the client had written; a few kB in flight when the socket closed
        // may be lost, so the offsets sit at or just under 5,000,000 and 5,000,000 further on
        List<DownloadProgress> retrying = events.list().stream().filter(p -> p.stage() == Stage.RETRYING).toList();
        assertThat(retrying).hasSize(2);
        assertThat(ranges).containsExactly(null, "bytes=" + retrying.get(0).fileBytes() + "-",
                "bytes=" + retrying.get(1).fileBytes() + "-");
        assertThat(retrying.get(0).fileBytes()).isBetween(4_900_000L, 5_000_000L);
        assertThat(retrying.get(1).fileBytes() - retrying.get(0).fileBytes()).isBetween(4_900_000L, 5_000_000L);
        PulledModel.FileResult weights = r.files().stream().filter(f -> f.file().equals("model.safetensors"))
                .findFirst().orElseThrow();
        assertThat(weights.retries()).isEqualTo(2);
        assertThat(weights.resumedFrom()).isZero();
        assertThat(sha256(r.snapshot().resolve("model.safetensors"))).isEqualTo(sha256(tiny.resolve("model.safetensors")));
        events.assertConsistent(total, TINY_FILES.size());
        System.out.printf("dropped twice; resumed with %s; %d bytes verified%n", ranges.subList(1, 3), weights.size());
    }

    @Test
    void resumesAPartialFileLeftByAnEarlierRun() throws Exception {
        Path file = tiny.resolve("model.safetensors");
        String sha = sha256(file);
        Files.createDirectories(blobs());
        byte[] head = new byte[7_000_000];
        try (InputStream in = Files.newInputStream(file)) {
            in.readNBytes(head, 0, head.length);
        }
        Files.write(blobs().resolve(sha + ".incomplete"), head);

        HubTesting.Events events = new HubTesting.Events();
        PulledModel r = pull(env(tmp, hub.endpoint()), fast(), TINY, null, events);
        assertThat(hub.requests().stream().filter(q -> q.server().equals("cdn")).map(FakeHub.Request::range))
                .containsExactly("bytes=7000000-");
        PulledModel.FileResult weights = r.files().stream().filter(f -> f.file().equals("model.safetensors"))
                .findFirst().orElseThrow();
        assertThat(weights.resumedFrom()).isEqualTo(7_000_000);
        assertThat(r.bytesDownloaded()).isEqualTo(total - 7_000_000);
        assertThat(sha256(r.snapshot().resolve("model.safetensors"))).isEqualTo(sha);
        DownloadProgress started = events.list().stream().filter(p -> p.stage() == Stage.STARTED
                && p.file().equals("model.safetensors")).findFirst().orElseThrow();
        assertThat(started.resumedFrom()).isEqualTo(7_000_000);
        assertThat(started.fileBytes()).isEqualTo(7_000_000);
        events.assertConsistent(total, TINY_FILES.size());
        System.out.printf("resumed from byte %d, downloaded %d of %d bytes%n", weights.resumedFrom(),
                r.bytesDownloaded(), r.bytesTotal());
    }

    @Test
    void aServerThatIgnoresRangesRestartsTheFileAndProgressStaysMonotone() throws Exception {
        Path file = tiny.resolve("model.safetensors");
        Files.createDirectories(blobs());
        try (InputStream in = Files.newInputStream(file)) {
            Files.write(blobs().resolve(sha256(file) + ".incomplete"), in.readNBytes(3_000_000));
        }
        repo.ignoreRange("model.safetensors");
        HubTesting.Events events = new HubTesting.Events();
        PulledModel r = pull(env(tmp, hub.endpoint()), fast(), TINY, null, events);
        assertThat(sha256(r.snapshot().resolve("model.safetensors"))).isEqualTo(sha256(file));
        assertThat(r.bytesDownloaded()).isEqualTo(total);
        events.assertConsistent(total, TINY_FILES.size());
    }

    @Test
    void aStalledConnectionIsDroppedAndResumed() throws Exception {
        repo.stallAfter("model.safetensors", 4_000_000, 1);
        PullOptions opt = fast().withStallTimeout(Duration.ofSeconds(1));
        PulledModel r = pull(env(tmp, hub.endpoint()), opt, TINY, null, null);
        assertThat(hub.requests().stream().filter(q -> q.server().equals("cdn")).map(FakeHub.Request::range))
                .containsExactly(null, "bytes=4000000-");
        assertThat(sha256(r.snapshot().resolve("model.safetensors"))).isEqualTo(sha256(tiny.resolve("model.safetensors")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.safetensors", "tokenizer.json"})
    void damagedBytesAreRejectedAndThePartialFileDeleted(String file) throws Exception {
        repo.corrupt(file);
        String want = file.equals("model.safetensors") ? sha256(tiny.resolve(file)) : null;
        String etag = repo.etag(file);
        assertThatThrownBy(() -> pull(env(tmp, hub.endpoint()), fast(), TINY, null, null))
                .isInstanceOfSatisfying(HubError.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubError.Kind.HASH_MISMATCH);
                    assertThat(e.getMessage()).contains(file, "deleted", "run the pull again");
                    if (want != null) {
                        assertThat(e.getMessage()).contains("sha256", want);
                    } else {
                        assertThat(e.getMessage()).contains("git blob sha1");
                    }
                    System.out.println("hash mismatch: " + e.getMessage());
                });
        try (Stream<Path> s = Files.list(blobs())) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            // the damaged file is gone; files still downloading in parallel keep their partial bytes for a resume
            assertThat(names).noneMatch(n -> n.startsWith(etag));
        }
    }

    @Test
    void aGatedRepoSaysWhereToAcceptTheLicenceAndWhichVariableToSet() throws Exception {
        hub.serve("protolens-test/gated-llama", tiny).gated();
        String page = hub.endpoint() + "/protolens-test/gated-llama";

        assertThatThrownBy(() -> pull(env(tmp, hub.endpoint()), fast(), "protolens-test/gated-llama", null, null))
                .isInstanceOfSatisfying(HubError.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubError.Kind.GATED);
                    assertThat(e.getMessage()).contains("accept the licence at " + page, "HF_TOKEN");
                    System.out.println("401: " + e.getMessage());
                });
        assertThatThrownBy(() -> pull(env(tmp, hub.endpoint(), "HF_TOKEN", "hf_someoneElsesToken"), fast(),
                "protolens-test/gated-llama", null, null))
                .isInstanceOfSatisfying(HubError.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubError.Kind.GATED);
                    assertThat(e.getMessage()).contains("403", "HF_TOKEN", "accept the licence at " + page)
                            .doesNotContain("hf_someoneElsesToken");
                    System.out.println("403: " + e.getMessage());
                });

        hub.clearRequests();
        PulledModel ok = pull(env(tmp, hub.endpoint(), "HF_TOKEN", FakeHub.TOKEN), fast(),
                "protolens-test/gated-llama", null, null);
        assertThat(ok.files()).hasSize(TINY_FILES.size());
        assertThat(hub.requests()).filteredOn(q -> q.server().equals("cdn")).isNotEmpty()
                .allMatch(q -> q.authorization() == null);
    }

    @Test
    void aTokenSavedInSettingsIsUsedWhenHfTokenIsUnset() throws Exception {
        hub.serve("protolens-test/gated-llama", tiny).gated();
        HubToken.save(tmp.resolve("settings"), FakeHub.TOKEN);
        HubEnvironment env = env(tmp, hub.endpoint());
        assertThat(env.token()).hasValueSatisfying(t -> assertThat(t.source()).isEqualTo("ProtoLens settings"));
        PulledModel ok = pull(env, fast(), "protolens-test/gated-llama", null, null);
        assertThat(ok.files()).hasSize(TINY_FILES.size());
    }

    @Test
    void unknownReposAndRevisionsAreNamedInTheMessage() throws Exception {
        HubEnvironment env = env(tmp, hub.endpoint());
        assertThatThrownBy(() -> pull(env, fast(), "protolens-test/no-such-model", null, null))
                .isInstanceOfSatisfying(HubError.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubError.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("protolens-test/no-such-model", "was not found");
                });
        assertThatThrownBy(() -> pull(env, fast(), TINY, "v9", null))
                .isInstanceOfSatisfying(HubError.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubError.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("Revision 'v9'", TINY);
                });
        hub.clearRequests();
        assertThatThrownBy(() -> pull(env, fast(), "not a repo id", null, null))
                .isInstanceOfSatisfying(HubError.class, e -> assertThat(e.kind()).isEqualTo(HubError.Kind.BAD_REQUEST));
        assertThat(hub.requests()).isEmpty();

        repo.tag("v1.0", repo.commit());
        PulledModel tagged = pull(env, fast(), TINY, "v1.0", null);
        assertThat(Files.readString(tmp.resolve("hf/hub/models--protolens-test--tinyllama-v0/refs/v1.0")))
                .isEqualTo(repo.commit());
        PulledModel byHash = pull(env, fast(), TINY, repo.commit(), null);
        assertThat(byHash.snapshot()).isEqualTo(tagged.snapshot());
    }

    @Test
    void offlineModeMakesNoNetworkCallAndStillFindsTheCache() throws Exception {
        pull(env(tmp, hub.endpoint()), fast(), TINY, null, null);
        hub.clearRequests();
        HubEnvironment offline = env(tmp, hub.endpoint(), "HF_HUB_OFFLINE", "1");
        HubTesting.Events events = new HubTesting.Events();
        PulledModel r = pull(offline, fast(), TINY, null, events);
        assertThat(r.snapshot()).isEqualTo(tmp.resolve("hf/hub/models--protolens-test--tinyllama-v0/snapshots")
                .resolve(repo.commit()));
        assertThat(r.bytesDownloaded()).isZero();
        events.assertConsistent(total, TINY_FILES.size());

        assertThatThrownBy(() -> pull(offline, fast(), "protolens-test/elsewhere", null, null))
                .isInstanceOfSatisfying(HubError.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubError.Kind.OFFLINE);
                    assertThat(e.getMessage()).contains("HF_HUB_OFFLINE", "protolens-test/elsewhere",
                            "local model folder or .gguf");
                });
        try (HuggingFaceHub h = new HuggingFaceHub(offline)) {
            assertThatThrownBy(() -> h.repoInfo(TINY, null)).isInstanceOf(HubError.class);
            assertThat(h.cache().list()).extracting(CachedModel::repoId).containsExactly(TINY);
        }
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void anUnreachableHubSaysOfflineAndPointsToLocalFiles() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> pull(env(tmp, "http://127.0.0.1:" + port), fast(), TINY, null, null))
                .isInstanceOfSatisfying(HubError.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubError.Kind.NO_NETWORK);
                    assertThat(e.getMessage()).contains("connection refused", "offline", "local model folder or .gguf",
                            "HF_HUB_OFFLINE=1");
                    System.out.println("no network: " + e.getMessage());
                });
    }

    @Test
    void notEnoughDiskSpaceStopsBeforeAnyDownload() throws Exception {
        PullOptions opt = fast().withFreeSpace(p -> 5_000_000);
        assertThatThrownBy(() -> pull(env(tmp, hub.endpoint()), opt, TINY, null, null))
                .isInstanceOfSatisfying(HubError.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubError.Kind.DISK_FULL);
                    assertThat(e.getMessage()).contains("Not enough disk space", "20.5 MB", "5.00 MB", "HF_HOME");
                    System.out.println("disk: " + e.getMessage());
                });
        assertThat(hub.requests("/resolve/")).isEmpty();
        assertThat(blobs()).doesNotExist();
    }

    @Test
    void cancelStopsWithinASecondAndTheNextPullResumes() throws Exception {
        repo.throttle(4_000_000);
        Path part = blobs().resolve(sha256(tiny.resolve("model.safetensors")) + ".incomplete");
        CountDownLatch started = new CountDownLatch(1);
        ModelDownload d;
        try (HuggingFaceHub h = new HuggingFaceHub(env(tmp, hub.endpoint()), fast())) {
            d = h.pull(TINY, null, p -> {
                if ("model.safetensors".equals(p.file()) && p.fileBytes() > 2_000_000) {
                    started.countDown();
                }
            });
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            d.cancel();
            assertThatThrownBy(d::await).isInstanceOf(CancellationException.class);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("ms from cancel() to the end of the pull").isLessThan(1000);
            long kept = Files.size(part);
            Thread.sleep(300);
            assertThat(Files.size(part)).as("nothing writes after the end").isEqualTo(kept);
            assertThat(kept).isGreaterThan(2_000_000).isLessThan(Files.size(tiny.resolve("model.safetensors")));
            System.out.printf("cancel took %d ms, kept %d bytes of model.safetensors%n", ms, kept);

            repo.throttle(0);
            hub.clearRequests();
            PulledModel r = h.pull(TINY, null, null).await();
            assertThat(hub.requests().stream().filter(q -> q.server().equals("cdn")).map(FakeHub.Request::range))
                    .containsExactly("bytes=" + kept + "-");
            PulledModel.FileResult weights = r.files().stream().filter(f -> f.file().equals("model.safetensors"))
                    .findFirst().orElseThrow();
            assertThat(weights.resumedFrom()).isEqualTo(kept);
            assertThat(sha256(r.snapshot().resolve("model.safetensors")))
                    .isEqualTo(sha256(tiny.resolve("model.safetensors")));
        }
    }

    @Test
    void aCdnRefusingAnExpiredLinkIsAskedAgainThroughTheHub() throws Exception {
        repo.cdnRefuses("model.safetensors", 1);
        PulledModel r = pull(env(tmp, hub.endpoint()), fast(), TINY, null, null);
        assertThat(r.files()).filteredOn(f -> f.file().equals("model.safetensors"))
                .singleElement().extracting(PulledModel.FileResult::retries).isEqualTo(1);
        assertThat(hub.requests("/resolve/" + repo.commit() + "/model.safetensors")).hasSize(2);
    }

    @Test
    void closingTheHubCancelsARunningPullAndKeepsItsPartialFile() throws Exception {
        repo.throttle(4_000_000);
        CountDownLatch started = new CountDownLatch(1);
        ModelDownload d;
        try (HuggingFaceHub h = new HuggingFaceHub(env(tmp, hub.endpoint()), fast())) {
            d = h.pull(TINY, null, p -> {
                if ("model.safetensors".equals(p.file()) && p.fileBytes() > 1_000_000) {
                    started.countDown();
                }
            });
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(d.result()).isDone();
        assertThatThrownBy(d::await).isInstanceOf(CancellationException.class);
        assertThat(Files.size(blobs().resolve(sha256(tiny.resolve("model.safetensors")) + ".incomplete")))
                .isGreaterThan(1_000_000);
    }

    @Test
    void aFailingProgressListenerDoesNotStopTheDownload() throws Exception {
        PulledModel r = pull(env(tmp, hub.endpoint()), fast(), TINY, null, p -> {
            throw new IllegalStateException("broken progress display");
        });
        assertThat(r.bytesDownloaded()).isEqualTo(total);
    }

    @Test
    void aHubWithoutBlobIdsIsAskedThroughHeadRequests() throws Exception {
        repo.hideBlobIds();
        PulledModel r = pull(env(tmp, hub.endpoint()), fast(), TINY, null, null);
        assertThat(hub.requests()).filteredOn(q -> q.method().equals("HEAD")).hasSize(TINY_FILES.size());
        assertThat(Files.readSymbolicLink(r.snapshot().resolve("model.safetensors")).getFileName().toString())
                .isEqualTo(sha256(tiny.resolve("model.safetensors")));
        assertThat(Files.mismatch(r.snapshot().resolve("tokenizer.json"), tiny.resolve("tokenizer.json"))).isEqualTo(-1);
    }

    @Test
    void aShardedRepoGetsTheIndexedShardsAndNotTheConsolidatedCopy() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sharded-src"));
        for (String f : List.of("config.json", "tokenizer.json")) {
            Files.copy(tiny.resolve(f), dir.resolve(f));
        }
        Files.write(dir.resolve("model-00001-of-00002.safetensors"), new byte[300_000]);
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), new byte[200_001]);
        Files.write(dir.resolve("consolidated.safetensors"), new byte[500_001]);
        Files.writeString(dir.resolve("model.safetensors.index.json"), """
                {"metadata": {"total_size": 500001}, "weight_map": {
                  "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
                  "lm_head.weight": "model-00002-of-00002.safetensors"}}""");
        hub.serve("protolens-test/sharded", dir);
        PulledModel r = pull(env(tmp, hub.endpoint()), fast(), "protolens-test/sharded", null, null);
        assertThat(r.files()).extracting(PulledModel.FileResult::file).containsExactlyInAnyOrder("config.json",
                "tokenizer.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors");
        assertThat(hub.requests()).noneMatch(q -> q.path().contains("consolidated"));
    }
}
