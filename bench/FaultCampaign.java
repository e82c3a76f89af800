import dev.protolens.app.cli.ProtoLensCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fault campaign of issue 18: several hundred generated faults (broken configs, weights, tokenizers, GGUF
 * files, texts, run libraries, command-line arguments, signals) against the real command line, each classified
 * as clean or a defect.
 *
 * <p>Clean: the command ends (no hang), and either succeeds where the input is legitimate, or exits non-zero
 * with an "error:" line that is a sentence (no Java stack trace, no exception class or Jackson internals in
 * it); and no file of a run library that existed before the command is changed or gone afterwards, unless
 * the command is one that legitimately rewrites it. Everything but the signal cases runs in this one JVM
 * through {@link ProtoLensCommand#run}, as {@code java -jar protolens.jar} would; the signal cases start the
 * jar as child processes and send them INT, TERM, HUP or KILL.
 *
 * <p>Run it with {@code bench/fault-campaign.sh}; arguments: MODEL_DIR GGUF_FILE WORK_DIR JAR.
 */
public class FaultCampaign {
    enum Expect { REFUSE, EITHER, SUCCEED }

    record Case(String group, String name, Expect expect, Path library, String[] args, boolean child) {
        Case(String group, String name, Expect expect, Path library, String[] args) {
            this(group, name, expect, library, args, false);
        }
    }

    record Outcome(Case c, int exit, String verdict, String why, String message, long millis) {}

    static final Pattern INTERNALS = Pattern.compile("(\\tat |Exception|\\b(java|javax|jdk|sun|ai\\.djl|tools\\.jackson"
            + "|picocli)\\.[a-z]|\\[Source:|NullPointer|out of bounds for length)");

    static Path model;
    static Path gguf;
    static Path work;
    static Path jar;
    static final List<Case> cases = new ArrayList<>();
    static int counter;

    public static void main(String[] a) throws Exception {
        model = Path.of(a[0]).toAbsolutePath();
        gguf = Path.of(a[1]).toAbsolutePath();
        work = Path.of(a[2]).toAbsolutePath();
        jar = Path.of(a[3]).toAbsolutePath();
        String only = a.length > 4 ? a[4] : null;
        Files.createDirectories(work);
        configCases();
        configTextCases();
        weightCases();
        tokenizerCases();
        ggufCases();
        pathCases();
        textCases();
        argumentCases();
        libraryCases();
        List<Outcome> out = new ArrayList<>();
        PrintStream console = System.out;
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "case");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        for (Case c : cases) {
            if (only != null && !c.group.equals(only)) {
                continue;
            }
            Outcome o = c.child ? runChild(c) : runInProcess(pool, c);
            out.add(o);
            console.printf(Locale.ROOT, "%-7s %-10s %-44s exit %2d  %s%n", o.verdict, c.group, trim(c.name, 44),
                    o.exit, trim(o.why.isEmpty() ? o.message : o.why + ": " + o.message, 150));
        }
        if (only == null || only.equals("signals")) {
            out.addAll(signalCases(console));
        }
        console.println();
        Map<String, int[]> byGroup = new TreeMap<>();
        int clean = 0;
        for (Outcome o : out) {
            int[] g = byGroup.computeIfAbsent(o.c.group, k -> new int[2]);
            g[0]++;
            if (o.verdict.equals("clean")) {
                g[1]++;
                clean++;
            }
        }
        byGroup.forEach((g, n) -> console.printf(Locale.ROOT, "%-10s tried %3d  clean %3d  defects %3d%n", g, n[0],
                n[1], n[0] - n[1]));
        console.printf(Locale.ROOT, "%nfault campaign: tried %d, clean %d, defects %d (%.0f s)%n", out.size(), clean,
                out.size() - clean, (System.nanoTime() - t0) / 1e9);
        StringBuilder tsv = new StringBuilder("group\tcase\texit\tverdict\twhy\tms\tmessage\n");
        for (Outcome o : out) {
            tsv.append(String.join("\t", o.c.group, o.c.name, Integer.toString(o.exit), o.verdict, o.why,
                    Long.toString(o.millis), o.message.replace('\t', ' '))).append('\n');
        }
        Files.writeString(work.resolve("results.tsv"), tsv);
        console.println("details: " + work.resolve("results.tsv"));
        console.flush();
        System.exit(0); // cases that hung leave threads behind
    }

    // ---------------------------------------------------------------- running and classifying

    static Outcome runInProcess(ExecutorService pool, Case c) throws Exception {
        Map<String, String> before = c.library == null ? null : snapshot(c.library);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        int exit;
        String hang = null;
        try {
            Future<Integer> f = pool.submit(() -> ProtoLensCommand.run(c.args));
            try {
                exit = f.get(90, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                exit = -1;
                hang = "no end within 90 s";
            } catch (java.util.concurrent.ExecutionException e) {
                exit = -2;
                e.getCause().printStackTrace(new PrintStream(err, true, StandardCharsets.UTF_8));
            }
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String e = err.toString(StandardCharsets.UTF_8);
        String o = out.toString(StandardCharsets.UTF_8);
        String lost = before == null ? null : lost(before, snapshot(c.library));
        return classify(c, exit, o, e, hang, lost, ms);
    }

    /**
     * A case in a JVM of its own: options that decide how the engine starts (--device, --dtype, --threads) take
     * effect once per process, so in this shared JVM they would meet an engine already started.
     */
    static Outcome runChild(Case c) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString()));
        cmd.addAll(List.of(c.args));
        Path out = work.resolve("child-out.txt");
        Path err = work.resolve("child-err.txt");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        String hang = null;
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            hang = "no end within 90 s";
        }
        return classify(c, hang != null ? -1 : p.exitValue(), Files.readString(out), Files.readString(err), hang,
                null, (System.nanoTime() - t0) / 1_000_000);
    }

    static Outcome classify(Case c, int exit, String out, String err, String hang, String lost, long ms) {
        String message = err.lines().filter(l -> l.startsWith("error:")).findFirst().orElse("");
        if (message.isEmpty() && exit != 0) {
            message = err.lines().filter(l -> !l.isBlank() && !l.startsWith("loading ") && !l.startsWith("fitting ")
                    && !l.startsWith("step ")).findFirst().orElse("");
        }
        String why;
        if (hang != null) {
            why = hang;
        } else if (exit == -2 || err.contains("\tat ") || err.contains("Exception in thread")) {
            why = "stack trace";
        } else if (lost != null) {
            why = "lost " + lost;
        } else if (exit == 1 && !message.startsWith("error:")) {
            why = "crash without a message";
        } else if (exit != 0 && message.isBlank()) {
            why = "no message";
        } else if (exit != 0 && INTERNALS.matcher(message).find()) {
            why = "internals in the message";
        } else if (exit != 0 && message.length() < 25) {
            why = "message too short to act on";
        } else if (c.expect == Expect.REFUSE && exit == 0) {
            why = "accepted";
        } else if (c.expect == Expect.SUCCEED && exit != 0) {
            why = "refused a legitimate input";
        } else if (exit == 0 && (out.contains("\"loss\" : \"NaN\"") || out.contains("loss NaN"))
                && !err.contains("warning:")) {
            why = "succeeded with a NaN loss and no warning";
        } else if (exit == 1) {
            why = "exit 1 (a crash) for a user's input";
        } else {
            why = "";
        }
        return new Outcome(c, exit, why.isEmpty() ? "clean" : "DEFECT", why, message.replace('\n', ' '), ms);
    }

    /** Every file under a library (locks and leases aside) with its hash. */
    static Map<String, String> snapshot(Path lib) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (!Files.isDirectory(lib)) {
            return m;
        }
        try (Stream<Path> s = Files.walk(lib)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = lib.relativize(p).toString();
                // locks, leases and temp files come and go; .incoming-/.deleting- folders are interrupted writes
                // that the library's recovery resolves (KilledSaveTest checks that it loses nothing)
                if (rel.startsWith(".lock") || rel.startsWith(".leases") || rel.contains(".tmp")
                        || rel.startsWith(".incoming-") || rel.startsWith(".deleting-")) {
                    continue;
                }
                m.put(rel, sha(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    static String lost(Map<String, String> before, Map<String, String> after) {
        for (var e : before.entrySet()) {
            String now = after.get(e.getKey());
            if (now == null) {
                return e.getKey() + " (gone)";
            }
            if (!now.equals(e.getValue())) {
                return e.getKey() + " (changed)";
            }
        }
        return null;
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String trim(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    static void add(String group, String name, Expect e, Path library, String... args) {
        cases.add(new Case(group, name, e, library, args));
    }

    /** A copy of the model folder with links to its files, {@code replace}d ones written fresh. */
    static Path modelWith(Map<String, byte[]> replace) throws IOException {
        Path d = work.resolve("m" + (counter++));
        Files.createDirectories(d);
        try (Stream<Path> s = Files.list(model)) {
            for (Path f : s.toList()) {
                String n = f.getFileName().toString();
                if (!replace.containsKey(n)) {
                    Files.createSymbolicLink(d.resolve(n), f);
                }
            }
        }
        for (var e : replace.entrySet()) {
            if (e.getValue() != null) {
                Files.write(d.resolve(e.getKey()), e.getValue());
            }
        }
        return d;
    }

    static String modelArgFor(Path d) {
        return d.toString();
    }

    /** inspect, and when that loads, a two-step fit: what a user does next with a model. */
    static void loadAndFit(String group, String name, Expect e, Path m) {
        add(group, name + " · inspect", e, null, "inspect", "--model", m.toString());
        add(group, name + " · fit", e, null, "fit", "--model", m.toString(), "--text", "The cat sat on the mat.",
                "--steps", "2", "--no-save", "--json", "--quiet");
    }

    // ---------------------------------------------------------------- the cases

    static void configCases() throws IOException {
        String base = Files.readString(model.resolve("config.json"));
        String[] fields = {"hidden_size", "intermediate_size", "num_attention_heads", "num_hidden_layers",
            "num_key_value_heads", "vocab_size", "max_position_embeddings", "rms_norm_eps", "rope_theta", "head_dim"};
        String[] values = {"0", "-1", "1e9", "2147483647", "2147483648", "1.5", "\"x\"", "null", "true", "[]", "{}",
            "1e308", "-1e-9", "NaN"};
        for (String f : fields) {
            for (String v : values) {
                String cfg = base.replaceFirst("\"" + f + "\"\\s*:\\s*[^,}\\n]+", "\"" + f + "\": " + v);
                Path m = modelWith(Map.of("config.json", cfg.getBytes(StandardCharsets.UTF_8)));
                add("config", f + "=" + v, Expect.EITHER, null, "inspect", "--model", m.toString());
            }
        }
        for (String t : new String[] {"\"bert\"", "\"\"", "5", "\"LLAMA\"", "\"gpt2\"", "\"gpt_neox\"", "null"}) {
            Path m = modelWith(Map.of("config.json", base.replaceFirst("\"model_type\"\\s*:\\s*\"llama\"",
                    "\"model_type\": " + t).getBytes(StandardCharsets.UTF_8)));
            add("config", "model_type=" + t, Expect.EITHER, null, "inspect", "--model", m.toString());
        }
        // values that load but can only be met at run time: a fit must say what is wrong
        for (String[] fv : new String[][] {{"rms_norm_eps", "1e-30"}, {"rope_theta", "1e30"},
            {"max_position_embeddings", "4"}, {"bos_token_id", "100000"}, {"eos_token_id", "-5"}}) {
            String cfg = base.replaceFirst("\"" + fv[0] + "\"\\s*:\\s*[^,}\\n]+", "\"" + fv[0] + "\": " + fv[1]);
            loadAndFit("config", fv[0] + "=" + fv[1], Expect.EITHER, modelWith(Map.of("config.json",
                    cfg.getBytes(StandardCharsets.UTF_8))));
        }
    }

    static void configTextCases() throws IOException {
        byte[] base = Files.readAllBytes(model.resolve("config.json"));
        for (int cut : new int[] {0, 1, 10, 50, 100, base.length / 2, base.length - 2}) {
            Path m = modelWith(Map.of("config.json", java.util.Arrays.copyOf(base, cut)));
            add("config", "truncated at " + cut + " bytes", Expect.REFUSE, null, "inspect", "--model", m.toString());
        }
        Random r = new Random(18);
        for (int i = 0; i < 4; i++) {
            byte[] junk = new byte[500 + 500 * i];
            r.nextBytes(junk);
            add("config", "random bytes #" + i, Expect.REFUSE, null, "inspect", "--model",
                    modelWith(Map.of("config.json", junk)).toString());
        }
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("a JSON array", "[1, 2, 3]");
        texts.put("a JSON string", "\"llama\"");
        texts.put("nested 100000 deep", "[".repeat(100_000));
        texts.put("trailing garbage", new String(base, StandardCharsets.UTF_8) + "}}}");
        texts.put("NaN literal", new String(base, StandardCharsets.UTF_8).replace("1e-05", "NaN"));
        texts.put("a BOM first", "\uFEFF" + new String(base, StandardCharsets.UTF_8));
        texts.put("UTF-16", "");
        for (var e : texts.entrySet()) {
            byte[] b = e.getKey().equals("UTF-16") ? new String(base, StandardCharsets.UTF_8)
                    .getBytes(StandardCharsets.UTF_16) : e.getValue().getBytes(StandardCharsets.UTF_8);
            add("config", e.getKey(), Expect.EITHER, null, "inspect", "--model",
                    modelWith(Map.of("config.json", b)).toString());
        }
        Path dirAsConfig = modelWith(Map.of("config.json", new byte[0]));
        Files.delete(dirAsConfig.resolve("config.json"));
        Files.createDirectory(dirAsConfig.resolve("config.json"));
        add("config", "config.json is a folder", Expect.REFUSE, null, "inspect", "--model", dirAsConfig.toString());
        Path noConfig = modelWith(Map.of("config.json", new byte[0]));
        Files.delete(noConfig.resolve("config.json"));
        add("config", "no config.json", Expect.REFUSE, null, "inspect", "--model", noConfig.toString());
    }

    static byte[] weights() throws IOException {
        return Files.readAllBytes(model.resolve("model.safetensors"));
    }

    /** The safetensors file with its header rewritten by {@code edit} (data unchanged). */
    static byte[] withHeader(java.util.function.UnaryOperator<String> edit) throws IOException {
        byte[] b = weights();
        int n = (int) ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String h = new String(b, 8, n, StandardCharsets.UTF_8);
        byte[] nh = edit.apply(h).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + nh.length + b.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(nh.length).put(nh).put(b, 8 + n, b.length - 8 - n);
        return out.array();
    }

    static void weightCases() throws IOException {
        byte[] w = weights();
        int n = (int) ByteBuffer.wrap(w, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (int cut : new int[] {0, 4, 8, 100, 8 + n, 8 + n + 1000, w.length / 2, w.length - 1}) {
            add("weights", "truncated at " + cut, Expect.REFUSE, null, "inspect", "--model",
                    modelWith(Map.of("model.safetensors", java.util.Arrays.copyOf(w, cut))).toString());
        }
        for (long len : new long[] {-1, 0, 1L << 40, w.length, 7}) {
            byte[] b = w.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
            add("weights", "header length " + len, Expect.REFUSE, null, "inspect", "--model",
                    modelWith(Map.of("model.safetensors", b)).toString());
        }
        String emb = "model.embed_tokens.weight";
        String[][] edits = {
            {"dtype I32", "\"dtype\":\"F32\",\"shape\":[512,64]", "\"dtype\":\"I32\",\"shape\":[512,64]"},
            {"dtype U8", "\"dtype\":\"F32\",\"shape\":[512,64]", "\"dtype\":\"U8\",\"shape\":[512,64]"},
            {"dtype BOOL", "\"dtype\":\"F32\",\"shape\":[512,64]", "\"dtype\":\"BOOL\",\"shape\":[512,64]"},
            {"dtype F16 (size mismatch)", "\"dtype\":\"F32\",\"shape\":[512,64]", "\"dtype\":\"F16\",\"shape\":[512,64]"},
            {"dtype F8_E4M3", "\"dtype\":\"F32\",\"shape\":[512,64]", "\"dtype\":\"F8_E4M3\",\"shape\":[512,64]"},
            {"dtype XYZ", "\"dtype\":\"F32\",\"shape\":[512,64]", "\"dtype\":\"XYZ\",\"shape\":[512,64]"},
            {"shape [2^31,2^31]", "\"shape\":[512,64]", "\"shape\":[2147483648,2147483648]"},
            {"shape [-1,64]", "\"shape\":[512,64]", "\"shape\":[-1,64]"},
            {"shape [64,512]", "\"shape\":[512,64]", "\"shape\":[64,512]"},
            {"shape [512,64,1]", "\"shape\":[512,64]", "\"shape\":[512,64,1]"},
            {"shape []", "\"shape\":[512,64]", "\"shape\":[]"},
            {"shape [1e3,64]", "\"shape\":[512,64]", "\"shape\":[1e3,64]"},
            {"offsets reversed", "\"data_offsets\":[0,131072]", "\"data_offsets\":[131072,0]"},
            {"offsets past the end", "\"data_offsets\":[0,131072]", "\"data_offsets\":[0,99999999999]"},
            {"offsets overlap", "\"data_offsets\":[131072,131328]", "\"data_offsets\":[0,256]"},
            {"offsets negative", "\"data_offsets\":[0,131072]", "\"data_offsets\":[-8,131064]"},
            {"tensor renamed", "\"" + emb + "\"", "\"model.embed_tokenz.weight\""},
            {"metadata not strings", "{\"format\":\"pt\"}", "{\"format\":7}"},
            {"header not an object", "", ""},
        };
        for (String[] e : edits) {
            byte[] b = e[0].equals("header not an object") ? withHeader(h -> "[" + " ".repeat(Math.max(0, h.length() - 2))
                    + "]") : withHeader(h -> h.replace(" ", "").replaceFirst(Pattern.quote(e[1]),
                    java.util.regex.Matcher.quoteReplacement(e[2])));
            add("weights", e[0], Expect.REFUSE, null, "inspect", "--model",
                    modelWith(Map.of("model.safetensors", b)).toString());
        }
        // values in the data: NaN, infinities, absurd and denormal magnitudes, at the start of tensors
        float[] values = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e38f, -3e38f, 1e20f, 1e9f,
            1e-40f};
        int[] offsets = {8 + n, 8 + n + 131072, w.length - 4};
        for (float v : values) {
            for (int off : offsets) {
                byte[] b = w.clone();
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(off, v);
                Expect e = Float.isFinite(v) && Math.abs(v) < 1e8 ? Expect.EITHER : Expect.REFUSE;
                add("weights", "value " + v + " at byte " + off, e, null, "inspect", "--model",
                        modelWith(Map.of("model.safetensors", b)).toString());
            }
        }
        Random r = new Random(1818);
        for (int i = 0; i < 20; i++) {
            byte[] b = w.clone();
            int pos = 8 + n + r.nextInt(w.length - 8 - n);
            b[pos] ^= (byte) (1 << r.nextInt(8));
            loadAndFitOne("weights", "bit flip in the data at " + pos, modelWith(Map.of("model.safetensors", b)));
        }
        for (int i = 0; i < 10; i++) {
            byte[] b = w.clone();
            int pos = 8 + r.nextInt(n);
            b[pos] = (byte) r.nextInt(256);
            add("weights", "byte changed in the header at " + pos, Expect.EITHER, null, "inspect", "--model",
                    modelWith(Map.of("model.safetensors", b)).toString());
        }
        Path none = modelWith(Map.of("model.safetensors", new byte[0]));
        Files.delete(none.resolve("model.safetensors"));
        add("weights", "no weights file", Expect.REFUSE, null, "inspect", "--model", none.toString());
        Path dir = modelWith(Map.of("model.safetensors", new byte[0]));
        Files.delete(dir.resolve("model.safetensors"));
        Files.createDirectory(dir.resolve("model.safetensors"));
        add("weights", "model.safetensors is a folder", Expect.REFUSE, null, "inspect", "--model", dir.toString());
        Path dev = modelWith(Map.of("model.safetensors", new byte[0]));
        Files.delete(dev.resolve("model.safetensors"));
        Files.createSymbolicLink(dev.resolve("model.safetensors"), Path.of("/dev/zero"));
        add("weights", "model.safetensors is /dev/zero", Expect.REFUSE, null, "inspect", "--model", dev.toString());
        Path index = modelWith(Map.of("model.safetensors.index.json", "{\"weight_map\": {\"x\": \"nowhere.safetensors\"}}"
                .getBytes(StandardCharsets.UTF_8)));
        Files.delete(index.resolve("model.safetensors"));
        add("weights", "an index naming a missing shard", Expect.REFUSE, null, "inspect", "--model", index.toString());
    }

    static void loadAndFitOne(String group, String name, Path m) {
        add(group, name, Expect.EITHER, null, "fit", "--model", m.toString(), "--text", "The cat sat on the mat.",
                "--steps", "2", "--no-save", "--json", "--quiet");
    }

    static void tokenizerCases() throws IOException {
        byte[] t = Files.readAllBytes(model.resolve("tokenizer.json"));
        String ts = new String(t, StandardCharsets.UTF_8);
        Random r = new Random(181818);
        for (int i = 0; i < 3; i++) {
            byte[] junk = new byte[1000 * (i + 1)];
            r.nextBytes(junk);
            add("tokenizer", "random bytes #" + i, Expect.REFUSE, null, "inspect", "--model",
                    modelWith(Map.of("tokenizer.json", junk)).toString());
        }
        for (int cut : new int[] {0, 1, 100, t.length / 2, t.length - 1}) {
            add("tokenizer", "truncated at " + cut, Expect.REFUSE, null, "inspect", "--model",
                    modelWith(Map.of("tokenizer.json", java.util.Arrays.copyOf(t, cut))).toString());
        }
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("{}", "{}");
        texts.put("[]", "[]");
        texts.put("model type XYZ", ts.replaceFirst("\"type\"\\s*:\\s*\"BPE\"", "\"type\": \"XYZ\""));
        texts.put("vocab emptied", ts.replaceFirst("\"vocab\"\\s*:\\s*\\{", "\"vocab\": {\"a\": 0}, \"old\": {"));
        texts.put("a BOM first", "\uFEFF" + ts);
        for (var e : texts.entrySet()) {
            add("tokenizer", e.getKey(), Expect.EITHER, null, "inspect", "--model",
                    modelWith(Map.of("tokenizer.json", e.getValue().getBytes(StandardCharsets.UTF_8))).toString());
        }
        Path none = modelWith(Map.of("tokenizer.json", new byte[0]));
        Files.delete(none.resolve("tokenizer.json"));
        add("tokenizer", "no tokenizer.json", Expect.REFUSE, null, "inspect", "--model", none.toString());
        // a larger tokenizer than the model (vocab 32000 of TinyLlama against 512)
        Path tiny = model.resolveSibling("tinyllama-v0").resolve("tokenizer.json");
        if (Files.exists(tiny)) {
            add("tokenizer", "another model's tokenizer", Expect.REFUSE, null, "inspect", "--model",
                    modelWith(Map.of("tokenizer.json", Files.readAllBytes(tiny))).toString());
        }
    }

    static void ggufCases() throws IOException {
        byte[] g = Files.readAllBytes(gguf);
        Path dir = work.resolve("gguf");
        Files.createDirectories(dir);
        int i = 0;
        for (int cut : new int[] {0, 3, 4, 8, 16, 24, 100, 1000, 5000, g.length / 4, g.length / 2, g.length - 1}) {
            Path p = dir.resolve("cut" + (i++) + ".gguf");
            Files.write(p, java.util.Arrays.copyOf(g, cut));
            add("gguf", "truncated at " + cut, Expect.REFUSE, null, "inspect", "--model", p.toString());
        }
        int[][] patches = {{0, 'X'}, {4, 0}, {4, 99}, {8, 0xff}, {15, 0x7f}, {16, 0xff}, {23, 0x7f}};
        String[] names = {"magic", "version 0", "version 99", "tensor count huge (low byte)", "tensor count 2^63",
            "kv count huge", "kv count 2^63"};
        for (int k = 0; k < patches.length; k++) {
            byte[] b = g.clone();
            b[patches[k][0]] = (byte) patches[k][1];
            Path p = dir.resolve("patch" + k + ".gguf");
            Files.write(p, b);
            add("gguf", names[k], Expect.REFUSE, null, "inspect", "--model", p.toString());
        }
        Random r = new Random(1800);
        for (int k = 0; k < 25; k++) {
            byte[] b = g.clone();
            int pos = 24 + r.nextInt(Math.min(g.length - 24, 20_000));
            b[pos] = (byte) r.nextInt(256);
            Path p = dir.resolve("flip" + k + ".gguf");
            Files.write(p, b);
            add("gguf", "byte changed at " + pos, Expect.EITHER, null, "inspect", "--model", p.toString());
        }
        // metadata values: found by their key and rewritten in place (u32 or f32 follows the key and its type)
        String[][] meta = {{"llama.embedding_length", "u32", "1000000000"}, {"llama.block_count", "u32", "0"},
            {"llama.block_count", "u32", "1000000000"}, {"llama.attention.head_count", "u32", "0"},
            {"llama.attention.head_count", "u32", "7"}, {"llama.context_length", "u32", "0"},
            {"llama.feed_forward_length", "u32", "4294967295"},
            {"llama.attention.layer_norm_rms_epsilon", "f32", "-1"},
            {"llama.attention.layer_norm_rms_epsilon", "f32", "NaN"}, {"llama.rope.freq_base", "f32", "0"},
            {"llama.rope.dimension_count", "u32", "3"}, {"llama.attention.head_count_kv", "u32", "3"}};
        for (String[] m : meta) {
            byte[] key = m[0].getBytes(StandardCharsets.UTF_8);
            int at = indexOf(g, key);
            if (at < 0) {
                continue;
            }
            byte[] b = g.clone();
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            int valueAt = at + key.length + 4; // after the key, the u32 value type
            if (m[1].equals("u32")) {
                bb.putInt(valueAt, (int) Long.parseLong(m[2]));
            } else {
                bb.putFloat(valueAt, Float.parseFloat(m[2]));
            }
            Path p = dir.resolve("meta" + (i++) + ".gguf");
            Files.write(p, b);
            add("gguf", m[0] + "=" + m[2], Expect.REFUSE, null, "inspect", "--model", p.toString());
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static void pathCases() throws Exception {
        Path d = work.resolve("paths");
        Files.createDirectories(d);
        Path fifo = d.resolve("pipe.gguf");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        Path zero = d.resolve("zero.gguf");
        Files.createSymbolicLink(zero, Path.of("/dev/zero"));
        Path empty = d.resolve("empty.gguf");
        Files.write(empty, new byte[0]);
        Path txt = d.resolve("model.txt");
        Files.writeString(txt, "hello");
        Path emptyDir = d.resolve("emptydir");
        Files.createDirectories(emptyDir);
        Path loop = d.resolve("loop");
        Files.createSymbolicLink(loop, loop);
        String[][] models = {{"a FIFO named .gguf", fifo.toString()}, {"/dev/zero named .gguf", zero.toString()},
            {"an empty .gguf", empty.toString()}, {"a text file", txt.toString()}, {"an empty folder", emptyDir.toString()},
            {"a symlink loop", loop.toString()}, {"an empty --model", ""}, {"a blank --model", "   "},
            {"a missing path", d.resolve("nothing").toString()}, {"/", "/"}, {"/proc/self", "/proc/self"},
            {"a NUL-free odd name", d.resolve("a\nb").toString()}, {"a very long name", "x".repeat(5000)}};
        for (String[] m : models) {
            add("paths", m[0], Expect.REFUSE, null, "inspect", "--model", m[1]);
        }
    }

    static void textCases() throws Exception {
        String m = model.toString();
        Path d = work.resolve("texts");
        Files.createDirectories(d);
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("empty", "");
        texts.put("blank", "   "); // spaces are tokens: fitting them is legitimate
        texts.put("one letter", "a");
        texts.put("an emoji", "\uD83D\uDE00 The cat");
        texts.put("a BOM first", "\uFEFFThe cat");
        texts.put("a lone surrogate", "The \uD800 cat");
        texts.put("U+FFFD", "The \uFFFD cat");
        texts.put("a NUL", "The \u0000 cat");
        texts.put("control characters", "\u0001\u0002\u001b[31m red");
        texts.put("right-to-left", "\u05E9\u05DC\u05D5\u05DD");
        texts.put("combining marks", "e\u0301\u0301\u0301");
        texts.put("2000 words", "the cat ".repeat(1000));
        texts.put("600 tokens", "a b ".repeat(300));
        texts.put("newlines only", "\n\n\n");
        Expect[] expect = {Expect.REFUSE, Expect.EITHER, Expect.SUCCEED, Expect.SUCCEED, Expect.SUCCEED, Expect.EITHER,
            Expect.EITHER, Expect.EITHER, Expect.EITHER, Expect.EITHER, Expect.EITHER, Expect.REFUSE, Expect.REFUSE,
            Expect.EITHER};
        int k = 0;
        for (var e : texts.entrySet()) {
            add("texts", "--text " + e.getKey(), expect[k++], null, "fit", "--model", m, "--text", e.getValue(), "--steps",
                    "1", "--no-save", "--json", "--quiet");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("latin-1", "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
        files.put("UTF-16", "The cat".getBytes(StandardCharsets.UTF_16));
        files.put("empty file", new byte[0]);
        files.put("only a newline", "\n".getBytes(StandardCharsets.UTF_8));
        files.put("BOM and CRLF", "\uFEFFThe cat\r\n".getBytes(StandardCharsets.UTF_8));
        files.put("binary", new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 7});
        files.put("2.4 MB", "The cat sat on the mat. ".repeat(100_000).getBytes(StandardCharsets.UTF_8));
        files.put("20 MB", new byte[20_000_000]);
        for (var e : files.entrySet()) {
            Path f = d.resolve("t" + (counter++) + ".txt");
            Files.write(f, e.getValue());
            Expect x = e.getKey().equals("BOM and CRLF") ? Expect.SUCCEED : Expect.EITHER;
            if (e.getKey().contains("MB") || e.getKey().startsWith("empty") || e.getKey().startsWith("binary")
                    || e.getKey().equals("latin-1") || e.getKey().equals("UTF-16")) {
                x = Expect.REFUSE;
            }
            add("texts", "--text-file " + e.getKey(), x, null, "fit", "--model", m, "--text-file", f.toString(),
                    "--steps", "1", "--no-save", "--json", "--quiet");
        }
        Path fifo = d.resolve("pipe.txt");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        String[][] special = {{"a FIFO", fifo.toString()}, {"/dev/zero", "/dev/zero"}, {"/dev/null", "/dev/null"},
            {"a folder", d.toString()}, {"a missing file", d.resolve("none.txt").toString()}, {"/proc/self/mem",
            "/proc/self/mem"}};
        for (String[] s : special) {
            add("texts", "--text-file " + s[0], Expect.REFUSE, null, "fit", "--model", m, "--text-file", s[1],
                    "--steps", "1", "--no-save", "--json", "--quiet");
        }
        add("texts", "--text and --text-file", Expect.REFUSE, null, "fit", "--model", m, "--text", "a",
                "--text-file", d.resolve("none.txt").toString(), "--no-save");
        add("texts", "no text", Expect.REFUSE, null, "fit", "--model", m, "--no-save");
    }

    static void argumentCases() throws IOException {
        String m = model.toString();
        String t = "The cat sat on the mat.";
        Path lib = work.resolve("argslib");
        String[][] fit = {
            {"--steps", "-1"}, {"--steps", "abc"}, {"--steps", "99999999999"}, {"--steps", "1.5"},
            {"--lr", "0"}, {"--lr", "-1"}, {"--lr", "NaN"}, {"--lr", "Infinity"}, {"--lr", "1e30"}, {"--lr", "1e-30"},
            {"--lr", "x"}, {"--weight-decay", "-1"}, {"--weight-decay", "NaN"}, {"--weight-decay", "1e9"},
            {"--restarts", "0"}, {"--restarts", "-1"}, {"--restarts", "1025"}, {"--restarts", "100000"},
            {"--seed", "-1"}, {"--seed", "9223372036854775807"}, {"--seed", "9223372036854775808"},
            {"--init", "foo"}, {"--init", ""}, {"--arrangement", "foo"}, {"--arrangement", ""},
            {"--target-accuracy", "-1"}, {"--target-accuracy", "2"}, {"--target-accuracy", "NaN"},
            {"--threads", "-1"}, {"--threads", "1000"}, {"--threads", "x"}, {"--device", "cuda:9"},
            {"--device", "foo"}, {"--device", ""}, {"--dtype", "int8"}, {"--dtype", ""}, {"--library", "/proc/x"},
            {"--library", "/dev/null"}, {"--resume", "nothing"}, {"--resume", "../etc"}, {"--resume", ""},
            {"--shared-m"}, {"--no-such-option"}};
        for (String[] f : fit) {
            List<String> args = new ArrayList<>(List.of("fit", "--model", m, "--text", t, "--steps", "1", "--json",
                    "--quiet"));
            if (!List.of(f).contains("--library") && !List.of(f).contains("--resume")) {
                args.add("--no-save");
            }
            if (f[0].equals("--steps")) {
                args.subList(4, 6).clear();
            }
            args.addAll(List.of(f));
            Expect e = switch (String.join(" ", f)) {
                case "--seed -1", "--seed 9223372036854775807", "--lr 1e-30", "--weight-decay 1e9",
                     "--target-accuracy 2", "--shared-m", "--weight-decay -1" -> Expect.EITHER;
                case "--lr 1e30", "--device cuda:9", "--device ", "--dtype " -> Expect.EITHER;
                default -> Expect.REFUSE;
            };
            boolean child = List.of("--device", "--dtype", "--threads").contains(f[0]);
            cases.add(new Case("args", "fit " + String.join(" ", f), e, null, args.toArray(String[]::new), child));
        }
        add("args", "fit --steps 0", Expect.SUCCEED, null, "fit", "--model", m, "--text", t, "--steps", "0", "--no-save",
                "--quiet");
        Path v = work.resolve("v.safetensors");
        writeVectors(v, new float[64], new float[64]);
        String[][] decode = {{"--top-k", "-1"}, {"--top-k", "1000000"}, {"--length", "0"}, {"--length", "-1"},
            {"--length", "100000"}, {"--arrangement", "foo"}, {"--target-text", ""}, {"--length", "3",
            "--target-text", "The cat sat"}};
        for (String[] f : decode) {
            List<String> args = new ArrayList<>(List.of("decode", "--model", m, "--vectors", v.toString()));
            if (!List.of(f).contains("--length")) {
                args.addAll(List.of("--length", "4"));
            }
            args.addAll(List.of(f));
            Expect e = f[0].equals("--top-k") && f[1].equals("1000000") ? Expect.EITHER : Expect.REFUSE;
            add("args", "decode " + String.join(" ", f), e, null, args.toArray(String[]::new));
        }
        Path nanV = work.resolve("nan.safetensors");
        float[] nan = new float[64];
        java.util.Arrays.fill(nan, Float.NaN);
        writeVectors(nanV, nan, nan);
        add("args", "decode NaN vectors", Expect.EITHER, null, "decode", "--model", m, "--vectors", nanV.toString(),
                "--length", "4");
        Path shortV = work.resolve("short.safetensors");
        writeVectors(shortV, new float[8], new float[8]);
        add("args", "decode vectors of another width", Expect.REFUSE, null, "decode", "--model", m, "--vectors",
                shortV.toString(), "--length", "4");
        add("args", "decode without --model", Expect.REFUSE, null, "decode", "--vectors", v.toString());
        add("args", "decode a missing run", Expect.REFUSE, null, "decode", "--run", "nope", "--library", lib.toString());
        String out = work.resolve("o.csv").toString();
        String[][] interp = {{"--points", "0"}, {"--points", "1"}, {"--points", "100000"}, {"--points", "-5"},
            {"--space", "foo"}, {"--steps", "-1"}};
        for (String[] f : interp) {
            List<String> args = new ArrayList<>(List.of("interpolate", "--a", "x", "--b", "y", "--out", out,
                    "--library", lib.toString()));
            args.addAll(List.of(f));
            add("args", "interpolate " + String.join(" ", f), Expect.REFUSE, null, args.toArray(String[]::new));
        }
        add("args", "interpolate --out .xyz", Expect.REFUSE, null, "interpolate", "--a", "x", "--b", "y", "--out",
                work.resolve("o.xyz").toString(), "--library", lib.toString());
        add("args", "project --method foo", Expect.REFUSE, null, "project", "--library", lib.toString(), "--method",
                "foo", "--out", out);
        add("args", "project an empty library", Expect.REFUSE, null, "project", "--library", lib.toString(),
                "--method", "pca", "--out", out);
        add("args", "project --out in a missing folder", Expect.REFUSE, null, "project", "--library", lib.toString(),
                "--method", "pca", "--out", "/nonexistent/dir/o.csv");
        add("args", "an unknown command", Expect.REFUSE, null, "frobnicate");
        add("args", "generate --prompt ''", Expect.EITHER, null, "generate", "--model", m, "--prompt", "");
        add("args", "generate --max-tokens -1", Expect.REFUSE, null, "generate", "--model", m, "--prompt", "a",
                "--max-tokens", "-1");
        add("args", "bench --length 0", Expect.REFUSE, null, "bench", "--model", m, "--length", "0");
        add("args", "bench --length 100000", Expect.REFUSE, null, "bench", "--model", m, "--length", "100000");
        add("args", "sweep a missing folder", Expect.REFUSE, null, "sweep", "--model", m, "--texts",
                work.resolve("none").toString());
        add("args", "models pull with an odd id", Expect.REFUSE, null, "models", "pull", "../../etc");
        add("args", "inside a missing run", Expect.REFUSE, null, "inside", "--run", "x", "--library", lib.toString(),
                "--out", work.resolve("inside").toString());
    }

    static void writeVectors(Path p, float[] e, float[] m) throws IOException {
        String h = "{\"e\":{\"dtype\":\"F32\",\"shape\":[" + e.length + "],\"data_offsets\":[0," + 4 * e.length
                + "]},\"m\":{\"dtype\":\"F32\",\"shape\":[" + m.length + "],\"data_offsets\":[" + 4 * e.length + ","
                + 4 * (e.length + m.length) + "]}}";
        byte[] hb = h.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + 4 * (e.length + m.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length).put(hb);
        for (float x : e) {
            b.putFloat(x);
        }
        for (float x : m) {
            b.putFloat(x);
        }
        Files.write(p, b.array());
    }

    /** A library with three good runs, and one damaged copy per fault; commands against it must not lose any. */
    static void libraryCases() throws Exception {
        String m = model.toString();
        Path good = work.resolve("goodlib");
        PrintStream o = System.out;
        PrintStream e = System.err;
        System.setOut(new PrintStream(new ByteArrayOutputStream()));
        System.setErr(new PrintStream(new ByteArrayOutputStream()));
        try {
            ProtoLensCommand.run("fit", "--model", m, "--text", "The cat sat on the mat.", "--steps", "3", "--restarts",
                    "3", "--library", good.toString(), "--quiet");
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
        List<Path> runs;
        try (Stream<Path> s = Files.list(good)) {
            runs = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        if (runs.size() < 3) {
            throw new IllegalStateException("could not make the runs the library cases need");
        }
        String[] damage = {"run.json truncated", "run.json random bytes", "run.json empty", "run.json []",
            "run.json schema 999", "run.json without text", "run.json id differs", "run.json tokens not numbers",
            "vectors truncated", "vectors one byte changed", "vectors missing", "vectors NaN with a matching checksum",
            "run.json missing", "a folder of junk", "a stray file", "an .incoming- folder", "a .deleting- folder",
            "vectors a folder"};
        for (int k = 0; k < damage.length; k++) {
            Path lib = work.resolve("lib" + k);
            copyTree(good, lib);
            Path victim = lib.resolve(runs.get(0).getFileName());
            String id = victim.getFileName().toString();
            Path rj = victim.resolve("run.json");
            Path vf = victim.resolve("vectors.safetensors");
            String json = Files.readString(rj);
            switch (damage[k]) {
                case "run.json truncated" -> Files.writeString(rj, json.substring(0, json.length() / 2));
                case "run.json random bytes" -> Files.write(rj, randomBytes(900, k));
                case "run.json empty" -> Files.write(rj, new byte[0]);
                case "run.json []" -> Files.writeString(rj, "[]");
                case "run.json schema 999" -> Files.writeString(rj, json.replaceFirst("\"schema_version\"\\s*:\\s*\\d+",
                        "\"schema_version\": 999"));
                case "run.json without text" -> Files.writeString(rj, json.replaceFirst("\"text\"\\s*:", "\"txet\":"));
                case "run.json id differs" -> Files.writeString(rj, json.replace("\"" + id + "\"", "\"other-id\""));
                case "run.json tokens not numbers" -> Files.writeString(rj, json.replaceFirst("\"token_ids\"\\s*:\\s*\\[",
                        "\"token_ids\": [\"x\","));
                case "vectors truncated" -> Files.write(vf, java.util.Arrays.copyOf(Files.readAllBytes(vf), 100));
                case "vectors one byte changed" -> {
                    byte[] b = Files.readAllBytes(vf);
                    b[b.length - 3] ^= 0x10;
                    Files.write(vf, b);
                }
                case "vectors missing" -> Files.delete(vf);
                case "vectors NaN with a matching checksum" -> {
                    byte[] b = Files.readAllBytes(vf);
                    int hn = (int) ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(8 + hn, Float.NaN);
                    Files.write(vf, b);
                    String oldSha = json.replaceAll("(?s).*\"vectors_sha256\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
                    Files.writeString(rj, json.replace(oldSha, sha(b)));
                }
                case "run.json missing" -> Files.delete(rj);
                case "a folder of junk" -> {
                    Files.createDirectories(lib.resolve("junk"));
                    Files.write(lib.resolve("junk").resolve("x.bin"), randomBytes(100, k));
                }
                case "a stray file" -> Files.writeString(lib.resolve("notes.txt"), "mine");
                case "an .incoming- folder" -> copyTree(victim, lib.resolve(".incoming-" + id + "-123"));
                case "a .deleting- folder" -> copyTree(lib.resolve(runs.get(1).getFileName()),
                        lib.resolve(".deleting-x-1"));
                case "vectors a folder" -> {
                    Files.delete(vf);
                    Files.createDirectory(vf);
                }
                default -> throw new IllegalStateException(damage[k]);
            }
            Path fig = work.resolve("fig" + k + ".csv");
            add("library", damage[k] + " · decode it", Expect.EITHER, lib, "decode", "--run", id, "--library",
                    lib.toString());
            add("library", damage[k] + " · decode another", Expect.EITHER, lib, "decode", "--run",
                    runs.get(2).getFileName().toString(), "--library", lib.toString());
            add("library", damage[k] + " · project", Expect.EITHER, lib, "project", "--library", lib.toString(),
                    "--method", "pca", "--out", fig.toString());
            add("library", damage[k] + " · resume it", Expect.EITHER, null, "fit", "--resume", id, "--steps", "1",
                    "--library", lib.toString(), "--quiet");
        }
        // a library path that is a file, and one inside a file
        Path file = work.resolve("libfile");
        Files.writeString(file, "x");
        add("library", "--library is a file", Expect.REFUSE, null, "fit", "--model", m, "--text", "a", "--steps", "1",
                "--library", file.toString(), "--quiet");
        add("library", "--library inside a file", Expect.REFUSE, null, "fit", "--model", m, "--text", "a", "--steps",
                "1", "--library", file.resolve("sub").toString(), "--quiet");
        add("library", "two runs interpolated with --points 100000", Expect.REFUSE, good, "interpolate", "--a",
                runs.get(0).getFileName().toString(), "--b", runs.get(1).getFileName().toString(), "--points",
                "100000", "--library", good.toString(), "--out", work.resolve("i.csv").toString());
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q);
                }
            }
        }
    }

    // ---------------------------------------------------------------- signals, in child JVMs

    static List<Outcome> signalCases(PrintStream console) throws Exception {
        List<Outcome> out = new ArrayList<>();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String[] signals = {"INT", "TERM", "HUP", "KILL"};
        double[] after = {1.5, 7.0}; // before and after the first checkpoint (every 5 s on the command line)
        for (String sig : signals) {
            for (double wait : after) {
                Path lib = work.resolve("sig-" + sig + "-" + wait);
                Case c = new Case("signals", "fit, " + sig + " after " + wait + " s, then resume", Expect.EITHER, lib,
                        new String[0]);
                long t0 = System.nanoTime();
                Path log = work.resolve("sig-" + sig + "-" + wait + ".log");
                Process p = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "fit", "--model",
                        model.toString(), "--text", "Lily and Ben went to the park to play with a red ball.",
                        "--steps", "100000", "--lr", "0.00001", "--library", lib.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                // wait until the fit runs (its first progress line), then the signal
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline && p.isAlive()
                        && !(Files.exists(log) && Files.readString(log).contains("step "))) {
                    Thread.sleep(100);
                }
                Thread.sleep((long) (wait * 1000));
                new ProcessBuilder("kill", "-s", sig, Long.toString(p.pid())).start().waitFor();
                boolean ended = p.waitFor(60, TimeUnit.SECONDS);
                String text = Files.readString(log);
                String why = "";
                int exit = ended ? p.exitValue() : -1;
                if (!ended) {
                    p.destroyForcibly();
                    why = "did not stop within 60 s of " + sig;
                } else if (text.contains("\tat ") || text.contains("Exception in")) {
                    why = "stack trace";
                }
                String message = text.lines().filter(l -> l.startsWith("error:") || l.contains("saved as")
                        || l.contains("resumable")).findFirst().orElse("");
                if (why.isEmpty()) {
                    // the run must be there and resumable
                    List<Path> runs;
                    try (Stream<Path> s = Files.list(lib)) {
                        runs = s.filter(q -> !q.getFileName().toString().startsWith(".")).toList();
                    } catch (IOException e) {
                        runs = List.of();
                    }
                    if (runs.isEmpty() && sig.equals("KILL") && wait < 5) {
                        why = ""; // killed before the first checkpoint: there was nothing to keep yet
                    } else if (runs.size() != 1) {
                        why = "lost: " + runs.size() + " runs in the library after " + sig;
                    } else {
                        Outcome r = runInProcessQuiet(new Case("signals", c.name, Expect.SUCCEED, null, new String[] {
                            "fit", "--resume", runs.get(0).getFileName().toString(), "--steps", "2", "--library",
                            lib.toString(), "--quiet"}));
                        if (!r.verdict.equals("clean")) {
                            why = "resume after " + sig + ": " + r.why + " " + r.message;
                        }
                    }
                }
                Outcome o = new Outcome(c, exit, why.isEmpty() ? "clean" : "DEFECT", why, message,
                        (System.nanoTime() - t0) / 1_000_000);
                out.add(o);
                console.printf(Locale.ROOT, "%-7s %-10s %-44s exit %2d  %s%n", o.verdict, c.group, trim(c.name, 44),
                        o.exit, trim(o.why.isEmpty() ? o.message : o.why + ": " + o.message, 150));
            }
        }
        return out;
    }

    static Outcome runInProcessQuiet(Case c) throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            return runInProcess(one, c);
        } finally {
            one.shutdown();
        }
    }
}
