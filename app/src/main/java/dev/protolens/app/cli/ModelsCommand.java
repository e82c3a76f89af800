package dev.protolens.app.cli;

import dev.protolens.app.models.ModelCandidates;
import dev.protolens.engine.hub.CachedModel;
import dev.protolens.engine.hub.HfCache;
import dev.protolens.engine.hub.HubEnvironment;
import dev.protolens.engine.hub.HuggingFaceHub;
import dev.protolens.engine.hub.ModelDownload;
import dev.protolens.engine.hub.PulledModel;
import dev.protolens.engine.hub.RecentModels;
import dev.protolens.engine.hub.Sizes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code protolens models}: what is in the Hugging Face cache and the recent list, download, remove. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Models in the Hugging Face cache and the recently opened ones; download and remove.",
                "Reads the same variables as the Python tools: HF_HOME / HF_HUB_CACHE (where the cache is), HF_TOKEN"
                        + " (gated and private models), HF_ENDPOINT (a mirror), HF_HUB_OFFLINE=1 (no network)."},
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.PullModel.class, ModelsCommand.RemoveModel.class})
final class ModelsCommand implements Runnable {
    /** The window and the commands read one environment ({@link ModelCandidates#environment}, which tests replace). */
    static HubEnvironment hubEnvironment() {
        return ModelCandidates.hubEnvironment();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the models in the Hugging Face cache and the recently opened folders and .gguf files.")
    static final class ListModels implements Callable<Integer> {
        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            HubEnvironment env = hubEnvironment();
            List<CachedModel> cached = new HfCache(env.cacheDir()).list();
            List<RecentModels.RecentModel> recent = new RecentModels(env.settingsDir()).list();
            if (output.json) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("cache_dir", env.cacheDir().toString());
                r.put("endpoint", env.endpoint());
                r.put("offline", env.offline());
                r.put("token_source", env.token().map(t -> t.source()).orElse(null));
                List<Map<String, Object>> c = new ArrayList<>();
                for (CachedModel m : cached) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("repo_id", m.repoId());
                    e.put("commit", m.commit());
                    e.put("refs", m.refs());
                    e.put("path", m.path().toString());
                    e.put("size_bytes", m.sizeBytes());
                    e.put("loadable", m.loadable());
                    e.put("family", m.family());
                    e.put("missing", m.missing());
                    e.put("partial_bytes", m.partialBytes());
                    c.add(e);
                }
                r.put("cached", c);
                List<Map<String, Object>> rec = new ArrayList<>();
                for (RecentModels.RecentModel m : recent) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("path", m.path().toString());
                    e.put("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT));
                    e.put("name", m.name());
                    e.put("repo_id", m.repoId());
                    e.put("last_opened", m.lastOpened().toString());
                    e.put("exists", m.exists());
                    e.put("loadable", m.loadable());
                    e.put("family", m.family());
                    rec.add(e);
                }
                r.put("recent", rec);
                Json.print(r);
                return 0;
            }
            System.out.println("Hugging Face cache: " + env.cacheDir() + (env.offline() ? "  (HF_HUB_OFFLINE is set)" : ""));
            if (cached.isEmpty()) {
                System.out.println("  (empty; try: protolens models pull HuggingFaceTB/SmolLM2-135M)");
            } else {
                System.out.printf("  %-36s %-22s %9s  %-10s %s%n", "REPO", "REVISION", "SIZE", "FAMILY", "STATUS");
                for (CachedModel m : cached) {
                    String rev = m.commit() == null ? "-" : (m.refs().isEmpty() ? "" : String.join(",", m.refs()) + " ")
                            + "(" + m.commit().substring(0, 7) + ")";
                    String status = m.loadable() ? "ready" : "missing " + String.join(", ", m.missing());
                    if (m.partialBytes() > 0) {
                        status += "; " + Sizes.human(m.partialBytes()) + " partial (pull again to resume)";
                    }
                    System.out.printf("  %-36s %-22s %9s  %-10s %s%n", m.repoId(), rev, Sizes.human(m.sizeBytes()),
                            m.family() == null ? "-" : m.family(), status);
                }
            }
            System.out.println("Recent models:");
            if (recent.isEmpty()) {
                System.out.println("  (none yet)");
            }
            for (RecentModels.RecentModel m : recent) {
                String status = !m.exists() ? "missing" : m.loadable() ? "ready" : "incomplete";
                System.out.printf("  %-36s %-10s %-10s %s%n", m.name(), m.family() == null ? "-" : m.family(), status,
                        m.path());
            }
            return 0;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Download a model from the Hugging Face hub into the shared cache (config, tokenizer and"
                    + " safetensors only; .bin/.h5/.msgpack/ONNX are skipped). Prints the snapshot folder.",
                    "Interrupted downloads resume where they stopped: run the same command again."})
    static final class PullModel implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "REPO_ID", description = "org/name, e.g. HuggingFaceTB/SmolLM2-135M")
        String repoId;

        @Option(names = "--revision", paramLabel = "R", description = "Branch, tag or commit (default: main).")
        String revision;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() throws InterruptedException {
            try (HuggingFaceHub hub = new HuggingFaceHub(hubEnvironment())) {
                ModelDownload d = hub.pull(repoId, revision, PullProgressBar.forStderr());
                // Ctrl-C: stop the download threads cleanly so the partial files are ready to resume
                Thread onExit = new Thread(() -> {
                    if (!d.result().isDone()) {
                        d.cancel();
                        try {
                            d.result().handle((r, e) -> r).get(2, TimeUnit.SECONDS);
                        } catch (Exception ignored) {
                            // leaving anyway
                        }
                        System.err.println("\ninterrupted: the partial download is kept; run the same command to resume");
                    }
                });
                Runtime.getRuntime().addShutdownHook(onExit);
                PulledModel r;
                try {
                    r = d.await();
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(onExit);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running
                    }
                }
                if (output.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("repo_id", r.repoId());
                    m.put("revision", r.revision());
                    m.put("commit", r.commit());
                    m.put("path", r.snapshot().toString());
                    List<Map<String, Object>> files = new ArrayList<>();
                    for (PulledModel.FileResult f : r.files()) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("file", f.file());
                        e.put("size", f.size());
                        e.put("etag", f.etag());
                        e.put("from_cache", f.fromCache());
                        e.put("resumed_from", f.resumedFrom());
                        e.put("retries", f.retries());
                        files.add(e);
                    }
                    m.put("files", files);
                    m.put("bytes_total", r.bytesTotal());
                    m.put("bytes_downloaded", r.bytesDownloaded());
                    m.put("seconds", r.elapsed().toMillis() / 1000.0);
                    Json.print(m);
                } else {
                    System.out.println(r.snapshot());
                }
            }
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = {"Remove a model from the Hugging Face cache WITHOUT ASKING: the snapshot of --revision (or"
                    + " every snapshot of the repo), its refs, and the files no other snapshot uses.",
                    "The cache is shared with Python tools: they will download the model again when they need it."})
    static final class RemoveModel implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "REPO_ID", description = "org/name as `protolens models list` shows it")
        String repoId;

        @Option(names = "--revision", paramLabel = "R", description = "Only this branch, tag or commit.")
        String revision;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            HfCache cache = new HfCache(hubEnvironment().cacheDir());
            HfCache.Removal r = cache.remove(repoId, revision);
            if (output.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("repo_id", r.repoId());
                m.put("commits", r.commits());
                m.put("blobs", r.blobs());
                m.put("freed_bytes", r.freedBytes());
                Json.print(m);
            } else {
                System.out.printf("removed %s (%d snapshot%s, %d files, %s freed)%n", r.repoId(), r.commits().size(),
                        r.commits().size() == 1 ? "" : "s", r.blobs(), Sizes.human(r.freedBytes()));
            }
            return 0;
        }
    }
}
