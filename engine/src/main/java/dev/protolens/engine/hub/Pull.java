package dev.protolens.engine.hub;

import dev.protolens.engine.UserError;
import dev.protolens.engine.hub.RepoInfo.RepoFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private final HubEnvironment env;
    private final HfCache cache;
    private final HubClient client;
    private final PullOptions options;
    private final String repoId;
    private final String revision;
    private final ModelDownload handle;
    private final FileTransfers transfers;
    private String commit;

    /** A file to fetch: where it goes and what it must hash to (one of the two hashes, or neither). */
    private record Plan(String name, long size, String etag, String sha256, String gitSha1, Path blob) {
        Path part() {
            return HfCache.incomplete(blob);
        }

        FileTransfers.Check check() {
            return sha256 != null ? FileTransfers.Check.sha256(sha256)
                    : gitSha1 != null ? FileTransfers.Check.gitBlobSha1(gitSha1) : FileTransfers.Check.NONE;
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
        this.transfers = new FileTransfers(repoId, options, listener, new PullWording(), item -> link(item.name(),
                item.target()));
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
        transfers.planned(sizes);
        List<FileTransfers.Item> items = new ArrayList<>();
        Map<String, Plan> byName = new LinkedHashMap<>();
        for (Plan p : plans) {
            byName.put(p.name(), p);
            items.add(new FileTransfers.Item(p.name(), p.size(), p.blob(), p.part(),
                    offset -> client.open(repoId, commit, p.name(), offset), p.check()));
        }
        Map<String, PulledModel.FileResult> results = new LinkedHashMap<>();
        for (FileTransfers.Result r : transfers.run(items, new FileTransfers.Control() {
            @Override
            public boolean isCancelled() {
                return handle.isCancelled();
            }

            @Override
            public void enter(Thread t) {
                handle.enter(t);
            }

            @Override
            public void leave(Thread t) {
                handle.leave(t);
            }
        })) {
            results.put(r.name(), new PulledModel.FileResult(r.name(), r.size(), byName.get(r.name()).etag(),
                    r.fromCache(), r.resumedFrom(), r.retries()));
        }
        try {
            cache.writeRef(repoId, revision, commit);
        } catch (IOException e) {
            throw cannotWrite(e);
        }
        transfers.complete();
        List<PulledModel.FileResult> ordered = plans.stream().map(p -> results.get(p.name())).toList();
        return new PulledModel(repoId, revision, commit, cache.snapshotDir(repoId, commit), ordered,
                sizes.values().stream().mapToLong(Long::longValue).sum(), transfers.networkBytes(),
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
        transfers.planned(sizes);
        transfers.cachedAll(sizes.keySet());
        transfers.complete();
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
            boolean gguf = info.files().stream().anyMatch(f -> LocalModel.isGgufName(f.name()));
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

    private void link(String name, Path blob) {
        try {
            cache.link(repoId, commit, name, blob);
        } catch (IOException e) {
            throw cannotWrite(e);
        }
    }

    /** The pull's problems in the words of a person pulling a model into the Hugging Face cache. */
    private final class PullWording implements FileTransfers.Wording {
        @Override
        public String cancelled() {
            return "download of " + repoId + " cancelled; the partial files are kept";
        }

        @Override
        public UserError cannotWrite(IOException e) {
            return Pull.this.cannotWrite(e);
        }

        @Override
        public UserError diskFull(String file, long at, long size, IOException e) {
            return new HubError(HubError.Kind.DISK_FULL, "The disk holding " + cache.root() + " filled up while"
                    + " downloading " + file + " of " + repoId + " (" + at + " of " + size + " bytes kept)."
                    + " Free some space or set HF_HOME to a bigger disk, then run the pull again to resume.", e);
        }

        @Override
        public UserError gaveUp(String file, int failures, String why, long at, long size, Throwable cause) {
            return new HubError(HubError.Kind.NO_NETWORK, "The download of " + file + " from " + repoId
                    + " failed " + failures + " times in a row (" + why + ") at byte " + at + " of "
                    + size + ". The bytes so far are kept: run the same pull again to resume. If it keeps"
                    + " failing, ProtoLens may be offline: open a local model folder or .gguf file instead.", cause);
        }

        @Override
        public UserError damaged(String file, FileTransfers.Check.Mismatch m) {
            return new HubError(HubError.Kind.HASH_MISMATCH, file + " of " + repoId + " arrived damaged: its " + m.kind()
                    + " is " + m.got() + " but the hub lists " + m.want() + ". The damaged download was deleted; run the"
                    + " pull again (if this repeats, a proxy or mirror is serving wrong bytes).");
        }

        @Override
        public UserError tooLong(String file, long size) {
            return new HubError(HubError.Kind.HASH_MISMATCH, file + " of " + repoId + " came with more"
                    + " bytes than the hub announced (" + size + "); the download was deleted. Run"
                    + " the pull again.");
        }
    }

    private UserError cannotWrite(IOException e) {
        return new UserError("Cannot write into the Hugging Face cache " + cache.root() + " (" + e.getMessage()
                + "). Set HF_HOME or HF_HUB_CACHE to a folder you can write to.", e);
    }
}
