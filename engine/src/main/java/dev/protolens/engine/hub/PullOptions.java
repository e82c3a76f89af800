package dev.protolens.engine.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.ToLongFunction;

/**
 * How a pull behaves on the network.
 *
 * @param parallelism    files downloaded at once (1-4; more does not help against one CDN)
 * @param retries        attempts in a row without a single new byte before a file's download gives up
 * @param retryBackoff   first pause after a dropped connection, doubled on each further failure (capped at 5 s)
 * @param stallTimeout   a connection that delivers nothing for this long is dropped and resumed
 * @param connectTimeout time to open a connection
 * @param progressEvery  smallest gap between two DOWNLOADING events (stage changes are always reported)
 * @param freeSpace      usable bytes on the file system of a folder (tests replace it to simulate a full disk)
 */
public record PullOptions(int parallelism, int retries, Duration retryBackoff, Duration stallTimeout,
                          Duration connectTimeout, Duration progressEvery, ToLongFunction<Path> freeSpace) {
    public PullOptions {
        if (parallelism < 1 || parallelism > 4) {
            throw new IllegalArgumentException("parallelism must be 1..4, was " + parallelism);
        }
    }

    public static PullOptions defaults() {
        return new PullOptions(3, 5, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofMillis(100), PullOptions::usableSpace);
    }

    public PullOptions withParallelism(int n) {
        return new PullOptions(n, retries, retryBackoff, stallTimeout, connectTimeout, progressEvery, freeSpace);
    }

    public PullOptions withRetries(int n, Duration backoff) {
        return new PullOptions(parallelism, n, backoff, stallTimeout, connectTimeout, progressEvery, freeSpace);
    }

    public PullOptions withStallTimeout(Duration d) {
        return new PullOptions(parallelism, retries, retryBackoff, d, connectTimeout, progressEvery, freeSpace);
    }

    public PullOptions withProgressEvery(Duration d) {
        return new PullOptions(parallelism, retries, retryBackoff, stallTimeout, connectTimeout, d, freeSpace);
    }

    public PullOptions withFreeSpace(ToLongFunction<Path> f) {
        return new PullOptions(parallelism, retries, retryBackoff, stallTimeout, connectTimeout, progressEvery, f);
    }

    static long usableSpace(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            return p == null ? Long.MAX_VALUE : Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
