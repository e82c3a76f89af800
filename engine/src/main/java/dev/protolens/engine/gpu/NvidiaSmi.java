package dev.protolens.engine.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The driver's answers read from {@code nvidia-smi}, for when NVML cannot be loaded (a container that mounts the tool
 * but not the library where ProtoLens looks, native access refused). Two calls: the CSV query for the devices and the
 * plain table, whose header is the only place that names the CUDA version the driver supports.
 * {@code PROTOLENS_NVIDIA_SMI} names the program when it is not on the PATH.
 */
public final class NvidiaSmi {
    static final List<String> QUERY = List.of("--query-gpu=index,name,memory.total,compute_cap,driver_version",
            "--format=csv,noheader,nounits");
    /** Drivers before 510 reject compute_cap; they are asked again without it. */
    static final List<String> QUERY_OLD = List.of("--query-gpu=index,name,memory.total,driver_version",
            "--format=csv,noheader,nounits");
    private static final Pattern CUDA = Pattern.compile("CUDA Version:\\s*(\\d+)\\.(\\d+)");
    private static final Pattern DRIVER = Pattern.compile("Driver Version:\\s*([0-9.]+)");

    private NvidiaSmi() {}

    /** What a program printed on stdout, and its exit code. */
    public record Output(int exitCode, String stdout) {}

    /** Runs a program; empty when it cannot be started (not installed). */
    @FunctionalInterface
    public interface Runner {
        Optional<Output> run(List<String> command);
    }

    /** The program to run. */
    public static String program() {
        String custom = System.getenv("PROTOLENS_NVIDIA_SMI");
        return custom != null && !custom.isBlank() ? custom : "nvidia-smi";
    }

    /** Runs the real program with a 10 s limit. */
    public static Optional<Output> runProcess(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return Optional.empty();
        }
        try (InputStream in = p.getInputStream()) {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(new Output(-1, "nvidia-smi did not answer within 10 s"));
            }
            return Optional.of(new Output(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Asks {@code nvidia-smi}; the report's source is NONE with the reason in its note when it is missing or says
     * there is no usable driver or GPU.
     */
    public static GpuReport query(String program, Runner runner) {
        Optional<Output> table = runner.run(List.of(program));
        if (table.isEmpty()) {
            return GpuReport.none(program + " is not installed");
        }
        Output t = table.get();
        if (t.exitCode() != 0) {
            return GpuReport.none(program + " found no usable driver or GPU: " + firstLine(t.stdout()));
        }
        List<String> cmd = new ArrayList<>(List.of(program));
        cmd.addAll(QUERY);
        Optional<Output> q = runner.run(cmd);
        boolean withCc = true;
        if (q.isEmpty() || q.get().exitCode() != 0) {
            cmd = new ArrayList<>(List.of(program));
            cmd.addAll(QUERY_OLD);
            q = runner.run(cmd);
            withCc = false;
        }
        if (q.isEmpty() || q.get().exitCode() != 0) {
            return GpuReport.none(program + " could not list the GPUs: "
                    + q.map(o -> firstLine(o.stdout())).orElse("it stopped answering"));
        }
        return parse(t.stdout(), q.get().stdout(), withCc);
    }

    /** Parses the plain table (for the CUDA version) and the CSV query (for the devices). */
    static GpuReport parse(String table, String csv, boolean withCc) {
        Matcher c = CUDA.matcher(table);
        int cuda = c.find() ? 1000 * Integer.parseInt(c.group(1)) + 10 * Integer.parseInt(c.group(2)) : 0;
        Matcher dm = DRIVER.matcher(table);
        String driver = dm.find() ? dm.group(1) : "";
        List<GpuDevice> devices = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            int n = withCc ? 5 : 4;
            if (f.length < n) {
                continue;
            }
            // a name may hold a comma: the fixed fields are the first and the last ones
            int last = f.length;
            String driverField = f[last - 1].strip();
            String ccField = withCc ? f[last - 2].strip() : "";
            String memField = f[last - (withCc ? 3 : 2)].strip();
            StringBuilder name = new StringBuilder(f[1].strip());
            for (int i = 2; i < last - (withCc ? 3 : 2); i++) {
                name.append(',').append(f[i]);
            }
            int[] cc = parseCc(ccField);
            devices.add(new GpuDevice(parseInt(f[0].strip(), devices.size()), name.toString().strip(),
                    parseLong(memField) * 1024 * 1024, cc[0], cc[1]));
            if (driver.isEmpty()) {
                driver = driverField;
            }
        }
        if (devices.isEmpty()) {
            return GpuReport.none("nvidia-smi lists no GPU");
        }
        return new GpuReport(GpuReport.Source.NVIDIA_SMI, driver, cuda, List.copyOf(devices), null);
    }

    private static int[] parseCc(String s) {
        int dot = s.indexOf('.');
        try {
            return dot < 0 ? new int[] {-1, -1}
                    : new int[] {Integer.parseInt(s.substring(0, dot)), Integer.parseInt(s.substring(dot + 1))};
        } catch (NumberFormatException e) {
            return new int[] {-1, -1};
        }
    }

    private static int parseInt(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.replaceAll("[^0-9]", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
