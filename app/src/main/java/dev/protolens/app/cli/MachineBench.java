package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.FitMemory;
import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.WeightLoader;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.runtime.RuntimeOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * {@code bench --thread-scan} and {@code bench --restarts K}: how a fit uses the machine. Every number is a median
 * of timed fit steps (forward + backward + AdamW) after untimed ones, measured side by side in one run.
 */
final class MachineBench {
    private final LoadedModel model;
    private final IntFunction<FitTarget> target;
    private final int steps;
    private final int warmup;

    MachineBench(LoadedModel model, IntFunction<FitTarget> target, int steps, int warmup) {
        this.model = model;
        this.target = target;
        this.steps = steps;
        this.warmup = warmup;
    }

    /** ms/step for each thread count and length; threads in the order given, lengths inside. */
    Map<String, Object> threadScan(List<Integer> threads, List<Integer> lengths) {
        int cores = Runtime.getRuntime().availableProcessors();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int n : lengths) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tokens", n);
            double one = Double.NaN;
            for (int t : threads) {
                EngineRuntime.start(RuntimeOptions.fromEnvironment().withThreads(t));
                double ms = msPerStep(target.apply(n), 1);
                if (t == threads.getFirst()) {
                    one = ms;
                }
                row.put("ms_per_step_threads_" + t, ms);
                row.put("speedup_threads_" + t, one / ms);
                System.err.printf("N=%d threads=%d: %.1f ms/step%n", n, t, ms);
            }
            rows.add(row);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.path().toString());
        o.put("parameters", model.model().parameterCount());
        o.put("cores", cores);
        o.put("default_threads_for_this_model", RuntimeOptions.defaultThreads(cores, model.model().parameterCount()));
        o.put("rows", rows);
        return o;
    }

    /**
     * K restarts of one text in one batch against K lone fits one after the other: fits per second of each,
     * their ratio, and the peak resident memory of each (the lone fits first, since the peak only rises).
     */
    Map<String, Object> restarts(int k, int n) {
        FitTarget t = target.apply(n);
        // each peak is reset first, so it is that fit's own and not the load's (as in --memory); in MB of 10^6 B
        long rss0 = BenchCommand.rss("VmRSS") * 1024;
        boolean reset = resetPeak();
        double lone = msPerStep(t, 1);
        long peakLone = BenchCommand.rss("VmHWM") * 1024;
        resetPeak();
        long rss1 = BenchCommand.rss("VmRSS") * 1024;
        double batch = msPerStep(t, k);
        long peakBatch = BenchCommand.rss("VmHWM") * 1024;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.path().toString());
        o.put("parameters", model.model().parameterCount());
        o.put("tokens", n);
        o.put("restarts", k);
        o.put("threads", EngineRuntime.get().threads());
        o.put("ms_per_step_one_fit", lone);
        o.put("ms_per_step_batch", batch);
        o.put("ms_per_step_sequential", k * lone);
        o.put("throughput_batch_vs_sequential", k * lone / batch);
        o.put("peak_reset_before_each", reset);
        o.put("rss_before_mb", rss0 / 1e6);
        o.put("peak_rss_one_fit_mb", peakLone / 1e6);
        o.put("peak_rss_batch_mb", peakBatch / 1e6);
        o.put("one_fit_added_mb", (peakLone - rss0) / 1e6);
        o.put("batch_added_mb", (peakBatch - rss1) / 1e6);
        int inputs = FitSpec.defaults().arrangement().inputLength(n);
        o.put("hand_count_activations_one_fit_mb", FitMemory.activationBytes(model.config(), 1, inputs) / 1e6);
        o.put("hand_count_activations_batch_mb", FitMemory.activationBytes(model.config(), k, inputs) / 1e6);
        return o;
    }

    /**
     * Peak resident memory while loading and during one fit of N tokens, against the hand count: the weights, what
     * loading holds beside them at most, the fit's activations and its optimised state. All in MB of 10^6 bytes.
     */
    Map<String, Object> memory(int n) {
        long loadPeak = BenchCommand.rss("VmHWM") * 1024;
        // Linux resets the peak on "5" written to clear_refs, so what follows is the fit's own peak
        boolean reset = resetPeak();
        long before = BenchCommand.rss("VmRSS") * 1024;
        double ms = msPerStep(target.apply(n), 1);
        long peak = BenchCommand.rss("VmHWM") * 1024;
        int inputs = FitSpec.defaults().arrangement().inputLength(n);
        long weights = model.model().parameterCount() * 4L;
        long loading = WeightLoader.heldBesideWeights(model.config());
        long acts = FitMemory.activationBytes(model.config(), 1, inputs);
        long state = FitMemory.stateBytes(model.config(), 1);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.path().toString());
        o.put("parameters", model.model().parameterCount());
        o.put("tokens", n);
        o.put("inputs", inputs);
        o.put("ms_per_step", ms);
        o.put("peak_rss_while_loading_mb", loadPeak / 1e6);
        o.put("peak_reset_before_fit", reset);
        o.put("rss_after_load_mb", before / 1e6);
        o.put("peak_rss_during_fit_mb", peak / 1e6);
        o.put("fit_added_mb", (peak - before) / 1e6);
        o.put("hand_count_weights_mb", weights / 1e6);
        o.put("hand_count_loading_beside_weights_mb", loading / 1e6);
        o.put("hand_count_activations_mb", acts / 1e6);
        o.put("hand_count_e_m_gradients_adamw_mb", state / 1e6);
        o.put("loading_peak_vs_weights", (double) loadPeak / weights);
        o.put("fit_added_vs_activations", (double) (peak - before) / acts);
        // issue 17's goal: the whole run's peak, loading included, at most 2x weights + activations
        o.put("peak_vs_hand_count", (double) Math.max(loadPeak, peak) / (weights + acts + state));
        return o;
    }

    private static boolean resetPeak() {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private double msPerStep(FitTarget t, int batch) {
        List<Long> stamps = new ArrayList<>();
        FitSpec spec = FitSpec.defaults().withMaxSteps(warmup + steps).withTargetAccuracy(FitSpec.NEVER_STOP);
        FitResult r = new Fitter(model).fit(FitRequest.seeds(t, spec, batch),
                FitMonitor.none().betweenSteps(() -> stamps.add(System.nanoTime())));
        if (stamps.size() <= warmup + 1) {
            throw new UserError("the fit stopped after " + r.updates() + " steps (" + r.status() + ")");
        }
        double[] per = new double[stamps.size() - 1 - warmup];
        for (int i = warmup; i + 1 < stamps.size(); i++) {
            per[i - warmup] = (stamps.get(i + 1) - stamps.get(i)) / 1e6;
        }
        Arrays.sort(per);
        return per[per.length / 2];
    }
}
