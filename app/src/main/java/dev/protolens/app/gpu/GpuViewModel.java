package dev.protolens.app.gpu;

import dev.protolens.app.ui.Dialogs;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.gpu.GpuDevice;
import dev.protolens.engine.gpu.GpuReport;
import dev.protolens.engine.gpu.GpuSetup;
import dev.protolens.engine.gpu.GpuStatus;
import dev.protolens.engine.gpu.NativesChoice;
import dev.protolens.engine.gpu.ProbeResult;
import dev.protolens.engine.gpu.RuntimeDownload;
import dev.protolens.engine.hub.DownloadProgress;
import dev.protolens.engine.hub.FileTransfers;
import dev.protolens.engine.hub.PullOptions;
import dev.protolens.engine.hub.Sizes;
import dev.protolens.engine.runtime.RuntimeOptions;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The window's GPU place and first-run offer, as properties: what the driver says, the GPU runtime (installed or not,
 * where, how big), its last check, what the next start uses; and the commands install (download, unpack, check, with
 * progress and cancel), check again and remove. All work on {@link GpuSetup} runs on one background thread; only the
 * FX thread writes the properties.
 */
public final class GpuViewModel {
    public enum State { IDLE, READING, PLANNING, DOWNLOADING, CHECKING, REMOVING }

    /** Kinds of the last message, for its colour. */
    public enum Tone { INFO, OK, WARN, ERROR }

    /** Where the window gets its setup; tests and the screenshot tour replace it (a simulated driver). */
    public static Supplier<GpuSetup> setupSource = GpuSetup::system;

    private final Workbench wb;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "protolens-gpu");
        t.setDaemon(true);
        return t;
    });
    private final ReadOnlyObjectWrapper<State> state = new ReadOnlyObjectWrapper<>(State.IDLE);
    private final ReadOnlyStringWrapper detected = new ReadOnlyStringWrapper("reading the NVIDIA driver…");
    private final ReadOnlyStringWrapper gpus = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper runtime = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper check = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper next = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ReadOnlyDoubleWrapper fraction = new ReadOnlyDoubleWrapper(-1);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Tone> tone = new ReadOnlyObjectWrapper<>(Tone.INFO);
    private final ReadOnlyBooleanWrapper installed = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper installable = new ReadOnlyBooleanWrapper();
    private final AtomicReference<DownloadProgress> latest = new AtomicReference<>();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile GpuSetup setup;
    private volatile FileTransfers.Cancellation cancel;
    private volatile RunningTask task;
    private GpuStatus status;

    public GpuViewModel(Workbench wb) {
        this.wb = wb;
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    /** "NVIDIA driver 570.124.04 · CUDA 12.8", or why there is no GPU. */
    public ReadOnlyStringProperty detectedProperty() {
        return detected.getReadOnlyProperty();
    }

    /** One line per GPU. */
    public ReadOnlyStringProperty gpusProperty() {
        return gpus.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty runtimeProperty() {
        return runtime.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty checkProperty() {
        return check.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty nextProperty() {
        return next.getReadOnlyProperty();
    }

    /** The running install's progress in words ("42 % · 1.10 GB of 2.62 GB · 31.2 MB/s · 3 of 12 files"). */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** 0..1 while downloading, negative while the amount is unknown. */
    public ReadOnlyDoubleProperty fractionProperty() {
        return fraction.getReadOnlyProperty();
    }

    /** The outcome of the last command, in a sentence or two. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Tone> toneProperty() {
        return tone.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty installedProperty() {
        return installed.getReadOnlyProperty();
    }

    /** A driver that can run the runtime is there, on a system DJL publishes it for. */
    public ReadOnlyBooleanProperty installableProperty() {
        return installable.getReadOnlyProperty();
    }

    public boolean busy() {
        return state.get() != State.IDLE;
    }

    private GpuSetup setup() {
        if (setup == null) {
            setup = setupSource.get();
        }
        return setup;
    }

    /** Reads the driver and the runtime's folder again (in the background). */
    public CompletableFuture<GpuStatus> refresh() {
        if (busy()) {
            return CompletableFuture.completedFuture(status);
        }
        state.set(State.READING);
        return supply(() -> {
            GpuSetup s = setup();
            s.redetect();
            return s.status(RuntimeOptions.fromEnvironment().device());
        }).whenComplete((st, e) -> Platform.runLater(() -> {
            state.set(State.IDLE);
            if (e != null) {
                say(Tone.ERROR, Dialogs.describe(e));
            } else {
                show(st);
            }
        }));
    }

    /**
     * Whether to offer the install on this start (a driver that can run it, nothing installed, no PYTORCH_* of the
     * user's, not answered before); answered in the background.
     */
    public CompletableFuture<Boolean> shouldOffer() {
        return supply(() -> setup().shouldOffer());
    }

    /** "NVIDIA GeForce RTX 4090, 25.8 GB" for the offer's text; empty without a GPU. */
    public String firstGpu() {
        GpuReport r = setup().report();
        return r.hasGpu() ? r.devices().getFirst().describe() : "";
    }

    /** The host the runtime comes from (publish.djl.ai unless a mirror is set). */
    public String destinationHost() {
        return setup().downloadBase().getHost();
    }

    /** The folder the runtime goes to. */
    public String destination() {
        return setup().runtime().map(rt -> rt.dir().toString()).orElse("(none on this system)");
    }

    public void rememberOffer(String answer) {
        worker.execute(() -> setup().rememberOffer(answer));
    }

    /** Downloads, unpacks and checks the runtime; the status bar shows it and its stop button cancels it. */
    public void install() {
        if (busy()) {
            return;
        }
        FileTransfers.Cancellation c = new FileTransfers.Cancellation();
        cancel = c;
        latest.set(null);
        fraction.set(-1);
        state.set(State.PLANNING);
        summary.set("asking " + setup().downloadBase().getHost() + " for DJL's file list");
        say(Tone.INFO, "");
        RunningTask t = new RunningTask("Installing the GPU runtime", this::cancel);
        t.update(-1, summary.get());
        task = t;
        wb.beginTask(t);
        supply(() -> {
            GpuSetup s = setup();
            GpuStatus before = s.status(RuntimeOptions.fromEnvironment().device());
            Platform.runLater(() -> show(before));
            try (RuntimeDownload d = s.download(PullOptions.defaults())) {
                RuntimeDownload.Plan plan = d.plan();
                String what = plan.files().size() + " files, " + Sizes.human(plan.gzBytes()) + " to download, "
                        + Sizes.human(plan.unpackedBytes()) + " installed";
                Platform.runLater(() -> {
                    state.set(State.DOWNLOADING);
                    summary.set(what);
                });
                d.install(plan, this::onProgress, c);
            }
            Platform.runLater(() -> {
                state.set(State.CHECKING);
                fraction.set(-1);
                summary.set("checking it on the GPU (a separate process; up to a minute)");
            });
            t.update(-1, "checking it on the GPU");
            return s.probe();
        }).whenComplete((r, e) -> Platform.runLater(() -> finished(r, e, t)));
    }

    /** Runs the check again (after a driver update or a fix). */
    public void check() {
        if (busy()) {
            return;
        }
        state.set(State.CHECKING);
        summary.set("checking the GPU runtime (a separate process; up to a minute)");
        RunningTask t = new RunningTask("Checking the GPU runtime", null);
        task = t;
        wb.beginTask(t);
        supply(() -> {
            setup().redetect();
            return setup().probe();
        }).whenComplete((r, e) -> Platform.runLater(() -> finished(r, e, t)));
    }

    /** Deletes the runtime. */
    public void remove() {
        if (busy()) {
            return;
        }
        state.set(State.REMOVING);
        supply(() -> setup().remove()).whenComplete((freed, e) -> Platform.runLater(() -> {
            state.set(State.IDLE);
            if (e != null) {
                say(Tone.ERROR, Dialogs.describe(e));
            } else {
                say(Tone.INFO, "Removed the GPU runtime (" + Sizes.human(freed) + " freed). ProtoLens runs on the CPU.");
            }
            refresh();
        }));
    }

    public void cancel() {
        FileTransfers.Cancellation c = cancel;
        if (c != null && (state.get() == State.DOWNLOADING || state.get() == State.PLANNING)) {
            c.cancel();
            summary.set("cancelling…");
        }
    }

    private void finished(ProbeResult r, Throwable err, RunningTask t) {
        wb.endTask(t);
        task = null;
        cancel = null;
        state.set(State.IDLE);
        summary.set("");
        Throwable e = err == null ? null : Dialogs.unwrap(err);
        if (e instanceof CancellationException) {
            DownloadProgress p = latest.get();
            say(Tone.INFO, "Cancelled. " + (p != null && p.bytesDone() > 0 ? Sizes.human(p.bytesDone())
                    + " are kept; installing again resumes where it stopped." : ""));
        } else if (e != null) {
            say(Tone.ERROR, Dialogs.describe(e));
        } else if (r.ok()) {
            say(Tone.OK, String.format(Locale.ROOT, "The GPU runtime works: a matrix product and a fit step ran on %s"
                    + " in %s (%.1f s). Quit ProtoLens and start it again to use the GPU.", r.device(), r.dtype(),
                    r.millis() / 1000.0));
        } else {
            say(Tone.WARN, "The GPU runtime failed its check: " + r.reason() + " ProtoLens keeps running on the CPU.");
        }
        refresh();
    }

    private void onProgress(DownloadProgress p) {
        latest.set(p);
        RunningTask t = task;
        if (t != null && p.bytesTotal() > 0) {
            t.update(p.fraction(), overall(p));
        }
        if (queued.compareAndSet(false, true)) {
            Platform.runLater(() -> {
                queued.set(false);
                DownloadProgress q = latest.get();
                if (q != null && state.get() == State.DOWNLOADING) {
                    fraction.set(q.bytesTotal() > 0 ? q.fraction() : -1);
                    summary.set(overall(q) + " · " + q.filesDone() + " of " + q.filesTotal() + " files"
                            + (q.stage() == DownloadProgress.Stage.VERIFYING && q.filesDone() == q.filesTotal()
                            ? " · unpacking and checking" : ""));
                }
            });
        }
    }

    private static String overall(DownloadProgress p) {
        String s = String.format(Locale.ROOT, "%.0f %% · %s of %s", 100 * p.fraction(), Sizes.human(p.bytesDone()),
                Sizes.human(p.bytesTotal()));
        if (p.bytesPerSecond() > 0 && p.bytesDone() < p.bytesTotal()) {
            s += " · " + Sizes.human((long) p.bytesPerSecond()) + "/s";
        }
        return s;
    }

    private void show(GpuStatus st) {
        status = st;
        GpuReport r = st.report();
        if (r.hasGpu()) {
            detected.set("NVIDIA driver " + r.driverVersion() + " · supports CUDA " + GpuReport.cudaText(r.cudaVersion())
                    + " (read through " + (r.source() == GpuReport.Source.NVML ? "NVML" : "nvidia-smi") + ")");
            StringBuilder g = new StringBuilder();
            for (GpuDevice d : r.devices()) {
                g.append(g.isEmpty() ? "" : "\n").append("GPU ").append(d.index()).append(": ").append(d.describe())
                        .append(d.bf16() ? " · bf16" : " · fp16 (no bf16)");
            }
            gpus.set(g.toString());
        } else {
            detected.set("No NVIDIA GPU found (" + r.note() + ")");
            gpus.set("");
        }
        runtime.set(st.runtimeDir() == null ? st.runtimeText() : st.installed()
                ? st.runtimeText() : "Not installed. The CUDA build of PyTorch (libtorch 2.7.1, cu128): a download of"
                + " about 2–3 GB from " + setup().downloadBase().getHost() + " into " + st.runtimeDir() + ".");
        check.set(st.probe().map(p -> (p.ok() ? "Passed " : "Failed ") + p.at().atZone(java.time.ZoneId.systemDefault())
                .toLocalDate() + " on " + p.device() + " in " + p.dtype() + (p.ok() ? "" : ": " + p.reason()))
                .orElse(st.installed() ? "Not run yet." : "–"));
        NativesChoice n = st.next();
        String n2 = st.nextText();
        next.set(n2.isEmpty() ? n2 : Character.toUpperCase(n2.charAt(0)) + n2.substring(1));
        installed.set(st.installed());
        installable.set(st.runtimeDir() != null && r.driverSupportsRuntime() && n.natives()
                != NativesChoice.Natives.USER_SETTINGS);
    }

    private void say(Tone t, String text) {
        tone.set(t);
        message.set(text);
    }

    private <T> CompletableFuture<T> supply(java.util.concurrent.Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        worker.execute(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** The window is closing: stop a download (its bytes stay for the next install). */
    public void shutdown() {
        FileTransfers.Cancellation c = cancel;
        if (c != null) {
            c.cancel();
        }
        worker.shutdownNow();
    }
}
