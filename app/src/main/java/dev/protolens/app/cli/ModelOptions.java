package dev.protolens.app.cli;

import dev.protolens.engine.hub.RecentModels;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.AppDirs;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.runtime.RuntimeOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that runs a model shares. */
final class ModelOptions {
    @Option(names = "--threads", description = "Compute threads (default: 1 on 2-core machines, else cores-1).")
    int threads;

    @Option(names = "--device", description = "auto, cpu or cuda[:N] (default auto: CUDA when PyTorch sees a GPU).")
    String device;

    @Option(names = "--dtype", description = "Weights: auto (fp32 on the CPU, bf16 on a CUDA GPU, fp16 on GPUs without"
            + " bf16), fp32, bf16 or fp16. e, m, the loss and AdamW are fp32 always.")
    String dtype;

    EngineRuntime runtime() {
        RuntimeOptions o = RuntimeOptions.fromEnvironment();
        if (threads > 0) {
            o = o.withThreads(threads);
        }
        if (device != null) {
            o = o.withDevice(device);
        }
        if (dtype != null) {
            o = o.withDtype(dtype);
        }
        return EngineRuntime.start(o);
    }

    LoadedModel load(Path model) {
        EngineRuntime rt = runtime();
        System.err.println("loading " + model + " (" + rt.describe() + ")");
        LoadedModel m = ModelLoader.load(model, rt, s -> { });
        try {
            new RecentModels(AppDirs.config()).remember(m.path());
        } catch (RuntimeException e) {
            // the recent list is a convenience; a read-only settings folder must not stop a command
        }
        return m;
    }
}
