package dev.protolens.app.models;

import dev.protolens.engine.store.AppDirs;
import dev.protolens.engine.store.AtomicFiles;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models the picker can offer without the user typing a path: the recently opened ones, the project's
 * test models ({@code shared/models} beside a checkout, for dev setups), a {@code models/} folder in the
 * working directory, and the Hugging Face cache ({@code ~/.cache/huggingface/hub/models--*}/snapshots/*).
 * Everything here is a quick look at files (config.json, names, sizes); nothing is loaded.
 *
 * <p>Kept to this one class on purpose: the engine's {@code hub} package (cache discovery and downloads)
 * replaces it once merged. The recent list uses that package's file format ({@code recent-models.json}:
 * path + last_opened), so the list survives the swap.
 */
public final class ModelCandidates {
    public static final String RECENT_FILE = "recent-models.json";
    private static final int RECENT_LIMIT = 20;
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

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

    /** The app's settings folder, the working directory and the jar's folder, the usual HF cache. */
    public static ModelCandidates standard() {
        List<Path> from = new ArrayList<>();
        from.add(Path.of("").toAbsolutePath());
        jarFolder().ifPresent(from::add);
        return new ModelCandidates(AppDirs.config(), from, hfCacheFolder());
    }

    /** HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub (huggingface_hub's own order). */
    public static Path hfCacheFolder() {
        String hub = System.getenv("HF_HUB_CACHE");
        if (hub != null && !hub.isBlank()) {
            return Path.of(hub);
        }
        String home = System.getenv("HF_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "hub");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub");
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
        for (Path p : readRecent().keySet()) {
            if (Files.exists(p)) {
                out.add(inspect(p, Source.RECENT));
            }
        }
        return out;
    }

    /** Models found on disk: project models, a local models folder, the HF cache. Recent ones are not repeated. */
    public List<Candidate> found() {
        Set<Path> seen = new LinkedHashSet<>(readRecent().keySet());
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
            if (isGguf(p) || Files.isRegularFile(p.resolve("config.json"))) {
                out.add(p.toAbsolutePath().normalize());
            } else if (Files.isDirectory(p)) {
                for (Path q : sortedChildren(p)) {
                    if (isGguf(q) || Files.isRegularFile(q.resolve("config.json"))) {
                        out.add(q.toAbsolutePath().normalize());
                    }
                }
            }
        }
        return out;
    }

    /** {@code models--org--name/snapshots/<commit>} folders, and .gguf files inside them. */
    List<Path> hfSnapshots() {
        List<Path> out = new ArrayList<>();
        if (hfCache == null || !Files.isDirectory(hfCache)) {
            return out;
        }
        for (Path repo : sortedChildren(hfCache)) {
            if (!repo.getFileName().toString().startsWith("models--")) {
                continue;
            }
            for (Path snap : sortedChildren(repo.resolve("snapshots"))) {
                if (Files.isRegularFile(snap.resolve("config.json"))) {
                    out.add(snap.toAbsolutePath().normalize());
                }
                for (Path f : sortedChildren(snap)) {
                    if (isGguf(f)) {
                        out.add(f.toAbsolutePath().normalize());
                    }
                }
            }
        }
        return out;
    }

    /** A quick look at a folder or .gguf file: family and sizes from config.json, what a load would miss. */
    public static Candidate inspect(Path path, Source source) {
        Path p = path.toAbsolutePath().normalize();
        String name = displayName(p);
        if (isGguf(p)) {
            long size = sizeOf(p);
            return new Candidate(p, name, source, "gguf", 0, 0, 0, size,
                    Files.isRegularFile(p) ? null : "the file is missing");
        }
        if (!Files.isDirectory(p)) {
            return new Candidate(p, name, source, null, 0, 0, 0, 0, "not a folder or .gguf file");
        }
        String family = null;
        int layers = 0;
        int d = 0;
        int vocab = 0;
        List<String> missing = new ArrayList<>();
        Path config = p.resolve("config.json");
        if (Files.isRegularFile(config)) {
            try {
                JsonNode c = JSON.readTree(Files.readString(config));
                JsonNode text = c.has("text_config") ? c.get("text_config") : c;
                family = text.path("model_type").asString(null);
                layers = firstInt(text, "num_hidden_layers", "n_layer", "num_layers");
                d = firstInt(text, "hidden_size", "n_embd", "d_model");
                vocab = firstInt(text, "vocab_size");
            } catch (IOException | JacksonException e) {
                missing.add("a readable config.json");
            }
        } else {
            missing.add("config.json");
        }
        if (!Files.isRegularFile(p.resolve("tokenizer.json"))) {
            missing.add("tokenizer.json");
        }
        long size;
        boolean weights;
        try (Stream<Path> s = Files.list(p)) {
            List<Path> files = s.toList();
            weights = files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".safetensors"));
            size = files.stream().filter(Files::isRegularFile).mapToLong(ModelCandidates::sizeOf).sum();
        } catch (IOException e) {
            weights = false;
            size = 0;
        }
        if (!weights) {
            missing.add("*.safetensors weights");
        }
        String problem = missing.isEmpty() ? null : "missing " + String.join(", ", missing);
        return new Candidate(p, name, source, family, layers, d, vocab, size, problem);
    }

    /** Puts a model at the top of the recent list. */
    public synchronized void remember(Path model) {
        Path p = model.toAbsolutePath().normalize();
        Map<Path, Instant> entries = new LinkedHashMap<>();
        entries.put(p, Instant.now());
        readRecent().forEach((k, v) -> {
            if (entries.size() < RECENT_LIMIT) {
                entries.putIfAbsent(k, v);
            }
        });
        List<Map<String, Object>> models = new ArrayList<>();
        entries.forEach((k, v) -> models.add(Map.of("path", k.toString(), "last_opened", v.toString())));
        try {
            Files.createDirectories(settingsDir);
            AtomicFiles.write(settingsDir.resolve(RECENT_FILE),
                    JSON.writeValueAsBytes(Map.of("schema", 1, "models", models)));
        } catch (IOException | JacksonException e) {
            // the list is a convenience; the model is open either way
            org.slf4j.LoggerFactory.getLogger(ModelCandidates.class).warn("could not save the recent models: {}",
                    e.getMessage());
        }
    }

    private synchronized Map<Path, Instant> readRecent() {
        Map<Path, Instant> out = new LinkedHashMap<>();
        Path f = settingsDir.resolve(RECENT_FILE);
        if (!Files.isRegularFile(f)) {
            return out;
        }
        try {
            for (JsonNode e : JSON.readTree(Files.readString(f)).path("models")) {
                String path = e.path("path").asString(null);
                if (path == null) {
                    continue;
                }
                Instant when;
                try {
                    when = Instant.parse(e.path("last_opened").asString(""));
                } catch (RuntimeException bad) {
                    when = Instant.EPOCH;
                }
                out.putIfAbsent(Path.of(path), when);
            }
        } catch (IOException | JacksonException | InvalidPathException e) {
            // an unreadable list offers nothing; the next remember() rewrites it
        }
        return out;
    }

    /** "org/name" for an HF cache snapshot, else the folder or file name. */
    static String displayName(Path p) {
        Path parent = p.getParent();
        Path repo = parent == null ? null : parent.getParent();
        if (repo != null && repo.getFileName() != null && parent.getFileName().toString().equals("snapshots")
                && repo.getFileName().toString().startsWith("models--")) {
            return repo.getFileName().toString().substring("models--".length()).replace("--", "/");
        }
        if (isGguf(p) && parent != null && parent.getFileName() != null
                && parent.getParent() != null && parent.getParent().getFileName() != null
                && parent.getParent().getFileName().toString().equals("snapshots")) {
            return displayName(parent) + "/" + p.getFileName();
        }
        return p.getFileName() == null ? p.toString() : p.getFileName().toString();
    }

    public static boolean isGguf(Path p) {
        Path f = p.getFileName();
        return f != null && f.toString().toLowerCase(Locale.ROOT).endsWith(".gguf") && !Files.isDirectory(p);
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

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
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
