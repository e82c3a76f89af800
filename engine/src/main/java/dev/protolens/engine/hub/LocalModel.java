package dev.protolens.engine.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What a quick look at a model folder or .gguf file says, without loading it: whether the files a load needs are
 * there (config.json, *.safetensors, tokenizer.json — or a GGUF header), the family ({@code model_type}), and the
 * size on disk.
 *
 * @param missing what a load would miss, in words ("tokenizer.json", "*.safetensors"); empty when loadable
 * @param family  {@code model_type} from config.json, null when unknown (GGUF files are not parsed here)
 */
public record LocalModel(Path path, Kind kind, boolean loadable, String family, List<String> missing, long sizeBytes) {
    public enum Kind { FOLDER, GGUF }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The one test for a GGUF model file, everywhere: its name ends in .gguf (any case) and it is no folder. */
    public static boolean isGguf(Path p) {
        Path f = p.getFileName();
        return f != null && isGgufName(f.toString()) && !Files.isDirectory(p);
    }

    /** The same test on a file name alone (a file listed by the hub, not yet on disk). */
    public static boolean isGgufName(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".gguf");
    }

    /**
     * The one name a model is shown and recorded by: "org/name" for a snapshot in the Hugging Face cache (whose
     * folder name is a commit hash), "org/name/x.gguf" for a .gguf in one, else the folder or file name.
     */
    public static String displayName(Path p) {
        String repo = HfCache.repoIdOf(p);
        if (repo != null) {
            return repo;
        }
        Path parent = p.getParent();
        if (isGguf(p) && parent != null && HfCache.repoIdOf(parent) != null) {
            return HfCache.repoIdOf(parent) + "/" + p.getFileName();
        }
        return p.getFileName() == null ? p.toString() : p.getFileName().toString();
    }

    public static LocalModel inspect(Path path) {
        if (isGguf(path)) {
            return gguf(path);
        }
        List<String> missing = new ArrayList<>();
        String family = null;
        Path config = path.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            missing.add("config.json");
        } else {
            try {
                JsonNode c = JSON.readTree(Files.readString(config, StandardCharsets.UTF_8));
                JsonNode t = c == null ? null : c.get("model_type");
                family = t != null && t.isString() ? t.asString() : null;
                if (family == null) {
                    missing.add("model_type in config.json");
                }
            } catch (IOException | JacksonException e) {
                missing.add("a readable config.json");
            }
        }
        boolean weights;
        try (Stream<Path> s = Files.isDirectory(path) ? Files.list(path) : Stream.empty()) {
            weights = s.anyMatch(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p));
        } catch (IOException e) {
            weights = false;
        }
        if (!weights) {
            missing.add("*.safetensors");
        }
        if (!Files.isRegularFile(path.resolve("tokenizer.json"))) {
            missing.add("tokenizer.json");
        }
        return new LocalModel(path, Kind.FOLDER, missing.isEmpty(), family, List.copyOf(missing), sizeOnDisk(path));
    }

    private static LocalModel gguf(Path file) {
        byte[] magic = new byte[4];
        boolean ok = false;
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                ok = in.readNBytes(magic, 0, 4) == 4 && new String(magic, StandardCharsets.US_ASCII).equals("GGUF");
            } catch (IOException e) {
                ok = false;
            }
        }
        return new LocalModel(file, Kind.GGUF, ok, null, ok ? List.of() : List.of("a GGUF header"), sizeOnDisk(file));
    }

    /**
     * Bytes on disk under a path, following links (a cache snapshot is all links into blobs/) and counting a file
     * reached through two links once.
     */
    static long sizeOnDisk(Path path) {
        if (!Files.exists(path)) {
            return 0;
        }
        if (!Files.isDirectory(path)) {
            try {
                return Files.size(path);
            } catch (IOException e) {
                return 0;
            }
        }
        Set<Path> seen = new HashSet<>();
        long total = 0;
        try (Stream<Path> s = Files.walk(path)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    try {
                        if (seen.add(p.toRealPath())) {
                            total += Files.size(p);
                        }
                    } catch (IOException e) {
                        // a dangling link counts as nothing
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return total;
        }
        return total;
    }
}
