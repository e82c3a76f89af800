package dev.protolens.engine.gpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Driver answers for tests: an NVML that answers from a list of devices (or fails to open, as on a machine without
 * the driver), and {@code nvidia-smi} outputs as the real program prints them for each case.
 */
final class FakeDriver {
    private FakeDriver() {}

    static final GpuDevice RTX_4090 = new GpuDevice(0, "NVIDIA GeForce RTX 4090", 25_757_220_864L, 8, 9);
    static final GpuDevice RTX_5090 = new GpuDevice(0, "NVIDIA GeForce RTX 5090", 34_190_458_880L, 12, 0);
    static final GpuDevice T4 = new GpuDevice(0, "Tesla T4", 16_106_127_360L, 7, 5);

    /** An NVML with these answers. */
    static Nvml.Opener nvml(String driver, int cuda, GpuDevice... devices) {
        return dev.protolens.engine.testing.FakeNvml.of(driver, cuda, devices);
    }

    /** NVML that cannot be loaded, with the message NvmlLibrary gives on a machine without the driver. */
    static Nvml.Opener noNvml() {
        return dev.protolens.engine.testing.FakeNvml.none();
    }

    /** The table header nvidia-smi prints first, for a driver and its CUDA version. */
    static String table(String driver, String cuda) {
        return """
                Mon Mar  2 10:00:00 2026
                +-----------------------------------------------------------------------------------------+
                | NVIDIA-SMI %s             Driver Version: %s     CUDA Version: %s     |
                |-----------------------------------------+------------------------+----------------------+
                | GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |
                |=========================================+========================+======================|
                """.formatted(driver, driver, cuda);
    }

    /** A runner answering each nvidia-smi call from a map of (arguments joined by spaces) to output. */
    static final class Smi implements NvidiaSmi.Runner {
        final Map<String, NvidiaSmi.Output> answers = new LinkedHashMap<>();
        final List<String> calls = new ArrayList<>();
        boolean installed = true;

        Smi answer(List<String> args, int exit, String stdout) {
            answers.put(String.join(" ", args), new NvidiaSmi.Output(exit, stdout));
            return this;
        }

        /** The plain table and the CSV query, both successful. */
        static Smi gpus(String driver, String cuda, String csv) {
            return new Smi().answer(List.of(), 0, table(driver, cuda)).answer(NvidiaSmi.QUERY, 0, csv);
        }

        static Smi notInstalled() {
            Smi s = new Smi();
            s.installed = false;
            return s;
        }

        @Override
        public Optional<NvidiaSmi.Output> run(List<String> command) {
            calls.add(String.join(" ", command));
            if (!installed) {
                return Optional.empty();
            }
            String key = String.join(" ", command.subList(1, command.size()));
            NvidiaSmi.Output o = answers.get(key);
            return Optional.of(o != null ? o : new NvidiaSmi.Output(2, "Invalid combination of input arguments."));
        }
    }
}
