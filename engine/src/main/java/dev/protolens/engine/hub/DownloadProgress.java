package dev.protolens.engine.hub;

/**
 * One progress report of a pull: the file it is about (null for the whole-pull stages) and the running totals.
 * {@code bytesDone} never goes down and ends equal to {@code bytesTotal}; a file's {@code fileBytes} ends equal to
 * its {@code fileSize}. Files already in the cache count as done at once ({@link Stage#CACHED}).
 *
 * @param resumedFrom   where the file's download restarted from (bytes kept from an interrupted download), else 0
 * @param bytesPerSecond network speed over the last few seconds
 */
public record DownloadProgress(String repoId, Stage stage, String file, long fileBytes, long fileSize, long resumedFrom,
                               long bytesDone, long bytesTotal, int filesDone, int filesTotal, double bytesPerSecond) {
    public enum Stage {
        /** The file list and sizes are known (file is null). */
        PLANNED,
        /** The file was already in the cache. */
        CACHED,
        STARTED,
        DOWNLOADING,
        /** The connection dropped or stalled; the download goes on from {@code fileBytes}. */
        RETRYING,
        /** All bytes are in; checking the sha256 (git sha1 for small files). */
        VERIFYING,
        DONE,
        /** Every file is in place (file is null). */
        COMPLETE
    }

    /** 0..1 of the whole pull. */
    public double fraction() {
        return bytesTotal <= 0 ? 1 : (double) bytesDone / bytesTotal;
    }
}
