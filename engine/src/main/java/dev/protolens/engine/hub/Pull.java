package dev.protolens.engine.hub;

import dev.protolens.engine.UserError;
import dev.protolens.engine.hub.DownloadProgress.Stage;
import dev.protolens.engine.hub.RepoInfo.RepoFile;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * One pull of a repo at a revision into the cache: ask the API for the commit and files, keep the files a model
 * needs, check the disk has room, download them in parallel (resuming partial files, retrying dropped connections),
 * verify each against the hub's hash, link them into the snapshot and record the ref.
 */
final class Pull {
    /** Small files a load or a tokenizer reads; every other file is a weight file. */
    static final List<String> SMALL_FILES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json");
    static final String INDEX = "model.safetensors.index.json";
    private static final long DISK_MARGIN = 16L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(Pull.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two pulls in one process must not write the same .incomplete file. */
    private static final Map<Path, ReentrantLock> BLOB_LOCKS = new ConcurrentHashMap<>();

    private final HubEnvironment env;
    private final HfCache cache;
    private final HubClient client;
    private final PullOptions options;
    private final String repoId;
    private final String revision;
    private final ModelDownload handle;
    private final ProgressTracker tracker;
    private final AtomicBoolean stop = new AtomicBoolean();
    private String commit;

    /** A file to fetch: where it goes and what it must hash to (one of the two hashes, or neither). */
    private record Plan(String name, long size, String etag, String sha256, String gitSha1, Path blob) {
        Path part() {
            return HfCache.incomplete(blob);
        }
    }

    /** A running file download, watched for stalls by the coordinating thread. */
    private static final class Task {
        final Plan plan;
        volatile Thread thread;
        /** Only a transfer is watched: hashing a large file sends no bytes and must not be taken for a stall. */
        volatile boolean transferring;
        volatile long lastByteNanos = System.nanoTime();
        volatile boolean stalled;

        Task(Plan plan) {
            this.plan = plan;
        }
    }

    Pull(HubEnvironment env, HfCache cache, HubClient client, PullOptions options, String repoId, String revision,
         ModelDownload handle, DownloadListener listener) {
        this.env = env;
        this.cache = cache;
        this.client = client;
        this.options = options;
        this.repoId = repoId;
        this.revision = revision;
        this.handle = handle;
        this.tracker = new ProgressTracker(repoId, listener, options.progressEvery());
    }

    PulledModel run() throws InterruptedException {
        long t0 = System.nanoTime();
        if (env.offline()) {
            return fromCacheOnly(t0);
        }
        RepoInfo info = client.repoInfo(repoId, revision);
        commit = info.sha();
        handle.checkCancelled();
        List<RepoFile> wanted = select(info, repoId, env.repoPage(repoId), () -> client.fetchSmall(repoId, commit, INDEX));
        List<Plan> plans = new ArrayList<>();
        for (RepoFile f : wanted) {
            plans.add(plan(f));
        }
        plans.sort(Comparator.comparingLong(Plan::size));
        LOG.info("pulling {} at {} ({}): {} files, {} bytes, into {}", repoId, revision, commit, plans.size(),
                plans.stream().mapToLong(Plan::size).sum(), cache.root());
        checkDiskSpace(plans);

        Map<String, Long> sizes = new LinkedHashMap<>();
        plans.forEach(p -> sizes.put(p.name(), p.size()));
        tracker.planned(sizes);
        Map<String, PulledModel.FileResult> results = new LinkedHashMap<>();
        List<Plan> toFetch = new ArrayList<>();
        for (Plan p : plans) {
            if (complete(p)) {
                link(p);
                tracker.cached(p.name());
                results.put(p.name(), new PulledModel.FileResult(p.name(), p.size(), p.etag(), true, 0, 0));
            } else {
                toFetch.add(p);
            }
        }
        for (PulledModel.FileResult r : fetchAll(toFetch)) {
            results.put(r.file(), r);
        }
        try {
            cache.writeRef(repoId, revision, commit);
        } catch (IOException e) {
            throw cannotWrite(e);
        }
        tracker.complete();
        List<PulledModel.FileResult> ordered = plans.stream().map(p -> results.get(p.name())).toList();
        return new PulledModel(repoId, revision, commit, cache.snapshotDir(repoId, commit), ordered,
                sizes.values().stream().mapToLong(Long::longValue).sum(), tracker.networkBytes(),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /** HF_HUB_OFFLINE: answer from the cache or say why not, without a single network call. */
    private PulledModel fromCacheOnly(long t0) {
        Path snap = cache.snapshot(repoId, revision).orElseThrow(() -> new HubError(HubError.Kind.OFFLINE,
                "HF_HUB_OFFLINE is set, so ProtoLens makes no network call, and " + repoId + " (revision " + revision
                        + ") is not in the Hugging Face cache at " + cache.root() + ". Unset HF_HUB_OFFLINE to download"
                        + " it, or open a local model folder or .gguf file."));
        LocalModel m = LocalModel.inspect(snap);
        if (!m.loadable()) {
            throw new HubError(HubError.Kind.OFFLINE, "HF_HUB_OFFLINE is set and the cached " + repoId + " at " + snap
                    + " lacks " + String.join(", ", m.missing()) + " (an unfinished download). Unset HF_HUB_OFFLINE"
                    + " and pull again to finish it.");
        }
        List<PulledModel.FileResult> files = new ArrayList<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (var s = Files.list(snap)) {
            for (Path p : s.sorted().toList()) {
                long size = Files.size(p);
                String etag = Files.isSymbolicLink(p) ? Files.readSymbolicLink(p).getFileName().toString() : null;
                files.add(new PulledModel.FileResult(p.getFileName().toString(), size, etag, true, 0, 0));
                sizes.put(p.getFileName().toString(), size);
            }
        } catch (IOException e) {
            throw new HubError(HubError.Kind.OFFLINE, "Cannot read the cached snapshot " + snap + ": " + e.getMessage());
        }
        tracker.planned(sizes);
        sizes.keySet().forEach(tracker::cached);
        tracker.complete();
        String c = snap.getFileName().toString();
        return new PulledModel(repoId, revision, c, snap, files, sizes.values().stream().mapToLong(Long::longValue).sum(),
                0, Duration.ofNanos(System.nanoTime() - t0));
    }

    @FunctionalInterface
    interface IndexReader {
        byte[] read() throws InterruptedException;
    }

    /**
     * The files a model needs from a repo: the small config and tokenizer files, and the safetensors weights — the
     * shards its index names (so a consolidated.safetensors beside the shards is skipped), else model.safetensors,
     * else every top-level .safetensors file. PyTorch .bin, TF .h5, Flax .msgpack, ONNX and files in subfolders are
     * never fetched.
     */
    static List<RepoFile> select(RepoInfo info, String repoId, String page, IndexReader index)
            throws InterruptedException {
        Map<String, RepoFile> top = new LinkedHashMap<>();
        for (RepoFile f : info.files()) {
            if (!f.name().contains("/")) {
                top.put(f.name(), f);
            }
        }
        Set<String> names = new LinkedHashSet<>();
        for (String s : SMALL_FILES) {
            if (top.containsKey(s)) {
                names.add(s);
            }
        }
        if (top.containsKey(INDEX)) {
            names.add(INDEX);
            for (String shard : shardsOf(index.read(), repoId)) {
                if (!top.containsKey(shard)) {
                    throw new HubError(HubError.Kind.UNSUPPORTED, repoId + "'s " + INDEX + " names " + shard
                            + ", which the repo does not have; the repo is broken at this revision (" + page + ").");
                }
                names.add(shard);
            }
        } else if (top.containsKey("model.safetensors")) {
            names.add("model.safetensors");
        } else {
            top.keySet().stream().filter(n -> n.endsWith(".safetensors")).sorted().forEach(names::add);
        }
        boolean weights = names.stream().anyMatch(n -> n.endsWith(".safetensors"));
        if (!weights) {
            boolean bin = top.keySet().stream().anyMatch(n -> n.endsWith(".bin"));
            boolean gguf = info.files().stream().anyMatch(f -> f.name().toLowerCase(Locale.ROOT).endsWith(".gguf"));
            throw new HubError(HubError.Kind.UNSUPPORTED, repoId + " has no safetensors weights" + (gguf
                    ? ". It holds GGUF files: download one .gguf from " + page + " and open it in ProtoLens."
                    : bin ? ", only PyTorch .bin files, which ProtoLens does not read. Look for a safetensors copy of"
                    + " the model, or convert it with transformers (save_pretrained(dir, safe_serialization=True))."
                    : "; it does not look like a transformers model (" + page + ")."));
        }
        for (String need : List.of("config.json", "tokenizer.json")) {
            if (!names.contains(need)) {
                throw new HubError(HubError.Kind.UNSUPPORTED, repoId + " has no " + need + " at the top of the repo,"
                        + " which ProtoLens needs to run it" + (need.equals("tokenizer.json")
                        ? " (it reads fast tokenizers only; a repo with just tokenizer.model is not enough)" : "")
                        + ". Pick another copy of the model (" + page + ").");
            }
        }
        return names.stream().map(top::get).toList();
    }

    private static List<String> shardsOf(byte[] index, String repoId) {
        try {
            JsonNode map = JSON.readTree(index).path("weight_map");
            Set<String> shards = new LinkedHashSet<>();
            for (JsonNode v : map) {
                shards.add(v.asString());
            }
            if (shards.isEmpty() || shards.stream().anyMatch(s -> s.contains("/") || s.contains("\\"))) {
                throw new HubError(HubError.Kind.UNSUPPORTED, repoId + "'s " + INDEX + " has no usable weight_map");
            }
            return shards.stream().sorted().toList();
        } catch (JacksonException e) {
            throw new HubError(HubError.Kind.UNSUPPORTED, repoId + "'s " + INDEX + " is not valid JSON", e);
        }
    }

    private Plan plan(RepoFile f) throws InterruptedException {
        String etag = f.etag().orElse(null);
        long size = f.size();
        if (etag == null || size < 0) {
            HubClient.Metadata m = client.head(repoId, commit, f.name());
            etag = m.etag();
            size = m.size();
            if (size < 0) {
                throw new HubError(HubError.Kind.SERVER, env.endpoint() + " did not say how big " + f.name() + " of "
                        + repoId + " is; cannot download it safely.");
            }
            boolean sha256 = etag.matches("[0-9a-f]{64}");
            return new Plan(f.name(), size, etag, sha256 ? etag : null,
                    !sha256 && etag.matches("[0-9a-f]{40}") ? etag : null, cache.blob(repoId, etag));
        }
        String gitSha1 = !f.isLfs() && f.blobId() != null && f.blobId().matches("[0-9a-f]{40}") ? f.blobId() : null;
        return new Plan(f.name(), size, etag, f.lfsSha256(), gitSha1, cache.blob(repoId, etag));
    }

    private static boolean complete(Plan p) {
        try {
            return Files.isRegularFile(p.blob()) && Files.size(p.blob()) == p.size();
        } catch (IOException e) {
            return false;
        }
    }

    private void checkDiskSpace(List<Plan> plans) {
        long need = 0;
        for (Plan p : plans) {
            if (!complete(p)) {
                long have = 0;
                try {
                    have = Files.isRegularFile(p.part()) ? Math.min(Files.size(p.part()), p.size()) : 0;
                } catch (IOException e) {
                    have = 0;
                }
                need += p.size() - have;
            }
        }
        if (need == 0) {
            return;
        }
        long free = options.freeSpace().applyAsLong(cache.root());
        if (free < need + DISK_MARGIN) {
            throw new HubError(HubError.Kind.DISK_FULL, "Not enough disk space for " + repoId + ": it needs "
                    + Sizes.human(need) + " more in " + cache.root() + " but only " + Sizes.human(free)
                    + " is free. Free some space, or set HF_HOME (or HF_HUB_CACHE) to a disk with more room.");
        }
    }

    private List<PulledModel.FileResult> fetchAll(List<Plan> plans) throws InterruptedException {
        if (plans.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.parallelism(), plans.size()),
                Thread.ofPlatform().daemon().name("protolens-pull-", 1).factory());
        ExecutorCompletionService<PulledModel.FileResult> done = new ExecutorCompletionService<>(pool);
        List<Task> tasks = new ArrayList<>();
        for (Plan p : plans) {
            Task t = new Task(p);
            tasks.add(t);
            done.submit(() -> fetch(t));
        }
        List<PulledModel.FileResult> results = new ArrayList<>();
        RuntimeException failure = null;
        try {
            while (results.size() < plans.size() && failure == null) {
                Future<PulledModel.FileResult> f = done.poll(200, TimeUnit.MILLISECONDS);
                if (f != null) {
                    try {
                        results.add(f.get());
                    } catch (ExecutionException e) {
                        failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                }
                watchForStalls(tasks);
            }
        } catch (InterruptedException e) {
            failure = new CancellationException("download of " + repoId + " cancelled; the partial files are kept");
        } finally {
            if (failure != null || handle.isCancelled()) {
                stop.set(true);
            }
            pool.shutdownNow();
            boolean interrupted = Thread.interrupted();
            // let every worker leave its file in a state the next pull can resume before reporting the end
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("download threads of {} did not stop within 5 s", repoId);
            }
            if (interrupted && failure == null) {
                Thread.currentThread().interrupt();
            }
        }
        if (handle.isCancelled()) {
            throw new CancellationException("download of " + repoId + " cancelled; the partial files are kept");
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private void watchForStalls(List<Task> tasks) {
        long now = System.nanoTime();
        for (Task t : tasks) {
            Thread th = t.thread;
            if (th != null && t.transferring && now - t.lastByteNanos > options.stallTimeout().toNanos()) {
                LOG.info("{}: no data for {} s, reconnecting", t.plan.name(), options.stallTimeout().toSeconds());
                t.stalled = true;
                t.lastByteNanos = now;
                th.interrupt();
            }
        }
    }

    private boolean stopping() {
        return stop.get() || handle.isCancelled();
    }

    private void checkStop() {
        if (stopping()) {
            throw new CancellationException("download of " + repoId + " stopped; the partial files are kept");
        }
    }

    private PulledModel.FileResult fetch(Task task) throws InterruptedException {
        Plan p = task.plan;
        Thread me = Thread.currentThread();
        handle.enter(me);
        ReentrantLock lock = BLOB_LOCKS.computeIfAbsent(p.blob(), k -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            task.lastByteNanos = System.nanoTime();
            task.thread = me;
            return fetchLocked(task);
        } finally {
            task.thread = null;
            lock.unlock();
            handle.leave(me);
        }
    }

    private PulledModel.FileResult fetchLocked(Task task) throws InterruptedException {
        Plan p = task.plan;
        if (complete(p)) {
            link(p);
            tracker.cached(p.name());
            return new PulledModel.FileResult(p.name(), p.size(), p.etag(), true, 0, 0);
        }
        Path part = p.part();
        long offset;
        try {
            Files.createDirectories(part.getParent());
            offset = Files.isRegularFile(part) ? Files.size(part) : 0;
            if (offset > p.size()) {
                Files.delete(part);
                offset = 0;
            }
            if (p.size() == 0) {
                Files.write(part, new byte[0]);
            }
        } catch (IOException e) {
            throw cannotWrite(e);
        }
        long resumedFrom = offset;
        if (offset > 0) {
            LOG.info("{}: resuming at byte {} of {}", p.name(), offset, p.size());
        }
        tracker.started(p.name(), offset);
        int retries = 0;
        int failuresInRow = 0;
        long[] at = {offset};
        while (at[0] < p.size()) {
            checkStop();
            long before = at[0];
            try {
                transfer(task, at);
                if (at[0] < p.size()) {
                    throw new IOException("the connection closed at byte " + at[0] + " of " + p.size());
                }
            } catch (IOException | InterruptedException | HubError e) {
                if (stopping()) {
                    throw new CancellationException("download of " + repoId + " stopped; the partial files are kept");
                }
                if (e instanceof HubError h && h.kind() != HubError.Kind.SERVER) {
                    throw h;
                }
                Thread.interrupted();
                retries++;
                failuresInRow = at[0] > before ? 1 : failuresInRow + 1;
                String why = task.stalled ? "stalled" : HubClient.reason(e);
                task.stalled = false;
                if (failuresInRow > options.retries()) {
                    throw new HubError(HubError.Kind.NO_NETWORK, "The download of " + p.name() + " from " + repoId
                            + " failed " + failuresInRow + " times in a row (" + why + ") at byte " + at[0] + " of "
                            + p.size() + ". The bytes so far are kept: run the same pull again to resume. If it keeps"
                            + " failing, ProtoLens may be offline: open a local model folder or .gguf file instead.",
                            e instanceof HubError ? e : null);
                }
                LOG.info("{}: {} at byte {}; resuming (attempt {})", p.name(), why, at[0], failuresInRow + 1);
                tracker.stage(p.name(), Stage.RETRYING);
                long pause = Math.min(5000, options.retryBackoff().toMillis() << Math.min(failuresInRow - 1, 10));
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    checkStop();
                }
            }
        }
        checkStop();
        Thread.interrupted(); // a stall interrupt that raced with the last byte must not break the hashing below
        tracker.stage(p.name(), Stage.VERIFYING);
        verify(p);
        try {
            Files.move(part, p.blob(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            link(p);
        } catch (IOException e) {
            throw cannotWrite(e);
        }
        tracker.done(p.name());
        return new PulledModel.FileResult(p.name(), p.size(), p.etag(), false, resumedFrom, retries);
    }

    /** Appends to the .incomplete file from {@code at[0]} on, advancing it as bytes arrive. */
    private void transfer(Task task, long[] at) throws IOException, InterruptedException {
        Plan p = task.plan;
        task.lastByteNanos = System.nanoTime();
        task.transferring = true;
        try (HubClient.Opened o = client.open(repoId, commit, p.name(), at[0])) {
            if (o.status == 416) {
                // the server thinks the partial file is already past the end: start over
                Files.deleteIfExists(p.part());
                at[0] = 0;
                throw new IOException("the server refused the range; restarting " + p.name() + " from zero");
            }
            if (o.status == 206 && at[0] > 0 && o.rangeStart != at[0]) {
                Files.deleteIfExists(p.part());
                at[0] = 0;
                throw new IOException("the server answered a different range; restarting " + p.name() + " from zero");
            }
            boolean append = at[0] > 0 && o.status == 206;
            if (!append && at[0] > 0) {
                LOG.info("{}: the server sent the whole file instead of a range; restarting from zero", p.name());
                at[0] = 0;
            }
            try (FileOutputStream out = new FileOutputStream(p.part().toFile(), append)) {
                InputStream in = o.body;
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (stopping()) {
                        return;
                    }
                    try {
                        out.write(buf, 0, n);
                    } catch (IOException e) {
                        throw writeError(p, at[0], e);
                    }
                    at[0] += n;
                    task.lastByteNanos = System.nanoTime();
                    if (at[0] > p.size()) {
                        Files.deleteIfExists(p.part());
                        throw new HubError(HubError.Kind.HASH_MISMATCH, p.name() + " of " + repoId + " came with more"
                                + " bytes than the hub announced (" + p.size() + "); the download was deleted. Run"
                                + " the pull again.");
                    }
                    tracker.progress(p.name(), at[0], n);
                }
            }
        } finally {
            task.transferring = false;
        }
    }

    private void verify(Plan p) {
        if (p.sha256() == null && p.gitSha1() == null) {
            return;
        }
        String got;
        // FileInputStream, not an NIO channel: a cancel's interrupt must not close the file under the hash
        try (InputStream in = new FileInputStream(p.part().toFile())) {
            MessageDigest md = MessageDigest.getInstance(p.sha256() != null ? "SHA-256" : "SHA-1");
            if (p.sha256() == null) {
                md.update(("blob " + p.size() + "\0").getBytes(StandardCharsets.US_ASCII));
            }
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                checkStop();
            }
            got = HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            checkStop();
            throw cannotWrite(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String want = p.sha256() != null ? p.sha256() : p.gitSha1();
        if (!got.equals(want)) {
            try {
                Files.deleteIfExists(p.part());
            } catch (IOException e) {
                LOG.warn("cannot delete the damaged {}: {}", p.part(), e.getMessage());
            }
            String kind = p.sha256() != null ? "sha256" : "git blob sha1";
            throw new HubError(HubError.Kind.HASH_MISMATCH, p.name() + " of " + repoId + " arrived damaged: its " + kind
                    + " is " + got + " but the hub lists " + want + ". The damaged download was deleted; run the pull"
                    + " again (if this repeats, a proxy or mirror is serving wrong bytes).");
        }
    }

    private void link(Plan p) {
        try {
            cache.link(repoId, commit, p.name(), p.blob());
        } catch (IOException e) {
            throw cannotWrite(e);
        }
    }

    private UserError writeError(Plan p, long at, IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("no space") || m.contains("not enough space") || m.contains("disk full")) {
            return new HubError(HubError.Kind.DISK_FULL, "The disk holding " + cache.root() + " filled up while"
                    + " downloading " + p.name() + " of " + repoId + " (" + at + " of " + p.size() + " bytes kept)."
                    + " Free some space or set HF_HOME to a bigger disk, then run the pull again to resume.", e);
        }
        return cannotWrite(e);
    }

    private UserError cannotWrite(IOException e) {
        return new UserError("Cannot write into the Hugging Face cache " + cache.root() + " (" + e.getMessage()
                + "). Set HF_HOME or HF_HUB_CACHE to a folder you can write to.", e);
    }
}
