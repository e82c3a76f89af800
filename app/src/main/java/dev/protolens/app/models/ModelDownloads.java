package dev.protolens.app.models;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.UserError;
import dev.protolens.engine.hub.CachedModel;
import dev.protolens.engine.hub.DownloadProgress;
import dev.protolens.engine.hub.HfCache;
import dev.protolens.engine.hub.HubEnvironment;
import dev.protolens.engine.hub.HubError;
import dev.protolens.engine.hub.HubToken;
import dev.protolens.engine.hub.HuggingFaceHub;
import dev.protolens.engine.hub.ModelDownload;
import dev.protolens.engine.hub.PulledModel;
import dev.protolens.engine.hub.Sizes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Downloads from the Hugging Face hub for the window: one at a time, in the background (the engine's
 * {@link HuggingFaceHub}), with its overall and per-file progress as JavaFX properties the picker shows and a task the
 * status bar shows, cancellable (the partial files stay, so the next download of the same model resumes), and the
 * hub's errors as plain messages. A finished download opens as the model. One per window, owned by the
 * {@link Workbench}; only the FX thread calls in or reads the properties.
 */
public final class ModelDownloads {
    public enum State { IDLE, RUNNING, DONE, CANCELLED, FAILED }

    /**
     * A file of the running download as the picker lists it.
     *
     * @param resumedFrom where an earlier, interrupted download of this file left off (0 for a fresh start)
     */
    public record FileProgress(String name, long done, long size, DownloadProgress.Stage stage, long resumedFrom) {
        public boolean finished() {
            return stage == DownloadProgress.Stage.DONE || stage == DownloadProgress.Stage.CACHED;
        }

        public double fraction() {
            return size <= 0 ? (stage == DownloadProgress.Stage.DONE ? 1 : 0) : Math.min(1, (double) done / size);
        }

        /** "87.0 MB of 269 MB (resumed at 50.0 MB)", "already in the cache", "checking sha256". */
        public String describe() {
            return switch (stage) {
                case CACHED -> Sizes.human(size) + ", already in the cache";
                case VERIFYING -> Sizes.human(size) + ", checking its sha256";
                case DONE -> Sizes.human(size) + ", done";
                case RETRYING -> Sizes.human(done) + " of " + Sizes.human(size) + ", connection dropped, resuming";
                default -> Sizes.human(done) + " of " + Sizes.human(size)
                        + (resumedFrom > 0 ? " (resumed at " + Sizes.human(resumedFrom) + ")" : "");
            };
        }
    }

    /**
     * Why the last download stopped.
     *
     * @param kind the hub's error kind, null for errors that are not the hub's (a full settings disk, a bug)
     */
    public record Failure(String repoId, HubError.Kind kind, String message) {}

    private final Workbench wb;
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(State.IDLE);
    private final ReadOnlyStringWrapper repoId = new ReadOnlyStringWrapper("");
    private final ReadOnlyDoubleWrapper fraction = new ReadOnlyDoubleWrapper(-1);
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Failure> failure = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper tokenStatus = new ReadOnlyStringWrapper("");
    private final ObservableList<FileProgress> files = FXCollections.observableArrayList();
    private final ObservableList<FileProgress> filesView = FXCollections.unmodifiableObservableList(files);

    // written by download threads, read on the FX thread at most once per pulse
    private final AtomicReference<DownloadProgress> latest = new AtomicReference<>();
    private final Map<String, DownloadProgress> latestByFile = new LinkedHashMap<>();
    private final AtomicBoolean queued = new AtomicBoolean();

    private ModelDownload current;
    private volatile RunningTask task;
    private boolean shownInline;

    public ModelDownloads(Workbench wb) {
        this.wb = wb;
        refreshTokenStatus();
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public State state() {
        return state.get();
    }

    /** The repo being (or last) downloaded. */
    public ReadOnlyStringProperty repoIdProperty() {
        return repoId.getReadOnlyProperty();
    }

    /** 0..1 of the whole download, negative until the file list is known. */
    public ReadOnlyDoubleProperty fractionProperty() {
        return fraction.getReadOnlyProperty();
    }

    /** "42 % · 113 MB of 270 MB · 5.20 MB/s · 3 of 6 files", or how the last download ended. */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Failure> failureProperty() {
        return failure.getReadOnlyProperty();
    }

    /** Where the access token comes from, in words; never the token. */
    public ReadOnlyStringProperty tokenStatusProperty() {
        return tokenStatus.getReadOnlyProperty();
    }

    /** The files of the running download in the order they started. */
    public ObservableList<FileProgress> files() {
        return filesView;
    }

    /**
     * While a picker shows this download's failures itself, they do not also pop up as a dialog; a failure with no
     * picker open (the person closed it and watched the status bar) gets a dialog.
     */
    public void setShownInline(boolean inline) {
        this.shownInline = inline;
    }

    /**
     * Starts downloading a repo (revision null or blank: main) into the Hugging Face cache; when it finishes the
     * model opens. Problems (a bad id, a gated repo, no network, a full disk) end in {@link #failureProperty()};
     * the returned future completes with the snapshot folder, or exceptionally with the same error.
     */
    public CompletableFuture<Path> download(String repo, String revision) {
        if (state.get() == State.RUNNING) {
            return CompletableFuture.failedFuture(new UserError("A download of " + repoId.get()
                    + " is running; cancel it or wait until it ends."));
        }
        files.clear();
        synchronized (latestByFile) {
            latestByFile.clear();
        }
        latest.set(null);
        failure.set(null);
        fraction.set(-1);
        String rev = revision == null || revision.isBlank() ? null : revision.strip();
        String id;
        try {
            id = HfCache.checkRepoId(repo);
        } catch (HubError e) {
            repoId.set(repo == null ? "" : repo.strip());
            fail(e);
            return CompletableFuture.failedFuture(e);
        }
        repoId.set(id);
        HubEnvironment env = ModelCandidates.hubEnvironment();
        HuggingFaceHub hub = new HuggingFaceHub(env);
        ModelDownload d = hub.pull(id, rev, this::onProgress);
        current = d;
        state.set(State.RUNNING);
        summary.set(env.offline() ? "HF_HUB_OFFLINE is set: looking in the cache only" : "asking " + env.endpoint()
                + " for the file list");
        task = new RunningTask("Downloading " + id, this::cancel);
        task.update(-1, summary.get());
        wb.beginTask(task);
        CompletableFuture<Path> done = new CompletableFuture<>();
        d.result().whenComplete((pulled, err) -> {
            hub.close();
            Platform.runLater(() -> finished(d, pulled, err, done));
        });
        return done;
    }

    /** Stops the running download within a second; its partial files stay for the next try. */
    public void cancel() {
        if (current != null && state.get() == State.RUNNING) {
            current.cancel();
            summary.set("cancelling…");
        }
    }

    private void finished(ModelDownload d, PulledModel pulled, Throwable err, CompletableFuture<Path> done) {
        if (d != current) {
            return;
        }
        current = null;
        wb.endTask(task);
        task = null;
        apply();
        Throwable e = err == null ? null : Dialogs.unwrap(err);
        if (e == null) {
            state.set(State.DONE);
            fraction.set(1);
            summary.set("Downloaded " + pulled.repoId() + ": " + Sizes.human(pulled.bytesTotal()) + " ("
                    + Sizes.human(pulled.bytesDownloaded()) + " over the network) in "
                    + String.format(Locale.ROOT, "%.1f s", pulled.elapsed().toMillis() / 1000.0) + "; opening it");
            done.complete(pulled.snapshot());
            wb.openModel(pulled.snapshot());
        } else if (e instanceof CancellationException) {
            state.set(State.CANCELLED);
            DownloadProgress p = latest.get();
            long kept = p == null ? 0 : p.bytesDone();
            summary.set("Cancelled. " + (kept > 0 ? Sizes.human(kept) + " are kept in the cache; " : "")
                    + "downloading " + d.repoId() + " again resumes where it stopped.");
            done.completeExceptionally(e);
        } else {
            fail(e);
            done.completeExceptionally(e);
        }
    }

    private void fail(Throwable e) {
        HubError.Kind kind = e instanceof HubError h ? h.kind() : null;
        String message = Dialogs.describe(e);
        failure.set(new Failure(repoId.get(), kind, message));
        state.set(State.FAILED);
        summary.set("");
        if (!shownInline) {
            Dialogs.error(wb.window(), "Could not download " + repoId.get(), e);
        }
    }

    /** Called on download threads: keeps the newest event per file and asks the FX thread to show them, once. */
    private void onProgress(DownloadProgress p) {
        latest.set(p);
        if (p.file() != null) {
            synchronized (latestByFile) {
                latestByFile.put(p.file(), p);
            }
        }
        if (task != null && p.bytesTotal() > 0) {
            task.update(p.fraction(), overall(p, false));
        }
        if (queued.compareAndSet(false, true)) {
            Platform.runLater(() -> {
                queued.set(false);
                apply();
            });
        }
    }

    private void apply() {
        DownloadProgress p = latest.get();
        if (p == null) {
            return;
        }
        if (p.bytesTotal() > 0 || p.stage() == DownloadProgress.Stage.COMPLETE) {
            fraction.set(p.fraction());
        }
        if (state.get() == State.RUNNING) {
            summary.set(overall(p, true));
        }
        List<DownloadProgress> perFile;
        synchronized (latestByFile) {
            perFile = List.copyOf(latestByFile.values());
        }
        // files still on their way first: with a dozen small files done, the large one is the one to watch
        List<FileProgress> rows = perFile.stream()
                .map(f -> new FileProgress(f.file(), f.fileBytes(), f.fileSize(), f.stage(), f.resumedFrom()))
                .sorted(java.util.Comparator.comparing(FileProgress::finished))
                .toList();
        if (!rows.equals(files)) {
            files.setAll(rows);
        }
    }

    private static String overall(DownloadProgress p, boolean withFiles) {
        String s = String.format(Locale.ROOT, "%.0f %% · %s of %s", 100 * p.fraction(), Sizes.human(p.bytesDone()),
                Sizes.human(p.bytesTotal()));
        if (p.bytesPerSecond() > 0 && p.bytesDone() < p.bytesTotal()) {
            s += " · " + Sizes.human((long) p.bytesPerSecond()) + "/s";
        }
        return withFiles ? s + " · " + p.filesDone() + " of " + p.filesTotal() + " files" : s;
    }

    /** Saves an access token in the settings folder (owner-only); the field that held it should be cleared. */
    public void saveToken(String token) {
        HubToken.save(ModelCandidates.hubEnvironment().settingsDir(), token);
        refreshTokenStatus();
    }

    /** Removes a token saved in ProtoLens settings; HF_TOKEN and huggingface-cli's token stay as they are. */
    public boolean forgetToken() {
        boolean removed = HubToken.forget(ModelCandidates.hubEnvironment().settingsDir());
        refreshTokenStatus();
        return removed;
    }

    public void refreshTokenStatus() {
        HubEnvironment env = ModelCandidates.hubEnvironment();
        tokenStatus.set(env.token().map(t -> switch (t.source()) {
            case "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN" -> "Gated models use the token in " + t.source()
                    + " (it comes before a saved one).";
            case "ProtoLens settings" -> "A token is saved in ProtoLens settings (hidden); gated models use it.";
            default -> "Gated models use the token of huggingface-cli login (" + t.source() + ").";
        }).orElse("No token: open models download without one; gated ones (Llama, Gemma) need it."));
    }

    /**
     * Why downloads cannot work right now, in one sentence, or null when the hub looks reachable: HF_HUB_OFFLINE, or
     * no connection to the endpoint within 3 s (checked on a background thread; only a TCP connect, no request).
     */
    public static CompletableFuture<String> offlineReason() {
        HubEnvironment env = ModelCandidates.hubEnvironment();
        if (env.offline()) {
            return CompletableFuture.completedFuture("HF_HUB_OFFLINE is set, so ProtoLens downloads nothing and"
                    + " opens only models already on this computer.");
        }
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().name("protolens-hub-check").start(() -> {
            URI uri = URI.create(env.endpoint());
            int port = uri.getPort() > 0 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(uri.getHost(), port), 3000);
                f.complete(null);
            } catch (IOException | IllegalArgumentException | SecurityException e) {
                f.complete(uri.getHost() + " cannot be reached (no network?), so downloads will not work now;"
                        + " models already on this computer still open.");
            }
        });
        return f;
    }

    /** Downloads that stopped part-way (cancelled, crashed): the picker offers to resume them. */
    public static List<CachedModel> unfinished() {
        Map<String, CachedModel> byRepo = new LinkedHashMap<>();
        for (CachedModel m : new HfCache(ModelCandidates.hubEnvironment().cacheDir()).list()) {
            if (m.partialBytes() > 0) {
                byRepo.putIfAbsent(m.repoId(), m);
            }
        }
        return List.copyOf(byRepo.values());
    }

    /** The window is closing: stop a running download (its partial files stay). */
    public void shutdown() {
        if (current != null) {
            current.cancel();
        }
    }
}
