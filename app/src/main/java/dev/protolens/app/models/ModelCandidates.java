package dev.protolens.app.models;

import dev.protolens.engine.hub.CachedModel;
import dev.protolens.engine.hub.HfCache;
import dev.protolens.engine.hub.HubEnvironment;
import dev.protolens.engine.hub.LocalModel;
import dev.protolens.engine.hub.RecentModels;
import dev.protolens.engine.AppDirs;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models the picker can offer without the user typing a path: the recently opened ones and the Hugging Face
 * cache (both from the engine's {@code hub} package), plus the project's test models ({@code shared/models}
 * beside a checkout, for dev setups) and a {@code models/} folder in the working directory. Everything here
 * is a quick look at files (config.json, names, sizes); nothing is loaded.
 */
public final class ModelCandidates {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public enum Source {
        RECENT("recent"), PROJECT("project models"), LOCAL("models folder"), HF_CACHE("Hugging Face cache");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One model on disk.
     *
     * @param family   config.json's model_type, or "gguf" for a GGUF file, null when unknown
     * @param layers   0 when unknown (likewise hiddenSize, vocabSize)
     * @param problem  why it would not load ("no tokenizer.json"), null when it looks complete
     */
    public record Candidate(Path path, String name, Source source, String family, int layers, int hiddenSize,
                            int vocabSize, long sizeBytes, String problem) {
        public boolean loadable() {
            return problem == null;
        }

        /** "llama · 5 layers · d=64 · vocab 512 · 1.1 MB" as far as known. */
        public String summary() {
            List<String> parts = new ArrayList<>();
            if (family != null) {
                parts.add(family);
            }
            if (layers > 0) {
                parts.add(layers + " layers");
            }
            if (hiddenSize > 0) {
                parts.add("d=" + hiddenSize);
            }
            if (vocabSize > 0) {
                parts.add("vocab " + vocabSize);
            }
            if (sizeBytes > 0) {
                parts.add(ModelCandidates.size(sizeBytes));
            }
            return String.join(" · ", parts);
        }
    }

    private final Path settingsDir;
    private final List<Path> searchFrom;
    private final Path hfCache;

    /**
     * @param searchFrom folders whose ancestors are searched for {@code shared/models} and {@code models}
     * @param hfCache    the Hugging Face hub cache folder (need not exist)
     */
    public ModelCandidates(Path settingsDir, List<Path> searchFrom, Path hfCache) {
        this.settingsDir = settingsDir;
        this.searchFrom = List.copyOf(searchFrom);
        this.hfCache = hfCache;
    }

    /**
     * The environment variables the Hugging Face side reads (HF_HOME, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE). Tests
     * replace it so that nothing touches the real cache, token or network.
     */
    public static Supplier<Map<String, String>> environment = System::getenv;

    /** The folders whose ancestors are searched for models (tests replace it to find nothing). */
    public static Supplier<List<Path>> searchRoots = ModelCandidates::defaultSearchFrom;

    /** The app's settings folder, the working directory and the jar's folder, the usual HF cache. */
    public static ModelCandidates standard() {
        return new ModelCandidates(AppDirs.config(), searchRoots.get(), hubEnvironment().cacheDir());
    }

    /** Where models come from and go, read afresh (a token saved a moment ago counts). */
    public static HubEnvironment hubEnvironment() {
        return HubEnvironment.from(environment.get(), AppDirs.config());
    }

    private static List<Path> defaultSearchFrom() {
        List<Path> from = new ArrayList<>();
        from.add(Path.of("").toAbsolutePath());
        jarFolder().ifPresent(from::add);
        return from;
    }

    private static java.util.Optional<Path> jarFolder() {
        try {
            var src = ModelCandidates.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return java.util.Optional.empty();
            }
            Path p = Path.of(src.getLocation().toURI());
            return java.util.Optional.ofNullable(Files.isDirectory(p) ? p : p.getParent());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return java.util.Optional.empty();
        }
    }

    /** Recently opened models, newest first (ones that no longer exist are left out). */
    public List<Candidate> recent() {
        List<Candidate> out = new ArrayList<>();
        for (RecentModels.RecentModel r : new RecentModels(settingsDir).list()) {
            if (r.exists()) {
                out.add(inspect(r.path(), Source.RECENT));
            }
        }
        return out;
    }

    /** Models found on disk: project models, a local models folder, the HF cache. Recent ones are not repeated. */
    public List<Candidate> found() {
        Set<Path> seen = new LinkedHashSet<>();
        new RecentModels(settingsDir).list().forEach(r -> seen.add(r.path()));
        List<Candidate> out = new ArrayList<>();
        Set<Path> roots = new LinkedHashSet<>();
        for (Path start : searchFrom) {
            Path p = start.toAbsolutePath().normalize();
            // a checkout sits beside ../shared; the jar sits two levels further down (app/target)
            for (int up = 0; up < 5 && p != null; up++, p = p.getParent()) {
                roots.add(p.resolve("shared").resolve("models"));
                if (up == 0) {
                    roots.add(p.resolve("models"));
                }
            }
        }
        for (Path root : roots) {
            Source src = root.getParent().getFileName() != null
                    && root.getParent().getFileName().toString().equals("shared") ? Source.PROJECT : Source.LOCAL;
            for (Path m : modelsIn(root)) {
                if (seen.add(m)) {
                    out.add(inspect(m, src));
                }
            }
        }
        for (Path m : hfSnapshots()) {
            if (seen.add(m)) {
                out.add(inspect(m, Source.HF_CACHE));
            }
        }
        return out;
    }

    /** Model folders and .gguf files directly in {@code root} or one level down (e.g. stories260k/x.gguf). */
    static List<Path> modelsIn(Path root) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        for (Path p : sortedChildren(root)) {
            if (LocalModel.isGguf(p) || Files.isRegularFile(p.resolve("config.json"))) {
                out.add(p.toAbsolutePath().normalize());
            } else if (Files.isDirectory(p)) {
                for (Path q : sortedChildren(p)) {
                    if (LocalModel.isGguf(q) || Files.isRegularFile(q.resolve("config.json"))) {
                        out.add(q.toAbsolutePath().normalize());
                    }
                }
            }
        }
        return out;
    }

    /** Snapshots in the Hugging Face cache, and the .gguf files inside them. */
    List<Path> hfSnapshots() {
        List<Path> out = new ArrayList<>();
        if (hfCache == null) {
            return out;
        }
        for (CachedModel m : new HfCache(hfCache).list()) {
            if (m.commit() == null) {
                continue; // a first download still running
            }
            if (Files.isRegularFile(m.path().resolve("config.json"))) {
                out.add(m.path().toAbsolutePath().normalize());
            }
            for (Path f : sortedChildren(m.path())) {
                if (LocalModel.isGguf(f)) {
                    out.add(f.toAbsolutePath().normalize());
                }
            }
        }
        return out;
    }

    /**
     * A quick look at a folder or .gguf file: whether a load would find what it needs (the hub's
     * {@link LocalModel}), and the sizes the picker shows from config.json.
     */
    public static Candidate inspect(Path path, Source source) {
        Path p = path.toAbsolutePath().normalize();
        LocalModel m = LocalModel.inspect(p);
        String problem = m.loadable() ? null : "missing " + String.join(", ", m.missing());
        if (m.kind() == LocalModel.Kind.GGUF) {
            return new Candidate(p, LocalModel.displayName(p), source, "gguf", 0, 0, 0, m.sizeBytes(), problem);
        }
        int layers = 0;
        int d = 0;
        int vocab = 0;
        Path config = p.resolve("config.json");
        if (Files.isRegularFile(config)) {
            try {
                JsonNode c = JSON.readTree(Files.readString(config));
                JsonNode text = c.has("text_config") ? c.get("text_config") : c;
                layers = firstInt(text, "num_hidden_layers", "n_layer", "num_layers");
                d = firstInt(text, "hidden_size", "n_embd", "d_model");
                vocab = firstInt(text, "vocab_size");
            } catch (IOException | JacksonException e) {
                // LocalModel already reports an unreadable config.json
            }
        }
        return new Candidate(p, LocalModel.displayName(p), source, m.family(), layers, d, vocab, m.sizeBytes(), problem);
    }

    /** Puts a model at the top of the recent list. */
    public void remember(Path model) {
        try {
            new RecentModels(settingsDir).remember(model);
        } catch (RuntimeException e) {
            // the list is a convenience; the model is open either way
            org.slf4j.LoggerFactory.getLogger(ModelCandidates.class).warn("could not save the recent models: {}",
                    e.getMessage());
        }
    }


    static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }

    private static int firstInt(JsonNode n, String... keys) {
        for (String k : keys) {
            if (n.has(k) && n.get(k).isNumber()) {
                return n.get(k).asInt();
            }
        }
        return 0;
    }

    private static List<Path> sortedChildren(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
