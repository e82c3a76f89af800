package dev.protolens.engine.hub;

/**
 * Receives a pull's progress. Called from download threads, one call at a time and in order; keep it quick (a GUI
 * hands the event to its UI thread, a terminal redraws one line).
 */
@FunctionalInterface
public interface DownloadListener {
    DownloadListener NONE = p -> { };

    void onProgress(DownloadProgress progress);
}
