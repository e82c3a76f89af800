package dev.protolens.engine.hub;

import dev.protolens.engine.hub.DownloadProgress.Stage;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums the files of one pull into the events a listener sees. Every method is synchronized, so events from parallel
 * downloads arrive one at a time and in order. A file's counted bytes only grow: when a server ignores a Range and
 * the download restarts from zero, the count waits until the new bytes pass the old mark.
 */
final class ProgressTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressTracker.class);
    private static final long WINDOW_NANOS = 3_000_000_000L;

    private final String repoId;
    private final DownloadListener listener;
    private final long everyNanos;
    private final Map<String, long[]> files = new LinkedHashMap<>(); // name -> {size, counted, resumedFrom}
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();   // {nanoTime, network bytes so far}
    private long total;
    private long done;
    private long network;
    private int filesDone;
    private long lastEmit;
    private boolean listenerFailed;

    ProgressTracker(String repoId, DownloadListener listener, java.time.Duration every) {
        this.repoId = repoId;
        this.listener = listener;
        this.everyNanos = every.toNanos();
    }

    synchronized void planned(Map<String, Long> sizes) {
        sizes.forEach((name, size) -> {
            files.put(name, new long[] {size, 0, 0});
            total += size;
        });
        samples.add(new long[] {System.nanoTime(), 0});
        emit(Stage.PLANNED, null);
    }

    synchronized void cached(String file) {
        long[] f = files.get(file);
        add(f, f[0]);
        filesDone++;
        emit(Stage.CACHED, file);
    }

    synchronized void started(String file, long offset) {
        long[] f = files.get(file);
        f[2] = offset;
        add(f, offset);
        emit(Stage.STARTED, file);
    }

    /** @param at the file's byte count now; @param fresh bytes that just came over the network */
    synchronized void progress(String file, long at, long fresh) {
        add(files.get(file), at);
        network += fresh;
        long now = System.nanoTime();
        if (now - lastEmit >= everyNanos) {
            samples.add(new long[] {now, network});
            while (samples.size() > 2 && now - samples.peekFirst()[0] > WINDOW_NANOS) {
                samples.removeFirst();
            }
            emit(Stage.DOWNLOADING, file);
        }
    }

    synchronized void stage(String file, Stage stage) {
        emit(stage, file);
    }

    synchronized void done(String file) {
        long[] f = files.get(file);
        add(f, f[0]);
        filesDone++;
        emit(Stage.DONE, file);
    }

    synchronized void complete() {
        emit(Stage.COMPLETE, null);
    }

    synchronized long networkBytes() {
        return network;
    }

    private void add(long[] f, long at) {
        long counted = Math.min(Math.max(f[1], at), f[0]);
        done += counted - f[1];
        f[1] = counted;
    }

    private double speed() {
        if (samples.isEmpty()) {
            return 0;
        }
        long[] first = samples.peekFirst();
        double seconds = (System.nanoTime() - first[0]) / 1e9;
        return seconds < 0.05 ? 0 : (network - first[1]) / seconds;
    }

    private void emit(Stage stage, String file) {
        lastEmit = System.nanoTime();
        long[] f = file == null ? null : files.get(file);
        DownloadProgress p = new DownloadProgress(repoId, stage, file, f == null ? 0 : f[1], f == null ? 0 : f[0],
                f == null ? 0 : f[2], done, total, filesDone, files.size(), speed());
        try {
            listener.onProgress(p);
        } catch (RuntimeException e) {
            // a broken progress display must not break the download; say so once
            if (!listenerFailed) {
                listenerFailed = true;
                LOG.warn("the download progress listener failed; the download goes on without it", e);
            }
        }
    }
}
