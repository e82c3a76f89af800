package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.inside.FittedPass;
import dev.protolens.engine.inside.Inside;
import dev.protolens.engine.model.PassProbe;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.model.RandomCheckpoint;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.tokenizer.Encoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure fitting speed: ms per optimisation step (forward + backward + AdamW), tokens/s and",
            "peak memory, for a text of N tokens and a batch of B seeds. Prints JSON.",
            "Compare with the reference side by side: bench/compare.sh (bench/reference_fit.py times the same steps).",
            "On a CUDA GPU it times fp32 and bf16 (fp16 where the GPU has no bf16) weights in one run; --dtype picks one.",
            "With --make-random SHAPE --out DIR it writes a random checkpoint of a real model's shape instead."})
final class BenchCommand implements Callable<Integer> {
    static final String DEFAULT_TEXT = "Lily and Ben went to the park to play with a red ball. They ran and laughed in the"
            + " warm sun. Then it started to rain, so they went home and had hot soup with their mom. After lunch they"
            + " drew pictures of the park, the ball and the rain, and their dad put the best one on the fridge.";


    @Option(names = "--length", defaultValue = "16", description = "Tokens in the target text (N). Default ${DEFAULT-VALUE}.")
    int length;

    @Option(names = "--batch", defaultValue = "1", description = "Seeds fitted together (B). Default ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--steps", defaultValue = "40", description = "Timed optimisation steps. Default ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first. Default ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--text", description = "Target text (its first N tokens are used). Default: a built-in story.")
    String text;

    @Option(names = "--make-random", description = "Write a random checkpoint of this shape: " + "smollm2-135m, smollm2-360m, llama-3.2-1b, tinyllama-1.1b.")
    String makeRandom;

    @Option(names = "--out", description = "Folder for --make-random.")
    Path out;

    @Option(names = "--tokenizer-from", description = "Folder whose tokenizer.json --make-random copies.")
    Path tokenizerFrom;

    @Option(names = "--forward-only", description = "Time one forward pass on N random input embeddings instead of fit steps.")
    boolean forwardOnly;

    @Option(names = "--decode", description = {"Time the slider's decode (e then N positions, tokens only: the head in",
        "vocabulary slices) against the same pass's full logits and libtorch's argmax, alternating in one run."})
    boolean decode;

    @Option(names = "--slider", description = {"Time the window's slider without the window: until the first text and until",
        "the grid of τ is decoded along a path of N tokens, a thumb move to the point to show, letting go to the exact τ."})
    boolean slider;

    @Option(names = "--every", description = "With --inside: read every k-th layer (default 1: all).")
    int every;

    @Option(names = "--inside", description = {"Time the Inside screen's look at a pass of N tokens (random e and m): the",
        "logit lens of the one-step pass and every head's attention, then the teacher-forced pass's lens, against one",
        "plain forward pass of the same input in the same run."})
    boolean inside;

    @Option(names = "--fit-speed", description = {"Time to 100 %% of each start option (FitStart) against the paper's recipe",
        "on the benchmark set (--texts), lone fits interleaved text by text; prints success rate, median and p90 of",
        "steps and seconds, and ratios to the paper."})
    boolean fitSpeed;

    @Option(names = "--texts", defaultValue = "bench/fast-start/texts.tsv", description = "--fit-speed: the benchmark set. Default ${DEFAULT-VALUE}.")
    Path texts;

    @Option(names = "--seeds", defaultValue = "3", description = "--fit-speed: seeds per text. Default ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--max-steps", defaultValue = "2000", description = "--fit-speed: a fit that has not reached 100 %% by then failed. Default ${DEFAULT-VALUE}.")
    int maxSteps;

    @Option(names = "--recipes", split = ",", description = "--fit-speed: which starts (default all): paper, lr-x3, warmup-cosine-x3, warmup-cosine-x5, focus-1, focus-3, init-x0.5, init-x2, mean-m, nearest, fast.")
    List<String> recipes;

    @Option(names = "--half", defaultValue = "held-out", description = "--fit-speed: held-out or tuning. Default ${DEFAULT-VALUE}.")
    String half;

    @Option(names = "--thread-scan", description = {"ms/step against the thread count (--thread-list, default 1 … cores) at each",
        "length of --lengths, in one run; prints the table and the default this machine gives the model."})
    boolean threadScan;

    @Option(names = "--thread-list", split = ",", description = "--thread-scan: thread counts (default 1 … cores).")
    List<Integer> threadList;

    @Option(names = "--lengths", split = ",", defaultValue = "16,64,256", description = "--thread-scan, --memory: lengths N. Default ${DEFAULT-VALUE}.")
    List<Integer> lengths;

    @Option(names = "--restarts", description = "K restarts in one batch against K lone fits one after the other, at --length:"
            + " throughput ratio and peak memory.")
    Integer restarts;

    @Option(names = "--memory", description = "Peak resident memory of one fit at each of --lengths against the hand count"
            + " (weights + activations); run one length per process, since the peak only rises.")
    boolean memory;

    @Mixin
    ModelOptions options;

    @Override
    public Integer call() throws IOException {
        if (makeRandom != null) {
            if (out == null || tokenizerFrom == null) {
                throw new UserError("--make-random needs --out DIR and --tokenizer-from MODEL_DIR");
            }
            RandomCheckpoint.Shape s = RandomCheckpoint.shape(makeRandom);
            RandomCheckpoint.write(out, s, 0, tokenizerFrom);
            Json.print(Map.of("written", out.toString(), "shape", s.name(), "bytes",
                    Files.size(out.resolve("model.safetensors"))));
            return 0;
        }
        if (options.model == null) {
            throw new UserError("--model is required (or --make-random)");
        }
        if (length < 1 || batch < 1 || steps < 1 || warmup < 0) {
            throw new UserError("--length, --batch and --steps must be at least 1");
        }
        if (slider) {
            try (LoadedModel m = options.load()) {
                Json.print(SliderBench.run(m, Arrays.copyOf(tokens(m).ids(), length), 240));
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        EngineRuntime rt = options.runtime();
        if (options.device != null && options.device.startsWith("cuda") && !rt.isGpu()) {
            throw new UserError("bench --device " + options.device + " cannot measure a GPU here: "
                    + rt.fallback().orElse("PyTorch sees no GPU") + ". (protolens gpu status says what to do.)");
        }
        if (fitSpeed) {
            try (LoadedModel m = options.load()) {
                List<String> which = recipes != null ? recipes : List.copyOf(FitSpeedBench.CANDIDATES.keySet());
                Json.print(new FitSpeedBench(m, length, seeds, maxSteps, which, half).run(FitSpeedBench.read(texts)));
                return 0;
            }
        }
        if (threadScan || restarts != null || memory) {
            try (LoadedModel m = options.load()) {
                MachineBench mb = new MachineBench(m, n -> target(m, n), steps, warmup);
                if (threadScan) {
                    List<Integer> ts = threadList;
                    if (ts == null) {
                        ts = new ArrayList<>();
                        for (int t = 1; t <= Runtime.getRuntime().availableProcessors(); t++) {
                            ts.add(t);
                        }
                    }
                    Json.print(mb.threadScan(ts, lengths));
                } else if (restarts != null) {
                    Json.print(mb.restarts(restarts, length));
                } else {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (int n : lengths) {
                        rows.add(mb.memory(n));
                    }
                    Json.print(rows);
                }
                return 0;
            }
        }
        if (forwardOnly || decode || inside) {
            try (LoadedModel m = options.load()) {
                requireContext(m);
                return forwardOnly ? forward(m) : decode ? decode(m) : inside(m);
            }
        }
        // on a GPU both weight types are timed, in one run: fp32 first, then the half type the GPU computes in
        List<String> dtypes = options.dtype != null ? List.of(options.dtype) : rt.isGpu()
                ? List.of("fp32", rt.halfType() == ai.djl.ndarray.types.DataType.BFLOAT16 ? "bf16" : "fp16")
                : List.of("fp32");
        List<Map<String, Object>> runs = new ArrayList<>();
        try (GpuMemory memory = GpuMemory.open(rt)) {
            for (String dtype : dtypes) {
                System.err.println("loading " + options.requiredModel() + " with " + dtype + " weights (" + rt.describe() + ")");
                try (LoadedModel m = ModelLoader.load(options.requiredModel(), rt, dtype, s -> { })) {
                    requireContext(m);
                    runs.add(timeFit(m, memory));
                }
            }
        }
        Map<String, Object> o = new LinkedHashMap<>(runs.getFirst());
        if (runs.size() > 1) {
            o.put("by_dtype", runs);
            double full = (double) runs.get(0).get("ms_per_step_median");
            double half = (double) runs.get(1).get("ms_per_step_median");
            o.put("speedup_" + runs.get(1).get("dtype") + "_vs_float32", full / half);
        }
        Json.print(o);
        return 0;
    }

    /** --length beyond the model's context is refused before a text of that many tokens is made. */
    private void requireContext(LoadedModel m) {
        int inputs = dev.protolens.engine.proto.Arrangement.E_M.inputLength(length) + 1;
        if (inputs > m.config().maxPositions()) {
            throw new UserError("--length " + length + " needs " + inputs + " positions but " + m.name()
                    + "'s context is " + m.config().maxPositions() + " tokens; use --length "
                    + (m.config().maxPositions() - 2) + " or less.");
        }
    }

    /** Times fit steps of one loaded model: median, mean and min ms/step, tokens/s, peak memory. */
    private Map<String, Object> timeFit(LoadedModel m, GpuMemory memory) {
        Encoding enc = tokens(m);
        long[] ids = Arrays.copyOf(enc.ids(), length);
        String prefix = m.tokenizer().decode(ids, false);
        FitTarget target = new FitTarget(prefix, ids, Arrays.copyOf(enc.pieces(), length),
                Arrays.copyOf(enc.starts(), length), Arrays.copyOf(enc.ends(), length));
        // never stops at 100 %: every run times the same number of steps, like the reference's --stop-acc 1.01
        FitSpec spec = FitSpec.defaults().withMaxSteps(warmup + steps).withTargetAccuracy(FitSpec.NEVER_STOP);
        List<Long> stamps = new ArrayList<>();
        long gpuBefore = memory.used();
        long[] gpuPeak = {gpuBefore};
        FitMonitor monitor = FitMonitor.none().betweenSteps(() -> {
            stamps.add(System.nanoTime());
            gpuPeak[0] = Math.max(gpuPeak[0], memory.used());
        });
        Fitter fitter = new Fitter(m);
        long rssBefore = rss("VmRSS");
        FitResult r = fitter.fit(FitRequest.seeds(target, spec, batch), monitor);
        if (stamps.size() <= warmup + 1) {
            throw new UserError("the fit stopped after " + r.updates() + " steps (" + r.status() + "): "
                    + (r.message() != null ? r.message() : "too few steps to time"));
        }
        double[] per = new double[stamps.size() - 1 - warmup];
        for (int i = warmup; i + 1 < stamps.size(); i++) {
            per[i - warmup] = (stamps.get(i + 1) - stamps.get(i)) / 1e6;
        }
        double[] sorted = per.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(per).average().orElse(0);
        double median = sorted[sorted.length / 2];
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m.path().toString());
        o.put("family", m.config().modelType());
        o.put("parameters", m.model().parameterCount());
        o.put("tokens", length);
        o.put("batch", batch);
        o.put("dtype", m.computeDtype());
        o.put("timed_steps", per.length);
        o.put("ms_per_step_median", median);
        o.put("ms_per_step_mean", mean);
        o.put("ms_per_step_min", sorted[0]);
        o.put("ms_per_step_like_reference", r.millisPerStep());
        o.put("tokens_per_second", batch * length / (median / 1000));
        o.put("final_loss", r.best().loss());
        o.put("peak_rss_mb", rss("VmHWM") / 1024.0);
        o.put("rss_before_fit_mb", rssBefore / 1024.0);
        if (memory.available()) {
            // the whole device as NVML sees it; the weights were loaded before, so this is the fit's own share
            o.put("gpu_memory_before_fit_mb", gpuBefore / 1e6);
            o.put("gpu_memory_peak_mb", gpuPeak[0] / 1e6);
        }
        o.put("device", m.device());
        o.put("threads", EngineRuntime.get().threads());
        o.put("runtime", EngineRuntime.get().describe());
        return o;
    }

    /** The GPU's memory in use, read through NVML between steps; nothing on the CPU or without NVML. */
    static final class GpuMemory implements AutoCloseable {
        private final dev.protolens.engine.gpu.Nvml nvml;
        private final int index;

        private GpuMemory(dev.protolens.engine.gpu.Nvml nvml, int index) {
            this.nvml = nvml;
            this.index = index;
        }

        static GpuMemory open(EngineRuntime rt) {
            if (!rt.isGpu()) {
                return new GpuMemory(null, 0);
            }
            try {
                return new GpuMemory(dev.protolens.engine.gpu.NvmlLibrary.open(), rt.device().getDeviceId());
            } catch (RuntimeException e) {
                return new GpuMemory(null, 0);
            }
        }

        boolean available() {
            return nvml != null;
        }

        long used() {
            if (nvml == null) {
                return 0;
            }
            try {
                return nvml.memoryUsed(index);
            } catch (RuntimeException e) {
                return 0;
            }
        }

        @Override
        public void close() {
            if (nvml != null) {
                nvml.close();
            }
        }
    }

    /** Times {@code logits} of (batch, N, d) random embeddings, no gradients. */
    private int forward(LoadedModel m) {
        int d = m.config().hiddenSize();
        java.util.Random rnd = new java.util.Random(0);
        float[] z = new float[batch * length * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rnd.nextGaussian();
        }
        EngineRuntime.setGradMode(false);
        double[] per = new double[steps];
        for (int s = -warmup; s < steps; s++) {
            try (ai.djl.ndarray.NDManager sm = m.model().manager().newSubManager()) {
                long t0 = System.nanoTime();
                ai.djl.ndarray.NDArray logits = m.model().logits(sm.create(z, new ai.djl.ndarray.types.Shape(batch, length, d)));
                // one value: on the CPU the pass is complete when it returns; copying all logits to Java
                // (N x vocab floats) would time DJL's copy, which the reference does not do either
                logits.get(0, 0, 0).getFloat();
                if (s >= 0) {
                    per[s] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        double[] sorted = per.clone();
        Arrays.sort(sorted);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m.path().toString());
        o.put("mode", "forward");
        o.put("tokens", length);
        o.put("batch", batch);
        o.put("runs", steps);
        o.put("ms_forward_median", sorted[sorted.length / 2]);
        o.put("ms_forward_min", sorted[0]);
        o.put("ms_forward_mean", Arrays.stream(per).average().orElse(0));
        o.put("peak_rss_mb", rss("VmHWM") / 1024.0);
        o.put("threads", EngineRuntime.get().threads());
        Json.print(o);
        return 0;
    }

    /**
     * The slider's decode path ({@code argmaxTokens} from position 1) and its peer, the full logits and libtorch's
     * argmax over positions 1..N, alternating on the same random embeddings: their medians and the median of the
     * per-pair ratios, which the machine's noise affects far less than either time. Both must write the same tokens.
     */
    private int decode(LoadedModel m) {
        int d = m.config().hiddenSize();
        int n = length + 1;
        java.util.Random rnd = new java.util.Random(0);
        float[] z = new float[batch * n * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rnd.nextGaussian();
        }
        ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(batch, n, d);
        EngineRuntime.setGradMode(false);
        double[] slices = new double[steps];
        double[] full = new double[steps];
        boolean same = true;
        for (int s = -warmup; s < steps; s++) {
            long[][] tokens = new long[2][];
            double[] ms = new double[2];
            for (int k = 0; k < 2; k++) {
                int which = (s & 1) == 0 ? k : 1 - k; // alternate which goes first
                try (ai.djl.ndarray.NDManager sm = m.model().manager().newSubManager()) {
                    ai.djl.ndarray.NDArray x = sm.create(z, shape);
                    long t0 = System.nanoTime();
                    tokens[which] = which == 0 ? m.model().argmaxTokens(x, 1)
                            : m.model().logits(x).get(new ai.djl.ndarray.index.NDIndex(":, 1:, :")).argMax(2)
                            .toLongArray();
                    ms[which] = (System.nanoTime() - t0) / 1e6;
                }
            }
            same &= Arrays.equals(tokens[0], tokens[1]);
            if (s >= 0) {
                slices[s] = ms[0];
                full[s] = ms[1];
            }
        }
        double[] ratio = new double[steps];
        for (int i = 0; i < steps; i++) {
            ratio[i] = slices[i] / full[i];
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m.path().toString());
        o.put("mode", "decode");
        o.put("tokens", length);
        o.put("batch", batch);
        o.put("runs", steps);
        o.put("ms_decode_median", median(slices));
        o.put("ms_decode_min", Arrays.stream(slices).min().orElse(0));
        o.put("ms_full_logits_argmax_median", median(full));
        o.put("ms_full_logits_argmax_min", Arrays.stream(full).min().orElse(0));
        o.put("paired_ratio_median", median(ratio));
        o.put("same_tokens", same);
        o.put("threads", EngineRuntime.get().threads());
        Json.print(o);
        return same ? 0 : 1;
    }

    /**
     * {@code Inside.look} (the one-step pass's lens after each layer read and every head's attention) and the
     * teacher-forced pass's lens, on random e and m with the first N tokens of the text as target, alternating with
     * one plain forward pass of the same input: their medians and the medians of the per-round ratios.
     */
    private int inside(LoadedModel m) {
        Encoding enc = tokens(m);
        int d = m.config().hiddenSize();
        java.util.Random rnd = new java.util.Random(0);
        float[] e = new float[d];
        float[] mm = new float[d];
        for (int i = 0; i < d; i++) {
            e[i] = (float) rnd.nextGaussian();
            mm[i] = (float) rnd.nextGaussian();
        }
        long[] ids = Arrays.copyOf(enc.ids(), length);
        FittedPass pass = new FittedPass("bench", new ProtoTokens(e, mm), Arrangement.E_M, ids,
                Arrays.copyOf(enc.pieces(), length), m.tokenizer().decode(ids, false));
        Inside in = new Inside(m);
        int k = every > 0 ? every : 1;
        EngineRuntime.setGradMode(false);
        double[] look = new double[steps];
        double[] read = new double[steps];
        double[] plain = new double[steps];
        for (int s = -warmup; s < steps; s++) {
            long t0 = System.nanoTime();
            in.look(pass, PassProbe.Site.AFTER_LAYER, k);
            long t1 = System.nanoTime();
            in.teacherForced(pass, PassProbe.Site.AFTER_LAYER, k);
            long t2 = System.nanoTime();
            try (ai.djl.ndarray.NDManager sm = m.model().manager().newSubManager()) {
                m.model().logits(sm.create(pass.input(), new ai.djl.ndarray.types.Shape(1, length, d))).get(0, 0, 0)
                        .getFloat();
            }
            long t3 = System.nanoTime();
            if (s >= 0) {
                look[s] = (t1 - t0) / 1e6;
                read[s] = (t2 - t1) / 1e6;
                plain[s] = (t3 - t2) / 1e6;
            }
        }
        double[] ratio = new double[steps];
        double[] ratioBoth = new double[steps];
        for (int i = 0; i < steps; i++) {
            ratio[i] = look[i] / plain[i];
            ratioBoth[i] = (look[i] + read[i]) / plain[i];
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", m.path().toString());
        o.put("mode", "inside");
        o.put("tokens", length);
        o.put("layers", m.config().numLayers());
        o.put("lens_rows", Inside.layersRead(m.config().numLayers(), k).length);
        o.put("heads", m.config().numHeads());
        o.put("vocab", m.config().vocabSize());
        o.put("runs", steps);
        o.put("ms_lens_and_attention_median", median(look));
        o.put("ms_lens_and_attention_min", Arrays.stream(look).min().orElse(0));
        o.put("ms_teacher_forced_lens_median", median(read));
        o.put("ms_teacher_forced_lens_min", Arrays.stream(read).min().orElse(0));
        o.put("ms_forward_median", median(plain));
        o.put("ms_forward_min", Arrays.stream(plain).min().orElse(0));
        o.put("lens_and_attention_per_forward_median", median(ratio));
        o.put("both_lenses_and_attention_per_forward_median", median(ratioBoth));
        o.put("threads", EngineRuntime.get().threads());
        Json.print(o);
        return 0;
    }

    /** The first n tokens of the text (or the built-in story) as a fit target. */
    private FitTarget target(LoadedModel m, int n) {
        int keep = length;
        length = n;
        try {
            Encoding enc = tokens(m);
            long[] ids = Arrays.copyOf(enc.ids(), n);
            return new FitTarget(m.tokenizer().decode(ids, false), ids, Arrays.copyOf(enc.pieces(), n),
                    Arrays.copyOf(enc.starts(), n), Arrays.copyOf(enc.ends(), n));
        } finally {
            length = keep;
        }
    }

    /** The text's tokens, at least {@code --length} of them (the built-in story is repeated as needed). */
    private Encoding tokens(LoadedModel m) {
        String t = text != null ? text : DEFAULT_TEXT;
        Encoding enc = m.tokenizer().encode(t, false);
        while (text == null && enc.size() < length) {
            t = t + " " + DEFAULT_TEXT;
            enc = m.tokenizer().encode(t, false);
        }
        if (enc.size() < length) {
            throw new UserError("the text has only " + enc.size() + " tokens; --length is " + length);
        }
        return enc;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** A field of /proc/self/status in kB (Linux); -1 elsewhere. */
    static long rss(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
