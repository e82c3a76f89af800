package dev.protolens.engine.hub;

import java.nio.file.Path;
import java.util.List;

/**
 * One snapshot in the Hugging Face cache.
 *
 * @param commit       the snapshot's commit hash; null for a repo whose first download has not finished a file
 * @param refs         the branch or tag names that point at this commit ("main"); empty when pulled by hash
 * @param path         the snapshot folder (what {@code ModelLoader.load} opens)
 * @param sizeBytes    bytes on disk of the files in this snapshot (a blob shared with another snapshot counts in both)
 * @param partialBytes bytes of unfinished downloads ({@code blobs/*.incomplete}) of the repo; a pull resumes them
 */
public record CachedModel(String repoId, String commit, List<String> refs, Path path, long sizeBytes, boolean loadable,
                          String family, List<String> missing, long partialBytes) {
}
