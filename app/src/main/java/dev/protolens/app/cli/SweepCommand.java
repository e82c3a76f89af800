package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.AtomicFiles;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.work.CapacitySweep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    @Option(names = "--lengths", split = ",", description = "Prefix lengths in tokens. Default: the paper's grid, 4,5,8,11,16,22,32.")
    int[] lengths = CapacitySweep.LENGTHS.clone();

    @Option(names = "--seeds", description = "Seeds per length (fitted as one batch). Default: " + CapacitySweep.SEEDS + ".")
    int seeds = CapacitySweep.SEEDS;

    @Option(names = "--shared-m", description = "Fit all texts of a length together with one shared m (each its own e).")
    boolean sharedM;

    @Option(names = "--steps", description = "Maximum updates per fit. Default: " + FitSpec.MAX_STEPS + ".")
    int steps = FitSpec.MAX_STEPS;

    @Option(names = "--success-acc", description = "Accuracy that counts as reconstructed. Default: " + CapacitySweep.SUCCESS_ACCURACY + ".")
    double successAcc = CapacitySweep.SUCCESS_ACCURACY;

    @Option(names = "--stop-after-fails",
            description = "Stop a text after this many lengths in a row without success (0: never). Default: " + CapacitySweep.STOP_AFTER_FAILS + ".")
    int stopAfterFails = CapacitySweep.STOP_AFTER_FAILS;

    @Option(names = "--out", defaultValue = "sweep", description = "Output prefix. Default ${DEFAULT-VALUE}.")
    Path out;


    @Mixin
    ModelOptions options;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(texts)) {
            throw new UserError(texts + " is not a folder of .txt files");
        }
        List<CapacitySweep.Text> content = new ArrayList<>();
        try (Stream<Path> s = Files.list(texts)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList()) {
                content.add(new CapacitySweep.Text(f.getFileName().toString(), TextSource.readFile(f)));
            }
        }
        if (content.isEmpty()) {
            throw new UserError(texts + " contains no .txt files");
        }
        CapacitySweep.Plan plan = new CapacitySweep.Plan(content, lengths, seeds,
                FitSpec.defaults().withMaxSteps(steps).withSharedM(sharedM), successAcc, stopAfterFails);
        CapacitySweep.Result result;
        try (LoadedModel m = options.load()) {
            result = new CapacitySweep(m, plan).run(List.of(), item -> item.rows().forEach(SweepCommand::progress),
                    () -> false);
        }
        write(result);
        return 0;
    }

    private static void progress(CapacitySweep.Row r) {
        System.err.printf(Locale.ROOT, "%-24s N=%-4d seed %-5d acc %5.1f%%  %5d steps  %6.1f s%n", r.text(), r.length(),
                r.seed(), r.accuracy() * 100, r.steps(), r.millis() / 1000.0);
    }

    private void write(CapacitySweep.Result result) throws IOException {
        StringBuilder csv = new StringBuilder("text,length,seed,accuracy,c_tokens,h_lm_nats,steps,reached,millis,shared_m\n");
        for (CapacitySweep.Row r : result.rows()) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%d,%.4f,%d,%s,%d,%s%n", OutputFormat.csv(r.text()),
                    r.length(), r.seed(), r.accuracy(), r.correctTokens(), r.hLm(), r.steps(), r.reached(), r.millis(),
                    r.sharedM()));
        }
        List<Map<String, Object>> table = new ArrayList<>();
        for (CapacitySweep.LengthStats l : result.table()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("length", l.length());
            t.put("fits", l.fits());
            t.put("mean_accuracy", l.meanAccuracy());
            t.put("success_rate", l.successRate());
            t.put("mean_c_tokens", l.meanCTokens());
            t.put("mean_h_lm_nats", l.meanHLm());
            t.put("mean_steps", l.meanSteps());
            t.put("mean_seconds", l.meanSeconds());
            table.add(t);
        }
        CapacitySweep.Plan plan = result.plan();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", options.requiredModel().toString());
        summary.put("lengths", plan.lengths());
        summary.put("seeds", plan.seeds());
        summary.put("shared_m", plan.sharedM());
        summary.put("success_accuracy", plan.successAccuracy());
        summary.put("capacity", result.capacity());
        summary.put("table", table);
        summary.put("rows", result.rows());
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
            for (CapacitySweep.LengthStats l : result.table()) {
                System.out.printf(Locale.ROOT, "%6d  %4d  %7.1f%%  %6.0f%%  %8.1f  %11.2f  %7.0f  %7.1f%n", l.length(),
                        l.fits(), l.meanAccuracy() * 100, l.successRate() * 100, l.meanCTokens(), l.meanHLm(),
                        l.meanSteps(), l.meanSeconds());
            }
            System.out.println("capacity (longest prefix reconstructed): " + result.capacity());
            System.out.println("wrote " + csvFile + " and " + jsonFile);
        }
    }
}
