package dev.protolens.engine.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Hugging Face hub cache, laid out exactly as {@code huggingface_hub} lays it out so both sides share it:
 * <pre>
 * models--org--name/
 *   blobs/&lt;etag&gt;                  file contents, named by sha256 (LFS files) or git blob sha1 (small files)
 *   blobs/&lt;etag&gt;.incomplete       a download in progress; a later pull resumes it with an HTTP Range
 *   snapshots/&lt;commit&gt;/&lt;file&gt;     relative symlinks into ../../blobs
 *   refs/&lt;revision&gt;               the commit a branch or tag pointed at when last pulled
 * </pre>
 */
public final class HfCache {
    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern REPO_ID =
            Pattern.compile("(?:[A-Za-z0-9][A-Za-z0-9._-]{0,95}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final String PREFIX = "models--";

    private final Path root;

    public HfCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Checks a repo id the way the hub does ("org/name" or "name"; letters, digits, {@code -_.}; no "--" or ".."). */
    public static String checkRepoId(String repoId) {
        String id = repoId == null ? "" : repoId.strip();
        if (!REPO_ID.matcher(id).matches() || id.contains("--") || id.contains("..") || id.endsWith(".")
                || id.endsWith("-")) {
            throw new HubError(HubError.Kind.BAD_REQUEST, "'" + repoId + "' is not a Hugging Face repo id. Use the"
                    + " org/name shown on the model's page, e.g. HuggingFaceTB/SmolLM2-135M.");
        }
        return id;
    }

    /** "org/name" for a snapshot folder {@code .../models--org--name/snapshots/<commit>}, null for any other path. */
    public static String repoIdOf(Path path) {
        Path parent = path.getParent();
        Path repo = parent == null ? null : parent.getParent();
        if (repo == null || repo.getFileName() == null || !parent.getFileName().toString().equals("snapshots")) {
            return null;
        }
        String name = repo.getFileName().toString();
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()).replace("--", "/") : null;
    }

    public Path repoDir(String repoId) {
        return root.resolve(PREFIX + checkRepoId(repoId).replace("/", "--"));
    }

    Path blob(String repoId, String etag) {
        return repoDir(repoId).resolve("blobs").resolve(etag);
    }

    static Path incomplete(Path blob) {
        return blob.resolveSibling(blob.getFileName() + ".incomplete");
    }

    Path snapshotDir(String repoId, String commit) {
        return repoDir(repoId).resolve("snapshots").resolve(commit);
    }

    private Path refFile(String repoId, String revision) {
        Path refs = repoDir(repoId).resolve("refs");
        Path f = refs.resolve(revision).normalize();
        if (!f.startsWith(refs) || f.equals(refs)) {
            throw new HubError(HubError.Kind.BAD_REQUEST, "'" + revision + "' is not a revision name");
        }
        return f;
    }

    /** The commit a revision (branch, tag or commit hash) stands for in the cache, if it was pulled. */
    public Optional<String> commit(String repoId, String revision) {
        if (COMMIT.matcher(revision).matches() && Files.isDirectory(snapshotDir(repoId, revision))) {
            return Optional.of(revision);
        }
        Path ref = refFile(repoId, revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        try {
            String c = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return COMMIT.matcher(c).matches() ? Optional.of(c) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The snapshot folder of a revision, if it is in the cache. */
    public Optional<Path> snapshot(String repoId, String revision) {
        return commit(repoId, revision).map(c -> snapshotDir(repoId, c)).filter(Files::isDirectory);
    }

    void writeRef(String repoId, String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = refFile(repoId, revision);
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes {@code snapshots/<commit>/<file>} point at the blob: a relative symlink like huggingface_hub's, or a copy
     * where the file system refuses links (Windows without developer mode).
     */
    void link(String repoId, String commit, String file, Path blob) throws IOException {
        Path target = snapshotDir(repoId, commit).resolve(file).normalize();
        Files.createDirectories(target.getParent());
        Path relative = target.getParent().relativize(blob);
        if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).equals(relative)) {
            return;
        }
        Files.deleteIfExists(target);
        try {
            Files.createSymbolicLink(target, relative);
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Every snapshot in the cache, by repo id, newest first within a repo. */
    public List<CachedModel> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<CachedModel> out = new ArrayList<>();
        for (Path repo : children(root)) {
            String name = repo.getFileName().toString();
            if (!name.startsWith(PREFIX) || !Files.isDirectory(repo)) {
                continue;
            }
            String repoId = name.substring(PREFIX.length()).replace("--", "/");
            Map<String, List<String>> refsByCommit = refs(repo);
            long partial = partialBytes(repo);
            List<Path> snapshots = children(repo.resolve("snapshots")).stream().filter(Files::isDirectory)
                    .sorted(Comparator.comparing(HfCache::modified).reversed()).toList();
            for (Path snap : snapshots) {
                String commit = snap.getFileName().toString();
                LocalModel m = LocalModel.inspect(snap);
                out.add(new CachedModel(repoId, commit, refsByCommit.getOrDefault(commit, List.of()), snap,
                        m.sizeBytes(), m.loadable(), m.family(), m.missing(), partial));
            }
            if (snapshots.isEmpty() && partial > 0) {
                out.add(new CachedModel(repoId, null, List.of(), repo, 0, false, null,
                        List.of("a finished download"), partial));
            }
        }
        return out;
    }

    /** What {@link #remove} took away. */
    public record Removal(String repoId, List<String> commits, int blobs, long freedBytes) {}

    /**
     * Removes one snapshot (revision given) or all of a repo (revision null) without asking: the snapshot's links,
     * the refs that pointed at it, and the blobs no remaining snapshot uses. Other snapshots stay intact.
     */
    public Removal remove(String repoId, String revision) {
        Path repo = repoDir(repoId);
        if (!Files.isDirectory(repo)) {
            throw new HubError(HubError.Kind.BAD_REQUEST, repoId + " is not in the Hugging Face cache at " + root
                    + " (`protolens models list` shows what is)");
        }
        try {
            if (revision == null) {
                List<String> commits = children(repo.resolve("snapshots")).stream()
                        .map(p -> p.getFileName().toString()).sorted().toList();
                List<Path> blobs = children(repo.resolve("blobs"));
                long freed = blobs.stream().mapToLong(HfCache::sizeNoFollow).sum();
                deleteTree(repo);
                return new Removal(repoId, commits, blobs.size(), freed);
            }
            String commit = commit(repoId, revision).orElseThrow(() -> new HubError(HubError.Kind.BAD_REQUEST,
                    "revision '" + revision + "' of " + repoId + " is not in the cache at " + root
                            + " (`protolens models list` shows the cached revisions)"));
            Path snap = snapshotDir(repoId, commit);
            Set<Path> used = new HashSet<>();
            for (Path other : children(repo.resolve("snapshots"))) {
                if (!other.equals(snap)) {
                    used.addAll(linkedBlobs(other));
                }
            }
            int removed = 0;
            long freed = 0;
            for (Path blob : linkedBlobs(snap)) {
                if (!used.contains(blob) && Files.exists(blob, LinkOption.NOFOLLOW_LINKS)) {
                    freed += sizeNoFollow(blob);
                    Files.delete(blob);
                    removed++;
                }
            }
            deleteTree(snap);
            for (Map.Entry<String, List<String>> e : refs(repo).entrySet()) {
                if (e.getKey().equals(commit)) {
                    for (String ref : e.getValue()) {
                        Files.deleteIfExists(refFile(repoId, ref));
                    }
                }
            }
            if (children(repo.resolve("snapshots")).isEmpty()) {
                freed += children(repo.resolve("blobs")).stream().mapToLong(HfCache::sizeNoFollow).sum();
                deleteTree(repo);
            }
            return new Removal(repoId, List.of(commit), removed, freed);
        } catch (IOException e) {
            throw new HubError(HubError.Kind.BAD_REQUEST, "Cannot remove " + repoId + " from " + root + ": " + e);
        }
    }

    /** The blobs a snapshot's links point at (absolute, normalised). */
    private static Set<Path> linkedBlobs(Path snapshot) throws IOException {
        Set<Path> out = new LinkedHashSet<>();
        if (!Files.isDirectory(snapshot)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(snapshot)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isSymbolicLink(p)) {
                    out.add(p.getParent().resolve(Files.readSymbolicLink(p)).toAbsolutePath().normalize());
                }
            }
        }
        return out;
    }

    private static Map<String, List<String>> refs(Path repo) {
        Path refs = repo.resolve("refs");
        Map<String, List<String>> byCommit = new TreeMap<>();
        if (!Files.isDirectory(refs)) {
            return byCommit;
        }
        try (Stream<Path> s = Files.walk(refs)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".tmp")) {
                    String commit = Files.readString(p, StandardCharsets.UTF_8).strip();
                    String name = refs.relativize(p).toString().replace('\\', '/');
                    byCommit.computeIfAbsent(commit, k -> new ArrayList<>()).add(name);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return byCommit;
        }
        byCommit.values().forEach(l -> l.sort(null));
        return byCommit;
    }

    private static long partialBytes(Path repo) {
        return children(repo.resolve("blobs")).stream()
                .filter(p -> p.getFileName().toString().endsWith(".incomplete"))
                .mapToLong(HfCache::sizeNoFollow).sum();
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    private static long sizeNoFollow(Path p) {
        try {
            return Files.isSymbolicLink(p) ? 0 : Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException e) {
                    // removed meanwhile
                }
            }
        }
    }
}
