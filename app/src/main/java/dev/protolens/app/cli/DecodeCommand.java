package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.weights.SafetensorsFile;
import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "decode", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a text in one forward pass from a pair of proto-tokens: a saved run (--run), or a bare",
            "vectors file (--model with --vectors, F32 tensors e and m like a run's vectors.safetensors)."})
final class DecodeCommand implements Callable<Integer> {
    @Option(names = "--run", description = "A run id in the library, or a run folder.")
    String run;



    @Option(names = "--vectors", description = "A .safetensors file with F32 tensors e and m.")
    Path vectors;

    @Option(names = "--length", description = "How many tokens to write (default: the run's or the target's length).")
    Integer length;

    @Option(names = "--target-text", description = "Compare with this text: loss, accuracy and per-position probability.")
    String targetText;

    @Option(names = "--arrangement", description = "Input layout (default: the run's, else e-m).")
    String arrangement;

    @Option(names = "--top-k", defaultValue = "0", description = "Also list the k most probable tokens per position.")
    int topK;

    private String warning;


    @Mixin
    ModelLibraryJson common;

    @Override
    public Integer call() {
        if ((run == null) == (vectors == null)) {
            throw new UserError("Give either --run RUN, or --model MODEL with --vectors FILE.");
        }
        ProtoTokens v;
        Path modelPath;
        long[] target = null;
        Arrangement arr = arrangement != null ? Arrangement.parse(arrangement) : Arrangement.E_M;
        Run r = null;
        if (run != null) {
            Path asFolder = Path.of(run);
            r = Files.isRegularFile(asFolder.resolve(RunLibrary.RUN_JSON)) ? RunLibrary.loadFolder(asFolder)
                    : common.library.library().load(run);
            v = r.vectors();
            modelPath = common.model.pathFor(r.record());
            if (arrangement == null) {
                arr = Arrangement.parse(r.record().settings().arrangement());
            }
            if (targetText == null) {
                target = r.record().tokenIds();
            }
        } else {
            if (common.model.model == null) {
                throw new UserError("--vectors needs --model: the vectors only mean something to the model they were fitted with");
            }
            modelPath = common.model.model;
            v = readVectors(vectors);
        }
        if (topK < 0) {
            throw new UserError("--top-k must be 0 (no alternatives) or a positive number of tokens; got " + topK + ".");
        }
        int nonFinite = v.nonFiniteCount();
        if (nonFinite > 0) {
            // a checksum only proves the file is what was saved; it says nothing of what was saved
            warning = "the vectors hold " + nonFinite + " NaN or infinite values (of " + 2 * v.dim() + "), so the"
                    + " text below means nothing: the fit that made them diverged, or the file was edited";
            System.err.println("warning: " + warning);
        }
        try (LoadedModel m = common.model.load(modelPath)) {
            if (r != null) {
                RunLibrary.requireModel(r.record(), m);
            }
            if (targetText != null) {
                target = m.tokenizer().encode(TextSource.argument("--target-text", targetText), false).ids();
                if (target.length == 0) {
                    throw new UserError("--target-text has no tokens");
                }
            }
            int n = length != null ? length : target != null ? target.length : -1;
            if (n < 1) {
                throw new UserError("Say how many tokens to write with --length N (or give --target-text).");
            }
            if (target != null && target.length != n) {
                throw new UserError("--length " + n + " differs from the target's " + target.length + " tokens");
            }
            Decoded d = new OneStepDecoder(m).decode(v, n, arr, target, topK);
            print(d, target, r);
        }
        return 0;
    }

    static ProtoTokens readVectors(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + " does not exist");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] e = vector(f, "e");
            float[] m = vector(f, "m");
            if (e.length != m.length) {
                throw new UserError(file + ": e has " + e.length + " values but m has " + m.length);
            }
            return new ProtoTokens(e, m);
        }
    }

    private static float[] vector(SafetensorsFile f, String name) {
        TensorInfo t = f.find(name).orElseThrow(() -> new UserError(f.path() + " has no tensor '" + name
                + "' (a vectors file holds F32 tensors e and m)"));
        if (t.type() != TensorType.F32 || t.rank() != 1) {
            throw new UserError(f.path() + ": tensor '" + name + "' is " + t.type() + t.shapeString()
                    + "; expected F32 [d]");
        }
        return f.floats(name);
    }

    private void print(Decoded d, long[] target, Run r) {
        if (common.output.json) {
            Map<String, Object> o = new LinkedHashMap<>();
            if (r != null) {
                o.put("run_id", r.id());
            }
            o.put("tokens", d.length());
            o.put("warning", warning);
            o.put("ids", d.ids());
            o.put("pieces", d.pieces());
            o.put("text", d.text());
            if (target != null) {
                o.put("target_ids", target);
                o.put("target_prob", d.targetProb());
                o.put("correct", d.correct());
                o.put("loss", d.loss());
                o.put("accuracy", d.accuracy());
                o.put("correct_tokens", d.correctCount());
            }
            if (topK > 0) {
                List<List<Map<String, Object>>> alts = new ArrayList<>();
                for (Decoded.Alternative[] pos : d.alternatives()) {
                    List<Map<String, Object>> l = new ArrayList<>();
                    for (Decoded.Alternative a : pos) {
                        l.add(Map.of("id", a.id(), "piece", a.piece(), "prob", a.prob()));
                    }
                    alts.add(l);
                }
                o.put("top_k", alts);
            }
            Json.print(o);
            return;
        }
        System.out.println(d.text());
        System.out.println();
        for (int i = 0; i < d.length(); i++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%4d  %6d  %-16s", i, d.ids()[i],
                    "'" + d.pieces()[i] + "'"));
            if (target != null) {
                line.append(String.format(Locale.ROOT, "  p(target)=%.4f  %s", d.targetProb()[i],
                        d.correct()[i] ? "ok" : "WRONG"));
            }
            for (Decoded.Alternative a : d.alternatives()[i]) {
                line.append(String.format(Locale.ROOT, "  %s:%.3f", a.piece(), a.prob()));
            }
            System.out.println(line);
        }
        if (target != null) {
            System.out.printf(Locale.ROOT, "%nloss %.4f nats, accuracy %.1f%% (%d/%d tokens)%n", d.loss(),
                    d.accuracy() * 100, d.correctCount(), d.length());
        }
    }
}
