package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.store.AtomicFiles;
import dev.protolens.engine.decode.TextEntropy;
import dev.protolens.engine.fit.FitMonitor;
import dev.protolens.engine.fit.FitRequest;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Fitter;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.tokenizer.Encoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The paper's capacity measurement: fit growing prefixes of each text (the length grid) with",
            "several seeds and report, per length, accuracy, C_tokens, H_LM, steps and time; a text's capacity is the",
            "longest prefix reconstructed (accuracy >= 0.99). Writes PREFIX.csv and PREFIX.json."})
final class SweepCommand implements Callable<Integer> {

    @Option(names = "--texts", required = true, description = "A folder of UTF-8 .txt files, one text each.")
    Path texts;

    @Option(names = "--lengths", split = ",", defaultValue = "4,5,8,11,16,22,32",
            description = "Prefix lengths in tokens. Default ${DEFAULT-VALUE}.")
    int[] lengths;

    @Option(names = "--seeds", defaultValue = "2", description = "Seeds per length (fitted as one batch). Default ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--shared-m", description = "Fit all texts of a length together with one shared m (each its own e).")
    boolean sharedM;

    @Option(names = "--steps", defaultValue = "5000", description = "Maximum updates per fit. Default ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--success-acc", defaultValue = "0.99", description = "Accuracy that counts as reconstructed. Default ${DEFAULT-VALUE}.")
    double successAcc;

    @Option(names = "--stop-after-fails", defaultValue = "1",
            description = "Stop a text after this many lengths in a row without success (0: never). Default ${DEFAULT-VALUE}.")
    int stopAfterFails;

    @Option(names = "--out", defaultValue = "sweep", description = "Output prefix. Default ${DEFAULT-VALUE}.")
    Path out;


    @Mixin
    ModelOptions options;

    @Mixin
    JsonOption output;

    record Row(String text, int length, long seed, double accuracy, int correctTokens, double hLm, int steps,
               boolean reached, long millis, boolean sharedM) {}

    @Override
    public Integer call() throws IOException {
        if (seeds < 1 || lengths.length == 0) {
            throw new UserError("--seeds must be at least 1 and --lengths non-empty");
        }
        List<Path> files;
        if (!Files.isDirectory(texts)) {
            throw new UserError(texts + " is not a folder of .txt files");
        }
        try (Stream<Path> s = Files.list(texts)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new UserError(texts + " contains no .txt files");
        }
        int[] grid = Arrays.stream(lengths).sorted().distinct().toArray();
        List<Row> rows = new ArrayList<>();
        try (LoadedModel m = options.load()) {
            Fitter fitter = new Fitter(m);
            Map<String, Encoding> enc = new LinkedHashMap<>();
            for (Path f : files) {
                enc.put(f.getFileName().toString(), m.tokenizer().encode(TextSource.readFile(f), false));
            }
            FitSpec spec = FitSpec.defaults().withMaxSteps(steps).withSharedM(sharedM);
            if (sharedM) {
                sweepShared(m, fitter, spec, enc, grid, rows);
            } else {
                for (Map.Entry<String, Encoding> t : enc.entrySet()) {
                    int fails = 0;
                    for (int len : grid) {
                        if (len > t.getValue().size() || len > m.config().maxPositions()) {
                            break;
                        }
                        FitTarget target = prefix(m, t.getValue(), len);
                        double hLm = TextEntropy.hLm(m, target.ids());
                        FitResult r = fitter.fit(FitRequest.seeds(target, spec, seeds), FitMonitor.none());
                        boolean any = false;
                        for (FitResult.Item it : r.items()) {
                            Row row = row(t.getKey(), len, it, hLm, r, false);
                            rows.add(row);
                            any |= row.accuracy() >= successAcc;
                            progress(row);
                        }
                        fails = any ? 0 : fails + 1;
                        if (stopAfterFails > 0 && fails >= stopAfterFails) {
                            break;
                        }
                    }
                }
            }
        }
        write(rows, grid);
        return 0;
    }

    private void sweepShared(LoadedModel m, Fitter fitter, FitSpec spec, Map<String, Encoding> enc, int[] grid,
                             List<Row> rows) {
        int fails = 0;
        for (int len : grid) {
            List<String> names = new ArrayList<>();
            List<FitTarget> targets = new ArrayList<>();
            for (Map.Entry<String, Encoding> t : enc.entrySet()) {
                if (len <= t.getValue().size()) {
                    names.add(t.getKey());
                    targets.add(prefix(m, t.getValue(), len));
                }
            }
            if (targets.size() < 1 || len > m.config().maxPositions()) {
                break;
            }
            boolean any = false;
            for (int s = 0; s < seeds; s++) {
                FitResult r = fitter.fit(FitRequest.texts(targets, spec.withSeed(s * 1000L)), FitMonitor.none());
                boolean all = true;
                for (FitResult.Item it : r.items()) {
                    Row row = row(names.get(it.index()), len, it, TextEntropy.hLm(m, it.target().ids()), r, true);
                    rows.add(row);
                    all &= row.accuracy() >= successAcc;
                    progress(row);
                }
                any |= all;
            }
            fails = any ? 0 : fails + 1;
            if (stopAfterFails > 0 && fails >= stopAfterFails) {
                break;
            }
        }
    }

    private static FitTarget prefix(LoadedModel m, Encoding e, int len) {
        long[] ids = Arrays.copyOf(e.ids(), len);
        return new FitTarget(m.tokenizer().decode(ids, false), ids, Arrays.copyOf(e.pieces(), len),
                Arrays.copyOf(e.starts(), len), Arrays.copyOf(e.ends(), len));
    }

    private static Row row(String text, int len, FitResult.Item it, double hLm, FitResult r, boolean shared) {
        return new Row(text, len, it.seed(), it.accuracy(), it.correctTokens(), hLm,
                it.reached() ? it.stepsToReach() : r.updates(), it.reached(), r.millis(), shared);
    }

    private static void progress(Row r) {
        System.err.printf(Locale.ROOT, "%-24s N=%-4d seed %-5d acc %5.1f%%  %5d steps  %6.1f s%n", r.text(), r.length(),
                r.seed(), r.accuracy() * 100, r.steps(), r.millis() / 1000.0);
    }

    private void write(List<Row> rows, int[] grid) throws IOException {
        StringBuilder csv = new StringBuilder("text,length,seed,accuracy,c_tokens,h_lm_nats,steps,reached,millis,shared_m\n");
        for (Row r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%d,%.4f,%d,%s,%d,%s%n", csvField(r.text()), r.length(),
                    r.seed(), r.accuracy(), r.correctTokens(), r.hLm(), r.steps(), r.reached(), r.millis(), r.sharedM()));
        }
        Map<String, Integer> capacity = new LinkedHashMap<>();
        for (Row r : rows) {
            capacity.putIfAbsent(r.text(), 0);
            if (r.accuracy() >= successAcc) {
                capacity.merge(r.text(), r.length(), Math::max);
            }
        }
        List<Map<String, Object>> table = new ArrayList<>();
        for (int len : grid) {
            List<Row> at = rows.stream().filter(r -> r.length() == len).toList();
            if (at.isEmpty()) {
                continue;
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("length", len);
            t.put("fits", at.size());
            t.put("mean_accuracy", at.stream().mapToDouble(Row::accuracy).average().orElse(0));
            t.put("success_rate", at.stream().filter(r -> r.accuracy() >= successAcc).count() / (double) at.size());
            t.put("mean_c_tokens", at.stream().mapToInt(Row::correctTokens).average().orElse(0));
            t.put("mean_h_lm_nats", at.stream().mapToDouble(Row::hLm).average().orElse(0));
            t.put("mean_steps", at.stream().mapToInt(Row::steps).average().orElse(0));
            t.put("mean_seconds", at.stream().mapToLong(Row::millis).average().orElse(0) / 1000.0);
            table.add(t);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", options.requiredModel().toString());
        summary.put("lengths", grid);
        summary.put("seeds", seeds);
        summary.put("shared_m", sharedM);
        summary.put("success_accuracy", successAcc);
        summary.put("capacity", capacity);
        summary.put("table", table);
        summary.put("rows", rows);
        Path csvFile = Path.of(out + ".csv");
        Path jsonFile = Path.of(out + ".json");
        if (csvFile.toAbsolutePath().getParent() != null) {
            Files.createDirectories(csvFile.toAbsolutePath().getParent());
        }
        AtomicFiles.write(csvFile, csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        AtomicFiles.write(jsonFile, Json.MAPPER.writeValueAsBytes(summary));
        if (output.json) {
            Json.print(summary);
        } else {
            System.out.println("length  fits  mean acc  success  C_tokens  H_LM (nats)  steps    seconds");
            for (Map<String, Object> t : table) {
                System.out.printf(Locale.ROOT, "%6d  %4d  %7.1f%%  %6.0f%%  %8.1f  %11.2f  %7.0f  %7.1f%n", t.get("length"),
                        t.get("fits"), (double) t.get("mean_accuracy") * 100, (double) t.get("success_rate") * 100,
                        t.get("mean_c_tokens"), t.get("mean_h_lm_nats"), t.get("mean_steps"), t.get("mean_seconds"));
            }
            System.out.println("capacity (longest prefix reconstructed): " + capacity);
            System.out.println("wrote " + csvFile + " and " + jsonFile);
        }
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
