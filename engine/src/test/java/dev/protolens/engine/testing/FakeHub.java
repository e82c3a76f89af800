package dev.protolens.engine.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import tools.jackson.databind.ObjectMapper;

/**
 * A Hugging Face hub on 127.0.0.1 for tests: the model API ({@code /api/models/{repo}/revision/{rev}?blobs=true}) and
 * the resolve endpoint, answering like huggingface.co does (X-Repo-Commit, ETag, X-Linked-Etag/-Size, X-Error-Code,
 * LFS files redirected to a CDN on a second port, HTTP ranges). Repos serve real files from a folder; a repo can be
 * gated, serve damaged bytes, drop connections after N bytes, ignore ranges or trickle slowly. Every request is
 * recorded (including the Authorization header, so tests can check where the token went).
 */
public final class FakeHub implements AutoCloseable {
    /** The only token the gated repos accept. */
    public static final String TOKEN = "hf_FakeHubSecret_7c1d9e2b4a6f8035";

    public record Request(String server, String method, String path, String range, String authorization) {}

    private record Hashes(String sha256, String gitSha1) {}

    private static final Map<Path, Hashes> HASHES = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService pool = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory());
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    public FakeHub() {
        try {
            InetAddress lo = InetAddress.getByName("127.0.0.1");
            hub = HttpServer.create(new InetSocketAddress(lo, 0), 0);
            cdn = HttpServer.create(new InetSocketAddress(lo, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hub.createContext("/", ex -> handle("hub", ex));
        cdn.createContext("/", ex -> handle("cdn", ex));
        hub.setExecutor(pool);
        cdn.setExecutor(pool);
        hub.start();
        cdn.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    public String cdnEndpoint() {
        return "http://127.0.0.1:" + cdn.getAddress().getPort();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public List<Request> requests(String pathPart) {
        return requests().stream().filter(r -> r.path().contains(pathPart)).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    /** Serves every regular file of a folder as the repo's files at one commit, reachable as "main". */
    public Repo serve(String repoId, Path folder) {
        Repo r = new Repo(repoId, folder);
        repos.put(repoId, r);
        return r;
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
        pool.shutdownNow();
    }

    /** One repo and the faults it plays. */
    public static final class Repo {
        final String id;
        final String commit;
        final Map<String, Path> files = new LinkedHashMap<>();
        final Map<String, byte[]> extras = new LinkedHashMap<>();
        final Map<String, String> refs = new ConcurrentHashMap<>();
        final Set<String> corrupt = ConcurrentHashMap.newKeySet();
        final Set<String> ignoreRange = ConcurrentHashMap.newKeySet();
        final Map<String, long[]> drops = new ConcurrentHashMap<>();
        final Map<String, long[]> stalls = new ConcurrentHashMap<>();
        final Map<String, long[]> refusals = new ConcurrentHashMap<>();
        final AtomicInteger served = new AtomicInteger();
        volatile boolean gated;
        volatile long bytesPerSecond;
        volatile boolean hideBlobIds;

        Repo(String id, Path folder) {
            this.id = id;
            this.commit = sha1Hex(("commit of " + id).getBytes(StandardCharsets.UTF_8));
            refs.put("main", commit);
            try (Stream<Path> s = Files.list(folder)) {
                s.filter(Files::isRegularFile).sorted().forEach(p -> files.put(p.getFileName().toString(), p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String commit() {
            return commit;
        }

        /** 401 without the token, 403 with another one (like a licence not yet accepted). */
        public Repo gated() {
            gated = true;
            return this;
        }

        /** Serves this file with one byte flipped, while the API keeps listing the true hash. */
        public Repo corrupt(String file) {
            corrupt.add(file);
            return this;
        }

        /** The next {@code times} responses for this file close the connection after {@code bytes} body bytes. */
        public Repo dropAfter(String file, long bytes, int times) {
            drops.put(file, new long[] {bytes, times});
            return this;
        }

        /** The next {@code times} responses for this file go silent after {@code bytes} body bytes (a stalled link). */
        public Repo stallAfter(String file, long bytes, int times) {
            stalls.put(file, new long[] {bytes, times});
            return this;
        }

        /** The CDN answers the next {@code times} requests for this file with 403, like an expired signed link. */
        public Repo cdnRefuses(String file, int times) {
            refusals.put(file, new long[] {0, times});
            return this;
        }

        /** Answers ranged requests for this file with the whole file (200), like some proxies do. */
        public Repo ignoreRange(String file) {
            ignoreRange.add(file);
            return this;
        }

        public Repo throttle(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
            return this;
        }

        /** Adds a file that is not in the folder (a decoy like pytorch_model.bin). */
        public Repo extra(String name, byte[] content) {
            extras.put(name, content);
            return this;
        }

        /** Leaves blobId and lfs out of the API answer, so the client must ask the resolve endpoint (HEAD). */
        public Repo hideBlobIds() {
            hideBlobIds = true;
            return this;
        }

        public Repo tag(String name, String commit) {
            refs.put(name, commit);
            return this;
        }

        /** The blob name a client must give this file in the cache: sha256 for LFS files, git blob sha1 otherwise. */
        public String etag(String f) {
            return isLfs(f) ? hashes(f).sha256() : hashes(f).gitSha1();
        }

        long size(String f) {
            try {
                return files.containsKey(f) ? Files.size(files.get(f)) : extras.get(f).length;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean has(String f) {
            return files.containsKey(f) || extras.containsKey(f);
        }

        Hashes hashes(String f) {
            if (files.containsKey(f)) {
                return HASHES.computeIfAbsent(files.get(f), FakeHub::hashFile);
            }
            return hashBytes(extras.get(f));
        }

        InputStream open(String f) throws IOException {
            return files.containsKey(f) ? Files.newInputStream(files.get(f))
                    : new java.io.ByteArrayInputStream(extras.get(f));
        }

        List<String> names() {
            List<String> all = new ArrayList<>(files.keySet());
            all.addAll(extras.keySet());
            return all;
        }
    }

    static boolean isLfs(String name) {
        return Stream.of(".safetensors", ".bin", ".h5", ".msgpack", ".onnx", ".gguf").anyMatch(name::endsWith);
    }

    private static String pointer(String sha256, long size) {
        return "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256 + "\nsize " + size + "\n";
    }

    private void handle(String server, HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        Headers h = ex.getRequestHeaders();
        requests.add(new Request(server, ex.getRequestMethod(), path, h.getFirst("Range"), h.getFirst("Authorization")));
        try {
            String[] parts = path.substring(1).split("/");
            if (server.equals("cdn") && parts.length == 4 && parts[0].equals("lfs")) {
                Repo repo = repos.get(decode(parts[1]) + "/" + decode(parts[2]));
                String file = repo == null ? null : repo.names().stream()
                        .filter(n -> isLfs(n) && repo.hashes(n).sha256().equals(parts[3])).findFirst().orElse(null);
                if (file == null) {
                    error(ex, 404, "EntryNotFound", "no such object");
                    return;
                }
                if (take(repo.refusals.get(file)) == 0) {
                    error(ex, 403, null, "Request has expired");
                    return;
                }
                body(ex, repo, file, new Headers());
            } else if (server.equals("hub") && parts.length >= 3 && parts[0].equals("api") && parts[1].equals("models")) {
                api(ex, parts);
            } else if (server.equals("hub") && parts.length >= 5 && parts[2].equals("resolve")) {
                resolve(ex, parts);
            } else {
                error(ex, 404, null, "not found");
            }
        } catch (IOException e) {
            // the client went away (a cancelled download) or a dropped connection was played
        } finally {
            ex.close();
        }
    }

    private void api(HttpExchange ex, String[] parts) throws IOException {
        String repoId = decode(parts[2]) + (parts.length > 3 ? "/" + decode(parts[3]) : "");
        Repo repo = repos.get(repoId);
        if (repo == null) {
            // huggingface.co answers 401 for a repo it does not show to an anonymous caller
            error(ex, 401, "RepoNotFound", "Repository not found");
            return;
        }
        String rev = parts.length > 5 && parts[4].equals("revision") ? decode(parts[5]) : "main";
        String commit = repo.refs.containsKey(rev) ? repo.refs.get(rev) : repo.refs.containsValue(rev) ? rev : null;
        if (commit == null) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
            return;
        }
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (String f : repo.names()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("rfilename", f);
            long size = repo.size(f);
            Hashes hs = repo.hashes(f);
            if (!repo.hideBlobIds) {
                if (isLfs(f)) {
                    s.put("blobId", sha1Hex(gitBlob(pointer(hs.sha256(), size).getBytes(StandardCharsets.UTF_8))));
                    s.put("size", size);
                    s.put("lfs", Map.of("sha256", hs.sha256(), "size", size, "pointerSize", pointer(hs.sha256(), size).length()));
                } else {
                    s.put("blobId", hs.gitSha1());
                    s.put("size", size);
                }
            }
            siblings.add(s);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_id", "0123456789abcdef01234567");
        body.put("id", repo.id);
        body.put("private", false);
        body.put("gated", repo.gated ? "manual" : false);
        body.put("sha", commit);
        body.put("siblings", siblings);
        byte[] json = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(200, json.length);
        ex.getResponseBody().write(json);
    }

    private void resolve(HttpExchange ex, String[] parts) throws IOException {
        String repoId = decode(parts[0]) + "/" + decode(parts[1]);
        Repo repo = repos.get(repoId);
        if (repo == null) {
            error(ex, 401, "RepoNotFound", "Repository not found");
            return;
        }
        String rev = decode(parts[3]);
        String commit = repo.refs.containsKey(rev) ? repo.refs.get(rev) : repo.refs.containsValue(rev) ? rev : null;
        if (commit == null) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
            return;
        }
        StringBuilder file = new StringBuilder();
        for (int i = 4; i < parts.length; i++) {
            file.append(i > 4 ? "/" : "").append(decode(parts[i]));
        }
        String f = file.toString();
        if (!repo.has(f)) {
            error(ex, 404, "EntryNotFound", f + " does not exist on \"" + rev + "\"");
            return;
        }
        if (repo.gated) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null) {
                error(ex, 401, "GatedRepo", "Access to model " + repoId + " is restricted. You must have access to it"
                        + " and be authenticated to access it. Please log in.");
                return;
            }
            if (!auth.equals("Bearer " + TOKEN)) {
                error(ex, 403, "GatedRepo", "Access to model " + repoId + " is restricted and you are not in the"
                        + " authorized list.");
                return;
            }
        }
        Headers out = ex.getResponseHeaders();
        out.set("X-Repo-Commit", commit);
        long size = repo.size(f);
        Hashes hs = repo.hashes(f);
        if (isLfs(f)) {
            out.set("X-Linked-Etag", "\"" + hs.sha256() + "\"");
            out.set("X-Linked-Size", Long.toString(size));
            out.set("ETag", "\"" + sha1Hex(gitBlob(pointer(hs.sha256(), size).getBytes(StandardCharsets.UTF_8))) + "\"");
            out.set("Location", cdnEndpoint() + "/lfs/" + parts[0] + "/" + parts[1] + "/" + hs.sha256()
                    + "?X-Amz-Signature=fake");
            ex.sendResponseHeaders(302, -1);
            return;
        }
        out.set("ETag", "\"" + hs.gitSha1() + "\"");
        body(ex, repo, f, out);
    }

    private void body(HttpExchange ex, Repo repo, String f, Headers extra) throws IOException {
        long size = repo.size(f);
        Headers out = ex.getResponseHeaders();
        out.putAll(extra);
        long start = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        int status = 200;
        if (range != null && range.startsWith("bytes=") && !repo.ignoreRange.contains(f)) {
            start = Long.parseLong(range.substring(6, range.indexOf('-')));
            if (start >= size) {
                out.set("Content-Range", "bytes */" + size);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            status = 206;
            out.set("Content-Range", "bytes " + start + "-" + (size - 1) + "/" + size);
        }
        out.set("Accept-Ranges", "bytes");
        long length = size - start;
        if (ex.getRequestMethod().equals("HEAD")) {
            out.set("Content-Length", Long.toString(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        long dropAt = take(repo.drops.get(f));
        long stallAt = take(repo.stalls.get(f));
        repo.served.incrementAndGet();
        ex.sendResponseHeaders(status, length);
        OutputStream os = ex.getResponseBody();
        long corruptAt = repo.corrupt.contains(f) ? size / 2 : -1;
        long bps = repo.bytesPerSecond;
        try (InputStream in = repo.open(f)) {
            in.skipNBytes(start);
            byte[] buf = new byte[bps > 0 ? 8192 : 1 << 16];
            long sent = 0;
            long t0 = System.nanoTime();
            while (sent < length) {
                if (sent >= stallAt) {
                    os.flush();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("stalled after " + sent + " bytes (played fault)");
                }
                int n = (int) Math.min(buf.length, Math.min(length - sent, Math.min(dropAt, stallAt) - sent));
                if (n <= 0) {
                    os.flush();
                    // a dropped connection: the body stops short of its Content-Length and the socket closes
                    throw new IOException("dropped after " + sent + " bytes (played fault)");
                }
                in.readNBytes(buf, 0, n);
                long abs = start + sent;
                if (corruptAt >= abs && corruptAt < abs + n) {
                    buf[(int) (corruptAt - abs)] ^= 0x5a;
                }
                os.write(buf, 0, n);
                sent += n;
                if (bps > 0) {
                    os.flush();
                    long due = t0 + sent * 1_000_000_000L / bps;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                    }
                }
            }
        }
    }

    /** The byte count of a one-off fault if it still has turns left (using one), else never. */
    private static long take(long[] fault) {
        if (fault == null) {
            return Long.MAX_VALUE;
        }
        synchronized (fault) {
            if (fault[1] > 0) {
                fault[1]--;
                return fault[0];
            }
        }
        return Long.MAX_VALUE;
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        if (code != null) {
            ex.getResponseHeaders().set("X-Error-Code", code);
        }
        ex.getResponseHeaders().set("X-Error-Message", message);
        byte[] b = JSON.writeValueAsBytes(Map.of("error", message));
        ex.sendResponseHeaders(status, ex.getRequestMethod().equals("HEAD") ? -1 : b.length);
        if (!ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseBody().write(b);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static Hashes hashFile(Path p) {
        try {
            return hashBytes(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Hashes hashBytes(byte[] b) {
        return new Hashes(hex("SHA-256", b), sha1Hex(gitBlob(b)));
    }

    static byte[] gitBlob(byte[] content) {
        byte[] head = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + content.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(content, 0, all, head.length, content.length);
        return all;
    }

    public static String sha256Hex(byte[] b) {
        return hex("SHA-256", b);
    }

    static String sha1Hex(byte[] b) {
        return hex("SHA-1", b);
    }

    private static String hex(String alg, byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
