package dev.protolens.engine.hub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A finished pull: the snapshot folder to open with {@code ModelLoader.load} and what each file took.
 *
 * @param bytesDownloaded bytes that came over the network in this pull (resumed and cached bytes excluded)
 */
public record PulledModel(String repoId, String revision, String commit, Path snapshot, List<FileResult> files,
                          long bytesTotal, long bytesDownloaded, Duration elapsed) {

    /**
     * @param fromCache   the blob was already complete in the cache
     * @param resumedFrom the byte offset the first request of this pull started from (an earlier partial download)
     * @param retries     connections that dropped or stalled and were resumed
     */
    public record FileResult(String file, long size, String etag, boolean fromCache, long resumedFrom, int retries) {}
}
