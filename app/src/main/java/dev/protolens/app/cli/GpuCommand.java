package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.gpu.GpuReport;
import dev.protolens.engine.gpu.GpuSetup;
import dev.protolens.engine.gpu.GpuStatus;
import dev.protolens.engine.gpu.ProbeResult;
import dev.protolens.engine.gpu.RuntimeDownload;
import dev.protolens.engine.hub.FileTransfers;
import dev.protolens.engine.hub.PullOptions;
import dev.protolens.engine.hub.Sizes;
import dev.protolens.engine.runtime.RuntimeOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code protolens gpu status|install|probe|remove}: the GPU runtime (CUDA libtorch 2.7.1) and its check. */
@Command(name = "gpu", mixinStandardHelpOptions = true,
        description = {"Use an NVIDIA GPU: what the driver says, the GPU runtime (the CUDA build of libtorch "
                + "2.7.1, about 2-3 GB from DJL's site), its check, and what the next start uses."},
        subcommands = {GpuCommand.Status.class, GpuCommand.Install.class, GpuCommand.Probe.class,
                GpuCommand.Remove.class})
final class GpuCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The setup the commands act on; tests replace it. */
    static java.util.function.Supplier<GpuSetup> setup = GpuSetup::system;

    static void printStatus(GpuStatus s, PrintStream out) {
        for (String[] line : s.lines()) {
            out.printf("%-11s %s%n", line[0], line[1]);
        }
    }

    static Map<String, Object> probeMap(ProbeResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", r.ok());
        m.put("device", r.device());
        m.put("dtype", r.dtype());
        m.put("reason", r.reason());
        m.put("detail", r.detail());
        m.put("matmul_max_error", Double.isNaN(r.matmulMaxError()) ? null : r.matmulMaxError());
        m.put("fit_loss", Double.isNaN(r.fitLoss()) ? null : r.fitLoss());
        m.put("millis", r.millis());
        return m;
    }

    /** Prints a check's outcome; 0 when it passed, 2 (something for the person to fix) when not. */
    static int report(ProbeResult r, GpuSetup s, boolean asJson, Map<String, Object> extra) {
        if (asJson) {
            Map<String, Object> m = new LinkedHashMap<>(extra);
            m.put("check", probeMap(r));
            m.put("status", s.status(RuntimeOptions.fromEnvironment().device()).toMap());
            Json.print(m);
        } else if (r.ok()) {
            System.out.printf(Locale.ROOT, "The GPU runtime works: a matrix product and a fit step ran on %s in %s"
                    + " (%.1f s). The next start of ProtoLens uses the GPU.%n", r.device(), r.dtype(), r.millis() / 1000.0);
        } else {
            System.out.println("The GPU runtime failed its check: " + r.reason());
            System.out.println("ProtoLens keeps running on the CPU.");
            if (r.detail() != null) {
                System.err.println("detail: " + r.detail());
            }
        }
        return r.ok() ? 0 : 2;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "What the NVIDIA driver reports, what is installed, its last check and what the next start uses.")
    static final class Status implements Callable<Integer> {
        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            GpuStatus s = setup.get().status(RuntimeOptions.fromEnvironment().device());
            if (output.json) {
                Json.print(s.toMap());
            } else {
                printStatus(s, System.out);
            }
            return 0;
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Download the GPU runtime from DJL's site (" + RuntimeDownload.DEFAULT_BASE + ", the files"
                    + " DJL's own downloader fetches for cu128) into DJL's cache, then check it on the GPU.",
                    "Resumes an interrupted download; Ctrl+C stops it and keeps the bytes. PROTOLENS_GPU_RUNTIME_URL sets"
                    + " a mirror."})
    static final class Install implements Callable<Integer> {
        @Option(names = "--from", paramLabel = "DIR", description = "Copy a CUDA libtorch 2.7.1 that is already on this"
                + " computer (the lib folder of libtorch-*-2.7.1+cu128.zip) instead of downloading.")
        Path from;

        @Option(names = "--force", description = "Install even when no NVIDIA GPU or no suitable driver is found.")
        boolean force;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() throws InterruptedException {
            GpuSetup s = setup.get();
            GpuReport r = s.report();
            if (!force && !r.driverSupportsRuntime()) {
                throw new UserError((r.hasGpu() ? "The NVIDIA driver " + r.driverVersion() + " supports CUDA "
                        + GpuReport.cudaText(r.cudaVersion()) + "; the GPU runtime needs CUDA 12.8 (driver 570 or"
                        + " newer). Update the driver first" : "No NVIDIA GPU was found (" + r.note() + "), so the GPU"
                        + " runtime would not be used here") + ". Use --force to install anyway.");
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            if (from != null) {
                System.err.println("copying the CUDA libtorch from " + from + " and checking it (a child process)");
                extra.put("source", from.toAbsolutePath().toString());
                return report(s.installFrom(from), s, output.json, extra);
            }
            try (RuntimeDownload d = s.download(PullOptions.defaults())) {
                RuntimeDownload.Plan plan = d.plan();
                System.err.printf("%s from %s: %d files, %s to download, %s installed, into %s%n",
                        RuntimeDownload.LABEL, plan.base(), plan.files().size(), Sizes.human(plan.gzBytes()),
                        Sizes.human(plan.unpackedBytes()), s.runtime().orElseThrow().dir());
                FileTransfers.Cancellation c = new FileTransfers.Cancellation();
                AtomicBoolean finished = new AtomicBoolean();
                Thread onExit = new Thread(() -> {
                    if (!finished.get()) {
                        c.cancel();
                        try {
                            Thread.sleep(1000); // the download threads leave their files ready to resume
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        System.err.println("\ninterrupted: the downloaded bytes are kept; run the same command to"
                                + " resume");
                    }
                });
                Runtime.getRuntime().addShutdownHook(onExit);
                try {
                    d.install(plan, PullProgressBar.forStderr(), c);
                } finally {
                    finished.set(true);
                    try {
                        Runtime.getRuntime().removeShutdownHook(onExit);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running
                    }
                }
                extra.put("source", plan.base().toString());
                extra.put("download_bytes", plan.gzBytes());
                extra.put("installed_bytes", plan.unpackedBytes());
            }
            System.err.println("installed; checking it on the GPU (a child process)");
            return report(s.probe(), s, output.json, extra);
        }
    }

    @Command(name = "probe", mixinStandardHelpOptions = true,
            description = "Check the installed GPU runtime again (after a driver update, or a failed check).")
    static final class Probe implements Callable<Integer> {
        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            GpuSetup s = setup.get();
            return report(s.probe(), s, output.json, Map.of());
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Delete the GPU runtime and any unfinished download of it; ProtoLens then runs on the CPU.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            GpuSetup s = setup.get();
            Path dir = s.runtime().map(rt -> rt.dir()).orElse(null);
            long freed = s.remove();
            if (output.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("folder", String.valueOf(dir));
                m.put("freed_bytes", freed);
                Json.print(m);
            } else if (freed == 0) {
                System.out.println("No GPU runtime in " + dir + "; nothing to remove.");
            } else {
                System.out.println("Removed the GPU runtime from " + dir + " (" + Sizes.human(freed) + " freed). The"
                        + " next start runs on the CPU.");
            }
            return 0;
        }
    }
}
