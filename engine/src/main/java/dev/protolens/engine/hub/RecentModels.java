package dev.protolens.engine.hub;

import dev.protolens.engine.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The models a person opened lately (folders, .gguf files, cache snapshots), newest first, kept in
 * {@code <settings>/recent-models.json} so the model picker can offer them again. Only paths and times are stored;
 * what each one is (family, loadable) is looked up fresh on every {@link #list()}.
 */
public final class RecentModels {
    public static final int LIMIT = 20;
    static final String FILE = "recent-models.json";
    private static final int SCHEMA = 1;
    private static final Logger LOG = LoggerFactory.getLogger(RecentModels.class);
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /**
     * @param repoId the Hugging Face repo when the path is a snapshot in a cache layout, else null
     * @param exists false when the folder or file was moved or deleted since
     */
    public record RecentModel(Path path, LocalModel.Kind kind, String name, String repoId, Instant lastOpened,
                              boolean exists, boolean loadable, String family) {}

    private final Path file;

    public RecentModels(Path settingsDir) {
        this.file = settingsDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    public synchronized List<RecentModel> list() {
        List<RecentModel> out = new ArrayList<>();
        read().forEach((path, when) -> out.add(describe(path, when)));
        return out;
    }

    /** Puts a model at the top of the list (moving it there if it was already listed). */
    public synchronized void remember(Path model) {
        Path p = model.toAbsolutePath().normalize();
        Map<Path, Instant> entries = new LinkedHashMap<>();
        entries.put(p, Instant.now());
        read().forEach((k, v) -> {
            if (entries.size() < LIMIT) {
                entries.putIfAbsent(k, v);
            }
        });
        write(entries);
    }

    public synchronized boolean forget(Path model) {
        Map<Path, Instant> entries = read();
        boolean removed = entries.remove(model.toAbsolutePath().normalize()) != null;
        if (removed) {
            write(entries);
        }
        return removed;
    }

    private static RecentModel describe(Path path, Instant when) {
        boolean exists = Files.exists(path);
        LocalModel m = exists ? LocalModel.inspect(path) : null;
        LocalModel.Kind kind = LocalModel.isGguf(path) ? LocalModel.Kind.GGUF : LocalModel.Kind.FOLDER;
        return new RecentModel(path, kind, LocalModel.displayName(path), HfCache.repoIdOf(path), when, exists,
                m != null && m.loadable(), m == null ? null : m.family());
    }

    private Map<Path, Instant> read() {
        Map<Path, Instant> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            for (JsonNode e : root.path("models")) {
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
        } catch (IOException | JacksonException | java.nio.file.InvalidPathException e) {
            // a broken list must not stop the app; keep it aside so nothing is silently lost
            Path aside = file.resolveSibling(FILE + ".broken");
            LOG.warn("{} is unreadable ({}); moved it to {} and started a new list", file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // the next write replaces it
            }
        }
        return out;
    }

    private void write(Map<Path, Instant> entries) {
        List<Map<String, Object>> models = new ArrayList<>();
        entries.forEach((p, t) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", p.toString());
            m.put("last_opened", t.toString());
            models.add(m);
        });
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", SCHEMA);
        root.put("models", models);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(root), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserError("Cannot save the recent models list " + file + ": " + e.getMessage());
        }
    }
}
