package dev.protolens.engine.gpu;

import dev.protolens.engine.hub.Sizes;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What was detected, what is installed, how its last check went and what the next start will use.
 *
 * @param runtimeDir null on a system DJL publishes no CUDA libtorch for
 * @param installed  the runtime's libraries are in {@code runtimeDir} (from ProtoLens, DJL, or a copy)
 */
public record GpuStatus(GpuReport report, Path runtimeDir, boolean installed, Optional<GpuRuntime.Manifest> manifest,
                        long bytesOnDisk, Optional<ProbeResult> probe, NativesChoice next) {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /** "label  text" lines for a terminal. */
    public List<String[]> lines() {
        List<String[]> l = new ArrayList<>();
        if (report.hasGpu()) {
            l.add(new String[] {"driver", "NVIDIA " + report.driverVersion() + ", supports CUDA "
                    + GpuReport.cudaText(report.cudaVersion()) + " (read through "
                    + (report.source() == GpuReport.Source.NVML ? "NVML" : "nvidia-smi") + ")"});
            for (GpuDevice d : report.devices()) {
                l.add(new String[] {"GPU " + d.index(), d.describe() + (d.bf16() ? ", bf16" : ", fp16 (no bf16)")});
            }
        } else {
            l.add(new String[] {"driver", "no NVIDIA GPU found (" + report.note() + ")"});
        }
        l.add(new String[] {"runtime", runtimeText()});
        l.add(new String[] {"check", probe.map(GpuStatus::probeText).orElse(installed ? "not run yet" : "-")});
        l.add(new String[] {"next start", nextText()});
        return l;
    }

    public String runtimeText() {
        if (runtimeDir == null) {
            return "none for this system (DJL publishes CUDA libtorch " + GpuRuntime.VERSION + " for Linux and"
                    + " Windows on x86-64)";
        }
        if (!installed) {
            return "not installed (would go to " + runtimeDir + ", about 2–3 GB)";
        }
        return "CUDA libtorch " + GpuRuntime.VERSION + " (" + GpuRuntime.FLAVOR + ") in " + runtimeDir + ", "
                + Sizes.human(bytesOnDisk) + manifest.map(m -> ", installed " + WHEN.format(m.installedAt())
                + " from " + m.source()).orElse(", found in DJL's cache");
    }

    static String probeText(ProbeResult p) {
        return (p.ok() ? "passed " : "failed ") + WHEN.format(p.at()) + " on " + p.device() + " in " + p.dtype()
                + String.format(Locale.ROOT, " (%.1f s)", p.millis() / 1000.0) + (p.ok() ? "" : ": " + p.reason());
    }

    public String nextText() {
        return switch (next.natives()) {
            case GPU_RUNTIME -> "CUDA on cuda:0, weights " + next.halfType() + ", e, m, loss and AdamW in float32";
            case USER_SETTINGS -> "the libtorch your PYTORCH_* settings name";
            case BUNDLED_CPU -> "the CPU, float32";
        } + ". " + next.reason();
    }

    /** The same as one JSON-ready map. */
    public Map<String, Object> toMap() {
        Map<String, Object> o = new LinkedHashMap<>();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", report.source().name().toLowerCase(Locale.ROOT));
        d.put("driver_version", report.driverVersion());
        d.put("cuda_version", report.cudaVersion() > 0 ? GpuReport.cudaText(report.cudaVersion()) : null);
        d.put("note", report.note());
        List<Map<String, Object>> gpus = new ArrayList<>();
        for (GpuDevice g : report.devices()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", g.index());
            m.put("name", g.name());
            m.put("memory_bytes", g.memoryBytes());
            m.put("compute_capability", g.computeCapability());
            m.put("bf16", g.bf16());
            gpus.add(m);
        }
        d.put("gpus", gpus);
        o.put("detected", d);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("folder", runtimeDir == null ? null : runtimeDir.toString());
        r.put("installed", installed);
        r.put("bytes_on_disk", bytesOnDisk);
        r.put("source", manifest.map(GpuRuntime.Manifest::source).orElse(installed ? "DJL's cache" : null));
        r.put("installed_at", manifest.map(m -> m.installedAt().toString()).orElse(null));
        o.put("runtime", r);
        o.put("check", probe.map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", p.ok());
            m.put("at", p.at().toString());
            m.put("device", p.device());
            m.put("dtype", p.dtype());
            m.put("reason", p.reason());
            m.put("detail", p.detail());
            m.put("millis", p.millis());
            m.put("current_driver", p.fingerprint().equals(report.fingerprint()));
            return m;
        }).orElse(null));
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("natives", next.natives().name().toLowerCase(Locale.ROOT));
        n.put("device", next.natives() == NativesChoice.Natives.GPU_RUNTIME ? "cuda:0" : "cpu");
        n.put("weights", next.natives() == NativesChoice.Natives.GPU_RUNTIME ? next.halfType() : "float32");
        n.put("properties", next.properties());
        n.put("gpu_unused", next.gpuUnused());
        n.put("reason", next.reason());
        o.put("next_start", n);
        return o;
    }
}
