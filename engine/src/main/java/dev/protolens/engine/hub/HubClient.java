package dev.protolens.engine.hub;

import dev.protolens.engine.Version;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The hub's HTTP endpoints that a download needs, with every error turned into a {@link HubError} a person can act
 * on. Redirects are followed here, not by the JDK, so the token goes only to the hub's own origin and never to the
 * CDN a large file is redirected to. Nothing here logs headers.
 */
final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 10;

    private final HubEnvironment env;
    private final URI origin;
    private final HttpClient http;
    private final Duration requestTimeout;

    HubClient(HubEnvironment env, PullOptions options) {
        this.env = env;
        this.origin = URI.create(env.endpoint());
        this.requestTimeout = options.stallTimeout();
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if ("http".equalsIgnoreCase(origin.getScheme())) {
            b.version(HttpClient.Version.HTTP_1_1);
        }
        this.http = b.build();
    }

    void close() {
        http.shutdownNow();
    }

    URI apiUrl(String repoId, String revision) {
        return URI.create(env.endpoint() + "/api/models/" + repoId + "/revision/" + segment(revision) + "?blobs=true");
    }

    URI resolveUrl(String repoId, String revision, String file) {
        List<String> parts = new ArrayList<>();
        for (String p : file.split("/")) {
            parts.add(segment(p));
        }
        return URI.create(env.endpoint() + "/" + repoId + "/resolve/" + segment(revision) + "/" + String.join("/", parts));
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code GET /api/models/{repo}/revision/{rev}?blobs=true}. */
    RepoInfo repoInfo(String repoId, String revision) throws InterruptedException {
        URI url = apiUrl(repoId, revision);
        HttpResponse<byte[]> r = sendOrOffline(request(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw statusError(r.statusCode(), r.headers(), repoId, revision, null);
        }
        try {
            JsonNode root = JSON.readTree(r.body());
            String sha = root.path("sha").asString(null);
            if (sha == null || !HfCache.COMMIT.matcher(sha).matches()) {
                throw new HubError(HubError.Kind.SERVER, env.endpoint() + " answered without a commit hash for "
                        + repoId + " at " + revision + "; is HF_ENDPOINT a Hugging Face hub?");
            }
            List<RepoInfo.RepoFile> files = new ArrayList<>();
            for (JsonNode s : root.path("siblings")) {
                String name = s.path("rfilename").asString(null);
                if (name == null) {
                    continue;
                }
                JsonNode lfs = s.path("lfs");
                String sha256 = lfs.isObject() ? lfs.path("sha256").asString(null) : null;
                long size = lfs.isObject() && lfs.has("size") ? lfs.path("size").asLong(-1) : s.path("size").asLong(-1);
                files.add(new RepoInfo.RepoFile(name, size, s.path("blobId").asString(null),
                        sha256 == null ? null : sha256.toLowerCase(Locale.ROOT)));
            }
            return new RepoInfo(root.path("id").asString(repoId), sha, List.copyOf(files));
        } catch (JacksonException e) {
            throw new HubError(HubError.Kind.SERVER, env.endpoint() + " answered with something that is not the model"
                    + " API's JSON for " + repoId + "; is HF_ENDPOINT a Hugging Face hub?", e);
        }
    }

    /** A small file's bytes (an index), through the same redirects as any file. */
    byte[] fetchSmall(String repoId, String revision, String file) throws InterruptedException {
        try (FileTransfers.Opened o = open(repoId, revision, file, 0)) {
            return o.body().readAllBytes();
        } catch (IOException e) {
            throw offline(e);
        }
    }

    /** What the resolve endpoint says about a file without downloading it, for hubs whose API lacks blob ids. */
    record Metadata(String etag, long size, String commit) {}

    Metadata head(String repoId, String revision, String file) throws InterruptedException {
        URI url = resolveUrl(repoId, revision, file);
        HttpResponse<Void> r = null;
        // follow redirects within the hub (a renamed repo) but stop at the first one that leaves it: that answer
        // carries X-Linked-Etag and X-Linked-Size of an LFS file, like huggingface_hub reads them
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            r = sendOrOffline(request(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            URI next = r.statusCode() / 100 == 3 ? r.headers().firstValue("Location").map(url::resolve).orElse(null) : null;
            if (next == null || !sameOrigin(next, origin)) {
                break;
            }
            url = next;
        }
        if (r.statusCode() >= 400) {
            throw statusError(r.statusCode(), r.headers(), repoId, revision, file);
        }
        HttpHeaders h = r.headers();
        String etag = h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).map(HubClient::normalizeEtag)
                .orElseThrow(() -> new HubError(HubError.Kind.SERVER, env.endpoint() + " gave no ETag for " + file
                        + " of " + repoId + "; cannot name the file in the cache"));
        long size = h.firstValue("X-Linked-Size").or(() -> h.firstValue("Content-Length")).map(Long::parseLong)
                .orElse(-1L);
        return new Metadata(etag, size, h.firstValue("X-Repo-Commit").orElse(null));
    }

    static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "").toLowerCase(Locale.ROOT);
    }

    /**
     * Opens a file from {@code offset} on, following redirects. Connection failures come out as IOException (the
     * caller retries); answers the caller cannot fix by retrying come out as HubError. A 416 means the offset is past
     * the end.
     */
    FileTransfers.Opened open(String repoId, String revision, String file, long offset) throws IOException, InterruptedException {
        URI url = resolveUrl(repoId, revision, file);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = request(url).GET();
            if (offset > 0) {
                b.header("Range", "bytes=" + offset + "-");
            }
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            int s = r.statusCode();
            if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                String location = r.headers().firstValue("Location").orElse(null);
                r.body().close();
                if (location == null) {
                    throw new HubError(HubError.Kind.SERVER, "redirect without a Location for " + file + " of " + repoId);
                }
                url = url.resolve(location);
                LOG.debug("{} redirected to {}://{}", file, url.getScheme(), url.getHost());
                continue;
            }
            if (s == 200 || s == 206 || s == 416) {
                return new FileTransfers.Opened(s, r.body(), r.headers().firstValue("Content-Range").map(HubClient::rangeStart)
                        .orElse(-1L));
            }
            try (InputStream in = r.body()) {
                in.readNBytes(4096);
            }
            if (!sameOrigin(url, origin)) {
                // a CDN refusing a signed link (expired, throttled): a fresh resolve gives a new link, so retry
                throw new HubError(HubError.Kind.SERVER, "the download server refused " + file + " of " + repoId
                        + " (" + s + ")");
            }
            throw statusError(s, r.headers(), repoId, revision, file);
        }
        throw new HubError(HubError.Kind.SERVER, "too many redirects for " + file + " of " + repoId);
    }

    static long rangeStart(String contentRange) {
        String v = contentRange.strip();
        if (!v.startsWith("bytes ")) {
            return -1;
        }
        int dash = v.indexOf('-');
        try {
            return dash < 0 ? -1 : Long.parseLong(v.substring(6, dash).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private HttpRequest.Builder request(URI url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(requestTimeout)
                .header("User-Agent", "protolens/" + Version.VALUE + "; java/" + Runtime.version().feature());
        if (sameOrigin(url, origin)) {
            env.token().ifPresent(t -> b.header("Authorization", t.bearer()));
        }
        return b;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private <T> HttpResponse<T> sendOrOffline(HttpRequest req, HttpResponse.BodyHandler<T> h)
            throws InterruptedException {
        try {
            return http.send(req, h);
        } catch (IOException e) {
            throw offline(e);
        }
    }

    /** A connection problem at the start of a pull: the network or the hub is unreachable. */
    HubError offline(Throwable e) {
        return new HubError(HubError.Kind.NO_NETWORK, "Cannot reach " + env.endpoint() + " (" + reason(e) + "). "
                + "ProtoLens seems to be offline: open a local model folder or .gguf file, or use a model already in"
                + " the Hugging Face cache (protolens models list; set HF_HUB_OFFLINE=1 to skip the network)."
                + " A mirror can be set with HF_ENDPOINT.", e);
    }

    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "the host name does not resolve";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "connecting timed out";
            }
            if (t instanceof HttpTimeoutException) {
                return "no answer in time";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Turns a refusal from the hub into a message that says what to do. */
    HubError statusError(int status, HttpHeaders h, String repoId, String revision, String file) {
        String code = h.firstValue("X-Error-Code").orElse("");
        String page = env.repoPage(repoId);
        Optional<HubToken> token = env.token();
        if (code.equals("RepoNotFound") || (status == 404 && file == null && code.isEmpty())) {
            return new HubError(HubError.Kind.NOT_FOUND, repoId + " was not found on " + env.endpoint() + ". Check the"
                    + " repo id (org/name, as on the model's page)" + (token.isEmpty()
                    ? "; if it is a private repo, set HF_TOKEN to a token of an account that can read it." : "."));
        }
        if (code.equals("RevisionNotFound")) {
            return new HubError(HubError.Kind.NOT_FOUND, "Revision '" + revision + "' does not exist in " + repoId
                    + ". Use a branch, tag or commit hash listed at " + page + "/commits/main (or leave --revision"
                    + " out for main).");
        }
        if (code.equals("EntryNotFound") || status == 404) {
            return new HubError(HubError.Kind.NOT_FOUND, repoId + " has no file " + (file == null ? "" : file)
                    + " at revision " + revision + " (" + page + ").");
        }
        if (code.equals("GatedRepo") || status == 401 || status == 403) {
            String how = "accept the licence at " + page + " (logged in to Hugging Face) and set HF_TOKEN to an access"
                    + " token of that account (" + env.endpoint() + "/settings/tokens), or save the token in ProtoLens"
                    + " settings.";
            if (token.isEmpty()) {
                return new HubError(HubError.Kind.GATED, repoId + " is gated or private and no token is set: " + how);
            }
            if (status == 401) {
                return new HubError(HubError.Kind.GATED, "The hub refused the token from " + token.get().source()
                        + " for " + repoId + " (401: wrong or expired token). Create a new token and " + how);
            }
            return new HubError(HubError.Kind.GATED, "The token from " + token.get().source() + " has no access to "
                    + repoId + " (403). If you have not yet, " + how + " Some licences are approved by hand: the page"
                    + " says when access is pending.");
        }
        if (status == 429) {
            return new HubError(HubError.Kind.SERVER, env.endpoint() + " asks to slow down (429, too many requests);"
                    + " try again in a minute" + (token.isEmpty() ? ", or set HF_TOKEN (logged-in users get more)." : "."));
        }
        return new HubError(HubError.Kind.SERVER, env.endpoint() + " answered " + status + " for "
                + (file == null ? repoId : file + " of " + repoId) + (status >= 500 ? "; the hub has a problem, try"
                + " again later." : "."));
    }
}
