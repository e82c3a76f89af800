package dev.protolens.engine.hub;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Gets models from a Hugging Face hub into the shared cache. One instance per environment; it holds one HTTP
 * client, so close it when done (closing cancels pulls still running; their partial files stay for a resume).
 *
 * <pre>{@code
 * try (HuggingFaceHub hub = new HuggingFaceHub(HubEnvironment.fromSystem())) {
 *     ModelDownload d = hub.pull("HuggingFaceTB/SmolLM2-135M", null, p -> bar.set(p.fraction()));
 *     Path folder = d.await().snapshot();      // ModelLoader.load(folder)
 * }
 * }</pre>
 */
public final class HuggingFaceHub implements AutoCloseable {
    public static final String DEFAULT_REVISION = "main";

    private final HubEnvironment env;
    private final PullOptions options;
    private final HfCache cache;
    private final HubClient client;
    private final Set<ModelDownload> running = ConcurrentHashMap.newKeySet();

    public HuggingFaceHub(HubEnvironment env) {
        this(env, PullOptions.defaults());
    }

    public HuggingFaceHub(HubEnvironment env, PullOptions options) {
        this.env = env;
        this.options = options;
        this.cache = new HfCache(env.cacheDir());
        this.client = new HubClient(env, options);
    }

    public HubEnvironment environment() {
        return env;
    }

    public HfCache cache() {
        return cache;
    }

    /** The commit and file list of a revision (network; refused when HF_HUB_OFFLINE is set). */
    public RepoInfo repoInfo(String repoId, String revision) throws InterruptedException {
        String id = HfCache.checkRepoId(repoId);
        if (env.offline()) {
            throw new HubError(HubError.Kind.OFFLINE, "HF_HUB_OFFLINE is set, so ProtoLens does not ask "
                    + env.endpoint() + " about " + id + ". Unset it to go online.");
        }
        return client.repoInfo(id, revision == null ? DEFAULT_REVISION : revision);
    }

    /**
     * Starts downloading the files a model needs (config, tokenizer, safetensors) of a repo at a revision (null:
     * main) into the cache, on background threads. Files already in the cache are not downloaded again; partial
     * files left by an interrupted pull are resumed. With HF_HUB_OFFLINE set it answers from the cache alone.
     */
    public ModelDownload pull(String repoId, String revision, DownloadListener listener) {
        String id = HfCache.checkRepoId(repoId);
        String rev = revision == null || revision.isBlank() ? DEFAULT_REVISION : revision.strip();
        ModelDownload handle = new ModelDownload(id, rev);
        Pull pull = new Pull(env, cache, client, options, id, rev, handle,
                listener == null ? DownloadListener.NONE : listener);
        running.add(handle);
        handle.result().whenComplete((r, e) -> running.remove(handle));
        Thread.ofPlatform().daemon().name("protolens-pull " + id).start(() -> {
            Thread me = Thread.currentThread();
            handle.enter(me);
            try {
                handle.result().complete(pull.run());
            } catch (Throwable t) {
                handle.result().completeExceptionally(handle.isCancelled() && !(t instanceof CancellationException)
                        ? new CancellationException("download of " + id + " cancelled; the partial files are kept")
                        : t);
            } finally {
                handle.leave(me);
            }
        });
        return handle;
    }

    @Override
    public void close() {
        for (ModelDownload d : running) {
            d.cancel();
        }
        for (ModelDownload d : running) {
            try {
                d.result().handle((r, e) -> r).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closing anyway
            }
        }
        client.close();
    }
}
