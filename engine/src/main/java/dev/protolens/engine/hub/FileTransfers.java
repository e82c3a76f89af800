package dev.protolens.engine.hub;

import dev.protolens.engine.UserError;
import dev.protolens.engine.hub.DownloadProgress.Stage;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a set of files over HTTP, several at once, each into a {@code .incomplete} file beside its target: a
 * partial file left by an earlier run is resumed with a Range request, a dropped or stalled connection is resumed
 * where it stopped (with a growing pause, giving up after {@link PullOptions#retries()} attempts in a row without a
 * new byte), the finished bytes are checked against the expected hash, and only then moved into place. A damaged
 * file is deleted. Cancelling leaves the partial files for the next run.
 *
 * <p>Shared by model pulls ({@link Pull}) and the GPU runtime install ({@code engine.gpu}); the caller says where
 * the bytes come from ({@link Source}), what they must hash to ({@link Check}) and how problems are worded for its
 * user ({@link Wording}). Progress goes to one {@link DownloadListener} as {@link DownloadProgress} events.
 */
public final class FileTransfers {
    private static final Logger LOG = LoggerFactory.getLogger(FileTransfers.class);
    /** Two downloads in one process must not write the same .incomplete file. */
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /** Opens a file's bytes from {@code offset} on. */
    @FunctionalInterface
    public interface Source {
        /**
         * Answers 200 (the whole file), 206 (from the offset) or 416 (the offset is past the end). A connection
         * problem is an IOException (the caller retries); an answer that a retry cannot fix is a {@link UserError}
         * ({@link HubError} of kind SERVER is retried too).
         */
        Opened open(long offset) throws IOException, InterruptedException;
    }

    /** An open response: status 200 or 206 or 416, the body, and the first byte a 206 holds (-1 when unknown). */
    public record Opened(int status, InputStream body, long rangeStart) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /** What a finished file must hash to. */
    public interface Check {
        /** No hash to compare with (the size is still checked). */
        Check NONE = size -> null;

        /** A fresh hasher for a file of {@code size} bytes; null when there is nothing to compare. */
        Hasher start(long size);

        /** Sees every byte once, in order. */
        interface Hasher {
            void update(byte[] b, int off, int len);

            /** Null when the bytes are right, else what was found. */
            Mismatch mismatch();
        }

        /** @param kind "sha256", "git blob sha1", "md5" …; @param got what the bytes hash to; @param want what was expected */
        record Mismatch(String kind, String got, String want) {}

        static Check sha256(String hex) {
            return digest("SHA-256", "sha256", hex, null);
        }

        /** Git's blob id: sha1 over {@code "blob <size>\0"} and the bytes. */
        static Check gitBlobSha1(String hex) {
            return digest("SHA-1", "git blob sha1", hex, "blob ");
        }

        static Check md5(String hex) {
            return digest("MD5", "md5", hex, null);
        }

        private static Check digest(String algorithm, String kind, String want, String blobPrefix) {
            return size -> {
                MessageDigest md;
                try {
                    md = MessageDigest.getInstance(algorithm);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
                if (blobPrefix != null) {
                    md.update((blobPrefix + size + "\0").getBytes(StandardCharsets.US_ASCII));
                }
                return new Hasher() {
                    @Override
                    public void update(byte[] b, int off, int len) {
                        md.update(b, off, len);
                    }

                    @Override
                    public Mismatch mismatch() {
                        String got = HexFormat.of().formatHex(md.digest());
                        return got.equals(want) ? null : new Mismatch(kind, got, want);
                    }
                };
            };
        }
    }

    /** How the caller's user reads this download's problems (each says what to do next). */
    public interface Wording {
        /** The message of the CancellationException a cancelled run ends with. */
        String cancelled();

        UserError cannotWrite(IOException e);

        UserError diskFull(String file, long at, long size, IOException e);

        /** The connection failed {@code failures} times in a row at byte {@code at}; the bytes so far are kept. */
        UserError gaveUp(String file, int failures, String why, long at, long size, Throwable cause);

        /** The bytes do not hash to what was expected; the download was deleted. */
        UserError damaged(String file, Check.Mismatch mismatch);

        /** More bytes came than announced; the download was deleted. */
        UserError tooLong(String file, long size);
    }

    /** Hooks that let a running download be cancelled: its threads are registered so a cancel can wake them. */
    public interface Control {
        boolean isCancelled();

        void enter(Thread t);

        void leave(Thread t);
    }

    /** A {@link Control} that {@link #cancel()} stops within a second: its threads are woken by an interrupt. */
    public static final class Cancellation implements Control {
        private final java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.Set<Thread> threads = ConcurrentHashMap.newKeySet();

        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                threads.forEach(Thread::interrupt);
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }

        @Override
        public void enter(Thread t) {
            threads.add(t);
            if (cancelled.get()) {
                t.interrupt();
            }
        }

        @Override
        public void leave(Thread t) {
            threads.remove(t);
        }
    }

    /**
     * A file to fetch.
     *
     * @param target where the finished file goes (moved there atomically after its check)
     * @param part   the partial file the bytes are appended to
     */
    public record Item(String name, long size, Path target, Path part, Source source, Check check) {}

    /**
     * @param fromCache   the target was already complete
     * @param resumedFrom the byte offset the first request started from (an earlier partial download)
     * @param retries     connections that dropped or stalled and were resumed
     */
    public record Result(String name, long size, boolean fromCache, long resumedFrom, int retries) {}

    /** A running file download, watched for stalls by the coordinating thread. */
    private static final class Task {
        final Item item;
        volatile Thread thread;
        /** Only a transfer is watched: hashing a large file sends no bytes and must not be taken for a stall. */
        volatile boolean transferring;
        volatile long lastByteNanos = System.nanoTime();
        volatile boolean stalled;

        Task(Item item) {
            this.item = item;
        }
    }

    private final PullOptions options;
    private final ProgressTracker tracker;
    private final Wording wording;
    private final Consumer<Item> placed;
    private final AtomicBoolean stop = new AtomicBoolean();
    private Control control;

    /**
     * @param label  what the progress events name ({@link DownloadProgress#repoId()}): a repo id, "CUDA libtorch"
     * @param placed called (under the file's lock) once a target is in place, also when it already was
     */
    public FileTransfers(String label, PullOptions options, DownloadListener listener, Wording wording,
                         Consumer<Item> placed) {
        this.options = options;
        this.tracker = new ProgressTracker(label, listener, options.progressEvery());
        this.wording = wording;
        this.placed = placed;
    }

    /** Announces every file of the whole job (also those that will turn out complete) with its size. */
    public void planned(Map<String, Long> sizes) {
        tracker.planned(sizes);
    }

    /** Reports files that need no download at all (every file, when a caller answers from what is on disk). */
    public void cachedAll(Iterable<String> files) {
        files.forEach(tracker::cached);
    }

    /** Reports a stage of one file the caller works on (e.g. unpacking it after the download). */
    public void stage(String file, Stage stage) {
        tracker.stage(file, stage);
    }

    /** Reports the whole job done ({@link Stage#COMPLETE}). */
    public void complete() {
        tracker.complete();
    }

    /** Bytes that came over the network so far (resumed and complete files excluded). */
    public long networkBytes() {
        return tracker.networkBytes();
    }

    /** Why a connection failed, in a few words ("connection refused", "the host name does not resolve"). */
    public static String reason(Throwable e) {
        return HubClient.reason(e);
    }

    /** The first byte of a {@code Content-Range: bytes N-M/T} answer, -1 when it is not one. */
    public static long rangeStart(String contentRange) {
        return HubClient.rangeStart(contentRange);
    }

    /** Whether the target is there with the expected size. */
    public static boolean complete(Item item) {
        try {
            return Files.isRegularFile(item.target()) && Files.size(item.target()) == item.size();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Fetches every item (files already complete count as cached), {@link PullOptions#parallelism()} at a time,
     * and returns in the items' order. The first failure stops the others (their partial files stay).
     */
    public List<Result> run(List<Item> items, Control control) throws InterruptedException {
        this.control = control;
        List<Result> results = new ArrayList<>();
        List<Item> toFetch = new ArrayList<>();
        for (Item item : items) {
            if (complete(item)) {
                placed.accept(item);
                tracker.cached(item.name());
            } else {
                toFetch.add(item);
            }
        }
        Map<String, Result> byName = new java.util.HashMap<>();
        for (Result r : fetchAll(toFetch)) {
            byName.put(r.name(), r);
        }
        for (Item item : items) {
            results.add(byName.getOrDefault(item.name(), new Result(item.name(), item.size(), true, 0, 0)));
        }
        return results;
    }

    private List<Result> fetchAll(List<Item> items) throws InterruptedException {
        if (items.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.parallelism(), items.size()),
                Thread.ofPlatform().daemon().name("protolens-download-", 1).factory());
        ExecutorCompletionService<Result> done = new ExecutorCompletionService<>(pool);
        List<Task> tasks = new ArrayList<>();
        for (Item item : items) {
            Task t = new Task(item);
            tasks.add(t);
            done.submit(() -> fetch(t));
        }
        List<Result> results = new ArrayList<>();
        RuntimeException failure = null;
        try {
            while (results.size() < items.size() && failure == null) {
                Future<Result> f = done.poll(200, TimeUnit.MILLISECONDS);
                if (f != null) {
                    try {
                        results.add(f.get());
                    } catch (ExecutionException e) {
                        failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                }
                watchForStalls(tasks);
            }
        } catch (InterruptedException e) {
            failure = new CancellationException(wording.cancelled());
        } finally {
            if (failure != null || control.isCancelled()) {
                stop.set(true);
            }
            pool.shutdownNow();
            boolean interrupted = Thread.interrupted();
            // let every worker leave its file in a state the next run can resume before reporting the end
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("download threads did not stop within 5 s");
            }
            if (interrupted && failure == null) {
                Thread.currentThread().interrupt();
            }
        }
        if (control.isCancelled()) {
            throw new CancellationException(wording.cancelled());
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private void watchForStalls(List<Task> tasks) {
        long now = System.nanoTime();
        for (Task t : tasks) {
            Thread th = t.thread;
            if (th != null && t.transferring && now - t.lastByteNanos > options.stallTimeout().toNanos()) {
                LOG.info("{}: no data for {} s, reconnecting", t.item.name(), options.stallTimeout().toSeconds());
                t.stalled = true;
                t.lastByteNanos = now;
                th.interrupt();
            }
        }
    }

    private boolean stopping() {
        return stop.get() || control.isCancelled();
    }

    private void checkStop() {
        if (stopping()) {
            throw new CancellationException(wording.cancelled());
        }
    }

    private Result fetch(Task task) throws InterruptedException {
        Item item = task.item;
        Thread me = Thread.currentThread();
        control.enter(me);
        ReentrantLock lock = LOCKS.computeIfAbsent(item.target(), k -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            task.lastByteNanos = System.nanoTime();
            task.thread = me;
            return fetchLocked(task);
        } finally {
            task.thread = null;
            lock.unlock();
            control.leave(me);
        }
    }

    private Result fetchLocked(Task task) throws InterruptedException {
        Item item = task.item;
        if (complete(item)) {
            placed.accept(item);
            tracker.cached(item.name());
            return new Result(item.name(), item.size(), true, 0, 0);
        }
        Path part = item.part();
        long offset;
        try {
            Files.createDirectories(part.getParent());
            offset = Files.isRegularFile(part) ? Files.size(part) : 0;
            if (offset > item.size()) {
                Files.delete(part);
                offset = 0;
            }
            if (item.size() == 0) {
                Files.write(part, new byte[0]);
            }
        } catch (IOException e) {
            throw wording.cannotWrite(e);
        }
        long resumedFrom = offset;
        if (offset > 0) {
            LOG.info("{}: resuming at byte {} of {}", item.name(), offset, item.size());
        }
        tracker.started(item.name(), offset);
        int retries = 0;
        int failuresInRow = 0;
        long[] at = {offset};
        while (at[0] < item.size()) {
            checkStop();
            long before = at[0];
            try {
                transfer(task, at);
                if (at[0] < item.size()) {
                    throw new IOException("the connection closed at byte " + at[0] + " of " + item.size());
                }
            } catch (IOException | InterruptedException | HubError e) {
                if (stopping()) {
                    throw new CancellationException(wording.cancelled());
                }
                if (e instanceof HubError h && h.kind() != HubError.Kind.SERVER) {
                    throw h;
                }
                Thread.interrupted();
                retries++;
                failuresInRow = at[0] > before ? 1 : failuresInRow + 1;
                String why = task.stalled ? "stalled" : HubClient.reason(e);
                task.stalled = false;
                if (failuresInRow > options.retries()) {
                    throw wording.gaveUp(item.name(), failuresInRow, why, at[0], item.size(),
                            e instanceof HubError ? e : null);
                }
                LOG.info("{}: {} at byte {}; resuming (attempt {})", item.name(), why, at[0], failuresInRow + 1);
                tracker.stage(item.name(), Stage.RETRYING);
                long pause = Math.min(5000, options.retryBackoff().toMillis() << Math.min(failuresInRow - 1, 10));
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    checkStop();
                }
            }
        }
        checkStop();
        Thread.interrupted(); // a stall interrupt that raced with the last byte must not break the hashing below
        tracker.stage(item.name(), Stage.VERIFYING);
        verify(item);
        try {
            Files.move(part, item.target(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw wording.cannotWrite(e);
        }
        placed.accept(item);
        tracker.done(item.name());
        return new Result(item.name(), item.size(), false, resumedFrom, retries);
    }

    /** Appends to the .incomplete file from {@code at[0]} on, advancing it as bytes arrive. */
    private void transfer(Task task, long[] at) throws IOException, InterruptedException {
        Item item = task.item;
        task.lastByteNanos = System.nanoTime();
        task.transferring = true;
        try (Opened o = item.source().open(at[0])) {
            if (o.status() == 416) {
                // the server thinks the partial file is already past the end: start over
                Files.deleteIfExists(item.part());
                at[0] = 0;
                throw new IOException("the server refused the range; restarting " + item.name() + " from zero");
            }
            if (o.status() == 206 && at[0] > 0 && o.rangeStart() != at[0]) {
                Files.deleteIfExists(item.part());
                at[0] = 0;
                throw new IOException("the server answered a different range; restarting " + item.name() + " from zero");
            }
            boolean append = at[0] > 0 && o.status() == 206;
            if (!append && at[0] > 0) {
                LOG.info("{}: the server sent the whole file instead of a range; restarting from zero", item.name());
                at[0] = 0;
            }
            try (FileOutputStream out = new FileOutputStream(item.part().toFile(), append)) {
                InputStream in = o.body();
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (stopping()) {
                        return;
                    }
                    try {
                        out.write(buf, 0, n);
                    } catch (IOException e) {
                        throw writeError(item, at[0], e);
                    }
                    at[0] += n;
                    task.lastByteNanos = System.nanoTime();
                    if (at[0] > item.size()) {
                        Files.deleteIfExists(item.part());
                        throw wording.tooLong(item.name(), item.size());
                    }
                    tracker.progress(item.name(), at[0], n);
                }
            }
        } finally {
            task.transferring = false;
        }
    }

    private void verify(Item item) {
        Check.Hasher h = item.check().start(item.size());
        if (h == null) {
            return;
        }
        // FileInputStream, not an NIO channel: a cancel's interrupt must not close the file under the hash
        try (InputStream in = new FileInputStream(item.part().toFile())) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                h.update(buf, 0, n);
                checkStop();
            }
        } catch (IOException e) {
            checkStop();
            throw wording.cannotWrite(e);
        }
        Check.Mismatch m = h.mismatch();
        if (m != null) {
            try {
                Files.deleteIfExists(item.part());
            } catch (IOException e) {
                LOG.warn("cannot delete the damaged {}: {}", item.part(), e.getMessage());
            }
            throw wording.damaged(item.name(), m);
        }
    }

    private UserError writeError(Item item, long at, IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("no space") || m.contains("not enough space") || m.contains("disk full")) {
            return wording.diskFull(item.name(), at, item.size(), e);
        }
        return wording.cannotWrite(e);
    }
}
