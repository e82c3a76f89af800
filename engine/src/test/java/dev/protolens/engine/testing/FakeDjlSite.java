package dev.protolens.engine.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/**
 * DJL's distribution on 127.0.0.1 for tests, laid out like {@code https://publish.djl.ai/pytorch/2.7.1/}: a
 * {@code files.txt} listing {@code <flavor>/<classifier>/native/lib/<url-encoded name>.gz} and the gzip files under
 * those paths, with HTTP ranges (suffix ranges too), S3-style ETags (single MD5, or multipart with a given part size,
 * or none), and faults: a connection dropped after N bytes, bytes damaged in flight, a slow link. Every request is
 * recorded.
 */
public final class FakeDjlSite implements AutoCloseable {
    public record Request(String path, String range) {}

    public enum Etag { MD5, MULTIPART_1MIB, NONE }

    public static final class Served {
        public final byte[] original;
        public final byte[] gz;
        public volatile Etag etag = Etag.MD5;
        public volatile boolean corrupt;
        /** {bytes, times}: the next {@code times} full responses stop after {@code bytes}. */
        public final long[] drop = {Long.MAX_VALUE, 0};

        Served(byte[] original) {
            this.original = original;
            this.gz = gzip(original);
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory());
    private final Map<String, Served> files = new ConcurrentHashMap<>();
    private final List<String> index = Collections.synchronizedList(new ArrayList<>());
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    public volatile long bytesPerSecond;

    public FakeDjlSite() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/pytorch/2.7.1");
    }

    /** Publishes a library under flavor/classifier, listed in files.txt (the name URL-encoded as DJL does). */
    public Served publish(String flavor, String classifier, String name, byte[] content) {
        String line = flavor + "/" + classifier + "/native/lib/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + ".gz";
        Served s = new Served(content);
        files.put("/pytorch/2.7.1/" + line, s);
        index.add(line);
        return s;
    }

    public Served file(String name) {
        return files.entrySet().stream().filter(e -> e.getKey().contains("/cu128/linux-x86_64/")
                && e.getKey().endsWith("/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + ".gz"))
                .map(Map.Entry::getValue).findFirst().orElseThrow();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(new Request(path, range));
        try {
            if (path.equals("/pytorch/2.7.1/files.txt")) {
                byte[] b = (String.join("\n", index) + "\n").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
                return;
            }
            Served s = files.get(path);
            if (s == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            body(ex, s, range);
        } catch (IOException e) {
            // a dropped connection played on purpose, or the client went away
        } finally {
            ex.close();
        }
    }

    private void body(HttpExchange ex, Served s, String range) throws IOException {
        long size = s.gz.length;
        long start = 0;
        long end = size - 1;
        int status = 200;
        if (range != null && range.startsWith("bytes=")) {
            String r = range.substring(6);
            if (r.startsWith("-")) {
                start = Math.max(0, size - Long.parseLong(r.substring(1)));
            } else {
                start = Long.parseLong(r.substring(0, r.indexOf('-')));
            }
            if (start >= size) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        String etag = etag(s);
        if (etag != null) {
            ex.getResponseHeaders().set("ETag", "\"" + etag + "\"");
        }
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        long length = end - start + 1;
        long dropAt = Long.MAX_VALUE;
        boolean fullBody = range == null || !range.startsWith("bytes=-");
        if (fullBody) {
            synchronized (s.drop) {
                if (s.drop[1] > 0) {
                    s.drop[1]--;
                    dropAt = s.drop[0];
                }
            }
        }
        ex.sendResponseHeaders(status, length);
        OutputStream os = ex.getResponseBody();
        long t0 = System.nanoTime();
        long sent = 0;
        while (sent < length) {
            int n = (int) Math.min(8192, Math.min(length - sent, dropAt - sent));
            if (n <= 0) {
                os.flush();
                throw new IOException("dropped after " + sent + " bytes (played fault)");
            }
            byte[] chunk = java.util.Arrays.copyOfRange(s.gz, (int) (start + sent), (int) (start + sent + n));
            long mid = size / 2;
            if (s.corrupt && fullBody && mid >= start + sent && mid < start + sent + n) {
                chunk[(int) (mid - start - sent)] ^= 0x5a;
            }
            os.write(chunk);
            sent += n;
            long bps = bytesPerSecond;
            if (bps > 0) {
                os.flush();
                long wait = t0 + sent * 1_000_000_000L / bps - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
            }
        }
    }

    private static String etag(Served s) {
        return switch (s.etag) {
            case MD5 -> md5(s.gz);
            case NONE -> null;
            case MULTIPART_1MIB -> {
                ByteArrayOutputStream parts = new ByteArrayOutputStream();
                int n = 0;
                for (int off = 0; off < s.gz.length; off += 1 << 20) {
                    parts.writeBytes(md5Bytes(java.util.Arrays.copyOfRange(s.gz, off, Math.min(s.gz.length, off + (1 << 20)))));
                    n++;
                }
                yield md5(parts.toByteArray()) + "-" + n;
            }
        };
    }

    public static String md5(byte[] b) {
        return HexFormat.of().formatHex(md5Bytes(b));
    }

    private static byte[] md5Bytes(byte[] b) {
        try {
            return MessageDigest.getInstance("MD5").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Library-like bytes: half random (incompressible), half repetitive, so gzip has something to do. */
    public static byte[] library(int size, long seed) {
        byte[] b = new byte[size];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < size; i++) {
            b[i] = (i / 4096) % 2 == 0 ? (byte) r.nextInt() : (byte) (i % 251);
        }
        return b;
    }

    public static Map<String, byte[]> cudaLibraries() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("libtorch.so", library(20_000, 1));
        m.put("libc10.so", library(300_000, 2));
        m.put("libtorch_cpu.so", library(2_500_000, 3));
        m.put("libtorch_cuda.so", library(4_000_000, 4));
        m.put("libc++shim.so", library(5_000, 5)); // a name that must be URL-decoded ('+' is %2B in files.txt)
        return m;
    }
}
