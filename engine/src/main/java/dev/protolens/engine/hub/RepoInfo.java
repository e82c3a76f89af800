package dev.protolens.engine.hub;

import java.util.List;
import java.util.Optional;

/**
 * The hub's answer to {@code GET /api/models/{repo}/revision/{rev}?blobs=true}: the commit the revision stands for
 * and the files at that commit.
 *
 * @param sha the commit hash (40 hex digits)
 */
public record RepoInfo(String id, String sha, List<RepoFile> files) {

    /**
     * One sibling. {@code blobId} is git's blob sha1 of the file (for an LFS file: of its pointer); {@code lfsSha256}
     * is set for LFS files and is both the blob's name in the cache and the hash the bytes must have.
     *
     * @param size bytes of the real file (the LFS size for LFS files), -1 when the hub did not say
     */
    public record RepoFile(String name, long size, String blobId, String lfsSha256) {
        public boolean isLfs() {
            return lfsSha256 != null;
        }

        /** The blob name huggingface_hub uses: the sha256 for LFS files, the git blob sha1 otherwise. */
        public Optional<String> etag() {
            return Optional.ofNullable(isLfs() ? lfsSha256 : blobId);
        }
    }

    public Optional<RepoFile> file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
