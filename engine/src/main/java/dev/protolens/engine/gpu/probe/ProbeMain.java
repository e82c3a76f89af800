package dev.protolens.engine.gpu.probe;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.gpu.GpuRuntime;
import dev.protolens.engine.gpu.RuntimeProbe;
import dev.protolens.engine.model.HfConfigReader;
import dev.protolens.engine.model.LanguageModel;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelConfig;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.runtime.RuntimeOptions;
import dev.protolens.engine.weights.SafetensorsWriter;
import dev.protolens.engine.weights.TensorSource;
import dev.protolens.engine.weights.WeightFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The child process of {@link RuntimeProbe}: loads a libtorch from a folder, then on {@code gpu(0)} multiplies two
 * matrices (compared with the CPU's product) and runs two steps of a real fit on a tiny random Llama in the half type
 * the app will use. Prints one line {@code PROBE {json}} and exits 0 on success, 3 on a failure it could catch. A
 * native crash prints no such line; the parent then reads the reason from stderr.
 *
 * <p>Arguments: the libtorch folder, its flavor, the half type ("bfloat16" or "float16").
 *
 * <p>A package of its own because it runs a fit: {@code engine.gpu} is read by the runtime before any model
 * exists, so it must not depend on the fit, the model or the runtime; it starts this class by name.
 */
public final class ProbeMain {
    /** The first argument that makes the app's launcher run this class (installers without a java command). */
    public static final String LAUNCHER_ARG = RuntimeProbe.LAUNCHER_ARG;
    static final String PREFIX = RuntimeProbe.PREFIX;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProbeMain() {}

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        Map<String, Object> out = new LinkedHashMap<>();
        int code = 0;
        try {
            if (args.length < 3) {
                throw new IllegalArgumentException("usage: ProbeMain LIBTORCH_DIR FLAVOR HALF_TYPE");
            }
            System.setProperty("PYTORCH_LIBRARY_PATH", args[0]);
            System.setProperty("PYTORCH_FLAVOR", args[1]);
            System.setProperty("PYTORCH_VERSION", GpuRuntime.VERSION);
            System.setProperty(EngineRuntime.NATIVES_PROPERTY, "fixed");
            DataType half = args[2].equals("float16") ? DataType.FLOAT16 : DataType.BFLOAT16;
            EngineRuntime rt = EngineRuntime.start(new RuntimeOptions(1, "cuda:0", "auto"));
            if (!rt.isGpu()) {
                throw new IllegalStateException("PyTorch loaded this libtorch but sees no GPU: "
                        + rt.fallback().orElse("no CUDA device"));
            }
            out.put("device", rt.deviceName());
            out.put("pytorch", rt.engine().getVersion());
            out.put("matmul_max_error", matmul(rt));
            out.put("fit_loss", fitStep(rt, half));
            out.put("dtype", half.toString().toLowerCase(java.util.Locale.ROOT));
            out.put("ok", true);
        } catch (Throwable e) {
            out.put("ok", false);
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // the root cause names the library or the CUDA error; the wrappers above it only say that loading failed
            out.put("error", root == e ? e.toString() : root + " (in " + e.getClass().getSimpleName() + ")");
            code = 3;
        }
        out.put("millis", (System.nanoTime() - t0) / 1_000_000);
        System.out.println(PREFIX + JSON.writeValueAsString(out));
        System.out.flush();
        // the engine's native threads must not keep a failed child alive
        Runtime.getRuntime().halt(code);
    }

    /** Largest |GPU - CPU| of a 128 × 128 product of random matrices (fp32; TF32 is off by default in libtorch). */
    static double matmul(EngineRuntime rt) {
        Random r = new Random(1);
        float[] a = new float[128 * 128];
        float[] b = new float[128 * 128];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) r.nextGaussian();
        }
        float[] gpu;
        float[] cpu;
        try (NDManager m = rt.newManager(); NDManager c = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            gpu = m.create(a, new Shape(128, 128)).matMul(m.create(b, new Shape(128, 128))).toFloatArray();
            cpu = c.create(a, new Shape(128, 128)).matMul(c.create(b, new Shape(128, 128))).toFloatArray();
        }
        double worst = 0;
        for (int i = 0; i < gpu.length; i++) {
            worst = Math.max(worst, Math.abs(gpu[i] - cpu[i]));
        }
        if (!(worst < 1e-2)) {
            throw new IllegalStateException("the GPU's matrix product differs from the CPU's by " + worst);
        }
        return worst;
    }

    /** Two updates of a real fit (forward, backward, AdamW) on a tiny random Llama with half-type weights. */
    static double fitStep(EngineRuntime rt, DataType half) throws Exception {
        Path dir = Files.createTempDirectory("protolens-probe");
        try {
            ObjectNode c = new ObjectMapper().createObjectNode();
            c.put("model_type", "llama");
            c.put("hidden_size", 64);
            c.put("num_hidden_layers", 2);
            c.put("num_attention_heads", 4);
            c.put("num_key_value_heads", 2);
            c.put("intermediate_size", 128);
            c.put("vocab_size", 256);
            c.put("max_position_embeddings", 64);
            c.put("rms_norm_eps", 1e-5);
            c.put("rope_theta", 10000.0);
            c.put("tie_word_embeddings", false);
            ModelConfig config = HfConfigReader.parse(c, "probe model");
            SafetensorsWriter w = new SafetensorsWriter();
            Random r = new Random(2);
            int d = 64;
            int kv = 2 * 16;
            w.f32("model.embed_tokens.weight", gaussian(r, 256 * d), 256, d);
            for (int l = 0; l < 2; l++) {
                String p = "model.layers." + l + ".";
                w.f32(p + "input_layernorm.weight", ones(d), d);
                w.f32(p + "self_attn.q_proj.weight", gaussian(r, d * d), d, d);
                w.f32(p + "self_attn.k_proj.weight", gaussian(r, kv * d), kv, d);
                w.f32(p + "self_attn.v_proj.weight", gaussian(r, kv * d), kv, d);
                w.f32(p + "self_attn.o_proj.weight", gaussian(r, d * d), d, d);
                w.f32(p + "post_attention_layernorm.weight", ones(d), d);
                w.f32(p + "mlp.gate_proj.weight", gaussian(r, 128 * d), 128, d);
                w.f32(p + "mlp.up_proj.weight", gaussian(r, 128 * d), 128, d);
                w.f32(p + "mlp.down_proj.weight", gaussian(r, d * 128), d, 128);
            }
            w.f32("model.norm.weight", ones(d), d);
            w.f32("lm_head.weight", gaussian(r, 256 * d), 256, d);
            w.writeTo(dir.resolve("model.safetensors"));
            try (TensorSource source = WeightFiles.openFolder(dir)) {
                NDManager manager = rt.newManager();
                LanguageModel model = ModelLoader.create(config, source, manager, half);
                LoadedModel loaded = new LoadedModel(dir, "safetensors", config, model, null, "probe",
                        rt.deviceName(), half.toString(), 0);
                try {
                    long[] ids = new long[16];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = 3 + (i * 37) % 250;
                    }
                    String[] pieces = new String[ids.length];
                    Arrays.fill(pieces, "x");
                    FitTarget target = new FitTarget("probe", ids, pieces, new int[ids.length], new int[ids.length]);
                    FitResult res = new Fitter(loaded).fit(FitRequest.single(target,
                            FitSpec.defaults().withMaxSteps(2).withTargetAccuracy(FitSpec.NEVER_STOP)), FitMonitor.none());
                    double loss = res.items().getFirst().loss();
                    if (res.status() == FitResult.Status.DIVERGED || !Double.isFinite(loss)) {
                        throw new IllegalStateException("the fit step's loss was not finite in " + half);
                    }
                    return loss;
                } finally {
                    model.close();
                }
            }
        } finally {
            GpuRuntime.deleteTree(dir);
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 0.05);
        }
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }
}
