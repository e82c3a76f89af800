package dev.protolens.engine.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.protolens.engine.UserError;
import dev.protolens.engine.hub.LocalModel;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.runtime.SystemMemory;
import dev.protolens.engine.tokenizer.HfTokenizer;
import dev.protolens.engine.tokenizer.TextTokenizer;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorSource;
import dev.protolens.engine.weights.TensorType;
import dev.protolens.engine.weights.WeightFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Opens what a user points at: a Hugging Face folder (config.json + safetensors + tokenizer.json) or a
 * GGUF file, picks the family from {@code model_type} / {@code general.architecture}, and loads the
 * weights onto the engine's device.
 */
public final class ModelLoader {
    private ModelLoader() {}

    public static LoadedModel load(Path path) {
        return load(path, EngineRuntime.get(), msg -> { });
    }

    /** @param progress receives short status lines ("reading weights…") for the UI */
    public static LoadedModel load(Path path, EngineRuntime runtime, Consumer<String> progress) {
        return load(path, runtime, null, progress);
    }

    /**
     * @param dtype "auto", "fp32", "bf16" or "fp16" for the weights ({@link EngineRuntime#weightType(DataType, String)});
     *              null: the runtime's setting
     */
    public static LoadedModel load(Path path, EngineRuntime runtime, String dtype, Consumer<String> progress) {
        long t0 = System.nanoTime();
        if (path.toString().isBlank()) {
            // Path.of("") is the working directory: an empty --model must not quietly mean "here"
            throw new UserError("The model path is empty: give a Hugging Face model folder or a .gguf file.");
        }
        Path p = path.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new UserError(p + " does not exist");
        }
        if (!Files.isRegularFile(p) && !Files.isDirectory(p)) {
            // a device (/dev/zero), a FIFO or a socket: reading it would block or never end
            throw new UserError(p + " is not a regular file (a device, a pipe or a socket): pick a Hugging Face"
                    + " model folder or a .gguf file.");
        }
        if (!Files.isReadable(p)) {
            throw new UserError("Cannot read " + p + ": permission denied.");
        }
        if (LocalModel.isGguf(p)) {
            return loadGguf(p, runtime, dtype, progress, t0);
        }
        if (Files.isRegularFile(p)) {
            throw new UserError(p.getFileName() + " is neither a .gguf file nor a model folder. Pick the folder that"
                    + " holds config.json, or a .gguf file.");
        }
        return loadHf(p, runtime, dtype, progress, t0);
    }

    private static LoadedModel loadHf(Path dir, EngineRuntime runtime, String dtype, Consumer<String> progress,
                                      long t0) {
        progress.accept("reading config.json");
        ModelConfig config = HfConfigReader.read(dir.resolve("config.json"));
        progress.accept("opening weights");
        try (TensorSource source = WeightFiles.openFolder(dir)) {
            config = config.withStoredDtype(storedDtype(source, config.storedDtype()));
            TextTokenizer tokenizer = HfTokenizer.open(dir.resolve("tokenizer.json"), config.bosTokenId(),
                    config.eosTokenId());
            try {
                return build(dir, "safetensors", config, source, tokenizer, runtime, dtype, progress, t0);
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        }
    }

    private static LoadedModel loadGguf(Path file, EngineRuntime runtime, String dtype, Consumer<String> progress,
                                        long t0) {
        progress.accept("reading GGUF header");
        GgufModelReader.Opened g = GgufModelReader.open(file);
        try (TensorSource source = g.tensors()) {
            TextTokenizer tokenizer = g.tokenizer();
            try {
                return build(file, "gguf", g.config(), source, tokenizer, runtime, dtype, progress, t0);
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        }
    }

    /** Builds the family's forward pass over an open tensor source (also used by tests with generated weights). */
    public static LanguageModel create(ModelConfig config, TensorSource source, NDManager manager, DataType compute) {
        WeightLoader w = new WeightLoader(source, manager, compute);
        return switch (config.architecture()) {
            case LLAMA -> new LlamaModel(config, w, manager, compute);
            case GPT_NEOX -> new GptNeoXModel(config, w, manager, compute);
            case GPT2 -> new Gpt2Model(config, w, manager, compute);
        };
    }

    private static LoadedModel build(Path path, String format, ModelConfig config, TensorSource source,
                                     TextTokenizer tokenizer, EngineRuntime runtime, String dtype,
                                     Consumer<String> progress, long t0) {
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new UserError(path.getFileName() + ": the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model only " + config.vocabSize() + "; they do not belong together");
        }
        DataType stored = dataType(config.storedDtype());
        DataType compute = dtype == null ? runtime.weightType(stored) : runtime.weightType(stored, dtype);
        if (!runtime.isGpu()) {
            checkMemory(path, config, source, compute, SystemMemory.available());
        }
        progress.accept("loading " + source.tensors().size() + " tensors onto " + runtime.deviceName());
        NDManager manager = runtime.newManager();
        try {
            LanguageModel model = create(config, source, manager, compute);
            String identity = ModelIdentity.of(config, source);
            runtime.threadsForModel(model.parameterCount());
            return new LoadedModel(path, format, config, model, tokenizer, identity, runtime.deviceName(),
                    compute.toString().toLowerCase(Locale.ROOT), (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException | OutOfMemoryError e) {
            manager.close();
            if (e instanceof OutOfMemoryError) {
                throw new UserError("Not enough memory to load " + path.getFileName() + " (" + config.summary()
                        + "). Close other models or start ProtoLens with a larger heap (-XX:MaxRAMPercentage).", e);
            }
            throw e;
        }
    }

    /**
     * Refuses, before anything is allocated, a model whose weights would not fit in the memory available now:
     * loading holds the weights in the compute type plus at most {@link WeightLoader#heldBesideWeights} (README,
     * "Memory"), and past that the system swaps or kills the process part way.
     */
    static void checkMemory(Path path, ModelConfig config, TensorSource source, DataType compute,
                            OptionalLong available) {
        if (available.isEmpty()) {
            return;
        }
        long elements = 0;
        for (TensorInfo t : source.tensors()) {
            elements += t.elementCount();
        }
        long weights = elements * compute.getNumOfBytes();
        long need = weights + WeightLoader.heldBesideWeights(config);
        if (need > available.getAsLong()) {
            throw new UserError(String.format(Locale.ROOT, "Loading %s needs about %.1f GB of memory (%,d weights as"
                    + " %s, %.1f GB, and %.1f GB while it loads), and %.1f GB is available. Close other programs or"
                    + " pick a smaller model.", path.getFileName(), need / 1e9, elements,
                    compute.toString().toLowerCase(Locale.ROOT), weights / 1e9, (need - weights) / 1e9,
                    available.getAsLong() / 1e9));
        }
    }

    private static DataType dataType(String stored) {
        return switch (stored) {
            case "bfloat16" -> DataType.BFLOAT16;
            case "float16" -> DataType.FLOAT16;
            default -> DataType.FLOAT32;
        };
    }

    /** What the weights are actually stored as: the most common floating type among the matrices. */
    static String storedDtype(TensorSource source, String declared) {
        long f32 = 0, bf16 = 0, f16 = 0;
        for (TensorInfo t : source.tensors()) {
            long n = t.elementCount();
            if (t.type() == TensorType.F32) {
                f32 += n;
            } else if (t.type() == TensorType.BF16) {
                bf16 += n;
            } else if (t.type() == TensorType.F16) {
                f16 += n;
            }
        }
        if (bf16 > f32 && bf16 > f16) {
            return "bfloat16";
        }
        if (f16 > f32 && f16 > bf16) {
            return "float16";
        }
        return f32 > 0 ? "float32" : declared;
    }
}
