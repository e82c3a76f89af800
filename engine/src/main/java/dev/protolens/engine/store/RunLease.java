package dev.protolens.engine.store;

import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * The right to fit some runs of a library, held by one fit in one process. Two resumes of one checkpoint would
 * otherwise both write it, and the one that ends last would win whatever it found. A lease is a small file
 * {@code .leases/<run id>.json} (who: pid, host, since), written and removed under the library's lock.
 *
 * <p>A lease whose holder is gone is taken over: on this host when its process no longer runs (or its pid now
 * belongs to a younger process); from another host (a shared library on a cluster file system) when it was
 * not renewed for {@link #STALE_AFTER}. The holder renews every {@link #RENEW_EVERY} from a daemon thread, so
 * even a fit whose single step takes minutes keeps its lease.
 */
public final class RunLease implements AutoCloseable {
    static final Duration RENEW_EVERY = Duration.ofSeconds(30);
    static final Duration STALE_AFTER = Duration.ofMinutes(5);
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService RENEWER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-lease-renewal");
        t.setDaemon(true);
        return t;
    });

    /** Who holds a lease, as written in its file. */
    public record Holder(long pid, String host, Instant since, Instant renewed, Instant processStart, String token,
                         String what) {
        String describe() {
            return "pid " + pid + " on " + host + ", " + what + ", since " + since;
        }
    }

    private final RunLibrary library;
    private final Path folder;
    private final List<String> ids;
    private final Holder me;
    private final ScheduledFuture<?> renewal;
    private volatile boolean closed;

    private RunLease(RunLibrary library, Path folder, List<String> ids, Holder me) {
        this.library = library;
        this.folder = folder;
        this.ids = ids;
        this.me = me;
        long every = RENEW_EVERY.toMillis();
        this.renewal = RENEWER.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** Called under the library's lock: refuses if any run is held by a live holder, else writes every lease. */
    static RunLease acquire(RunLibrary library, Path folder, List<String> ids, String what) throws IOException {
        for (String id : ids) {
            Optional<Holder> h = read(folder, id);
            if (h.isPresent() && alive(h.get())) {
                throw new RunStoreException("Run " + id + " is being fitted by another " + (isThisProcess(h.get())
                        ? "fit in this window" : "process") + " (" + h.get().describe() + "). Wait for it to finish"
                        + " or stop it; a lease left by a process that died is taken over by the next fit.");
            }
        }
        Instant now = Instant.now();
        ProcessHandle self = ProcessHandle.current();
        Holder me = new Holder(self.pid(), hostName(), now, now, self.info().startInstant().orElse(null),
                UUID.randomUUID().toString(), what);
        Files.createDirectories(folder);
        for (String id : ids) {
            write(folder, id, me);
        }
        LIVE.add(me.token());
        return new RunLease(library, folder, ids, me);
    }

    public List<String> ids() {
        return ids;
    }

    /** Ends the lease: its files are removed (those still ours), the runs are free for the next fit. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        renewal.cancel(false);
        LIVE.remove(me.token());
        try {
            library.underLock("release the lease of " + ids, dir -> {
                for (String id : ids) {
                    try {
                        if (read(dir, id).map(h -> h.token().equals(me.token())).orElse(false)) {
                            Files.deleteIfExists(file(dir, id));
                        }
                    } catch (IOException e) {
                        // a stale lease of a dead holder is taken over; nothing is lost by leaving it
                    }
                }
            });
        } catch (RuntimeException e) {
            // as above: a lease left behind only costs the next fit a liveness check
        }
    }

    private void renew() {
        if (closed) {
            return;
        }
        try {
            Holder renewed = new Holder(me.pid(), me.host(), me.since(), Instant.now(), me.processStart(), me.token(),
                    me.what());
            library.underLock("renew the lease of " + ids, dir -> {
                for (String id : ids) {
                    try {
                        if (read(dir, id).map(h -> h.token().equals(me.token())).orElse(false)) {
                            write(dir, id, renewed);
                        }
                    } catch (IOException e) {
                        // tried again at the next renewal
                    }
                }
            });
        } catch (RuntimeException e) {
            // a full disk or a vanished library: the fit goes on, the next renewal tries again
        }
    }

    /** Whether a lease's holder still runs (see the class comment). */
    static boolean alive(Holder h) {
        if (LIVE.contains(h.token())) {
            return true;
        }
        if (isThisProcess(h)) {
            return false; // this process holds no such lease any more
        }
        if (!h.host().equals(hostName())) {
            return h.renewed() != null && h.renewed().isAfter(Instant.now().minus(STALE_AFTER));
        }
        Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        Optional<Instant> start = p.get().info().startInstant();
        // the pid was reused by a process that started after the lease was taken
        return h.processStart() == null || start.isEmpty() || !start.get().isAfter(h.processStart().plusSeconds(1));
    }

    private static boolean isThisProcess(Holder h) {
        return h.pid() == ProcessHandle.current().pid() && h.host().equals(hostName());
    }

    static Optional<Holder> read(Path folder, String id) throws IOException {
        Path f = file(folder, id);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            JsonNode n = RunLibrary.JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
            return Optional.of(new Holder(n.path("pid").asLong(-1), n.path("host").asString(""),
                    instant(n, "since"), instant(n, "renewed"), instant(n, "process_start"),
                    n.path("token").asString(""), n.path("what").asString("a fit")));
        } catch (RuntimeException e) {
            return Optional.empty(); // a torn lease file (a kill while writing it) holds nothing
        }
    }

    private static Instant instant(JsonNode n, String field) {
        String s = n.path(field).asString(null);
        try {
            return s == null ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void write(Path folder, String id, Holder h) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", h.pid());
        m.put("host", h.host());
        m.put("since", h.since().toString());
        m.put("renewed", h.renewed().toString());
        m.put("process_start", h.processStart() != null ? h.processStart().toString() : null);
        m.put("token", h.token());
        m.put("what", h.what());
        AtomicFiles.write(file(folder, id), RunLibrary.JSON.writeValueAsBytes(m));
    }

    private static Path file(Path folder, String id) {
        return folder.resolve(id + ".json");
    }

    /** The host's name without a network lookup (a lookup can stall for seconds on a machine without DNS). */
    static String hostName() {
        for (String f : List.of("/proc/sys/kernel/hostname", "/etc/hostname")) {
            try {
                String s = Files.readString(Path.of(f)).strip();
                if (!s.isEmpty()) {
                    return s;
                }
            } catch (IOException | RuntimeException e) {
                // next source
            }
        }
        for (String env : List.of("COMPUTERNAME", "HOSTNAME")) {
            String s = System.getenv(env);
            if (s != null && !s.isBlank()) {
                return s;
            }
        }
        return "localhost";
    }

    /** Leases present in a library (for status displays and tests). */
    static List<Holder> all(Path folder) throws IOException {
        List<Holder> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (var s = Files.list(folder)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".json")) {
                    read(folder, n.substring(0, n.length() - 5)).ifPresent(out::add);
                }
            }
        }
        return out;
    }
}
