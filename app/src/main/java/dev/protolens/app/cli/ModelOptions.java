package dev.protolens.app.cli;

import dev.protolens.engine.AppDirs;
import dev.protolens.engine.UserError;
import dev.protolens.engine.hub.RecentModels;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.runtime.RuntimeOptions;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of every command that runs a model: which model, and on what (threads, device). */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "MODEL", description = "A Hugging Face model folder or a .gguf file.")
    Path model;

    @Option(names = "--threads", description = "Compute threads (default: 1 on 2-core machines, else cores-1).")
    int threads;

    @Option(names = "--device", description = "auto, cpu or cuda[:N] (default auto: CUDA when PyTorch sees a GPU).")
    String device;

    @Option(names = "--dtype", description = "Weights: auto (fp32 on the CPU, bf16 on a CUDA GPU, fp16 on GPUs without"
            + " bf16), fp32, bf16 or fp16. e, m, the loss and AdamW are fp32 always.")
    String dtype;

    EngineRuntime runtime() {
        RuntimeOptions o = RuntimeOptions.fromEnvironment();
        if (threads != 0) {
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

    /** The model --model names (required by the command at this point). */
    Path requiredModel() {
        if (model == null) {
            throw new UserError("--model is required: a Hugging Face model folder or a .gguf file.");
        }
        if (model.toString().isBlank()) {
            throw new UserError("--model is empty: give a Hugging Face model folder or a .gguf file.");
        }
        return model;
    }

    /** Loads the model --model names. */
    LoadedModel load() {
        return load(requiredModel());
    }

    /** Loads --model if given, else the model a run was fitted with (where it was then). */
    static final String GIVE_MODEL = "give the model with --model";

    /** The model the command was given, else the one the run was fitted with. */
    Path pathFor(RunRecord r) {
        return model != null ? model : RunRecords.modelPath(r, GIVE_MODEL);
    }

    LoadedModel loadFor(RunRecord r) {
        if (model != null) {
            return load(model);
        }
        return load(RunRecords.modelPath(r, GIVE_MODEL));
    }

    LoadedModel load(Path path) {
        EngineRuntime rt = runtime();
        System.err.println("loading " + path + " (" + rt.describe() + ")");
        LoadedModel m = ModelLoader.load(path, rt, s -> { });
        try {
            new RecentModels(AppDirs.config()).remember(m.path());
        } catch (RuntimeException e) {
            // the recent list is a convenience; a read-only settings folder must not stop a command
        }
        return m;
    }
}
