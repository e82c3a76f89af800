package dev.protolens.engine.hub;

import dev.protolens.engine.UserError;

/**
 * A download or cache problem a person can act on. {@link #kind()} lets the GUI pick what to offer next
 * (a token field for {@link Kind#GATED}, "open a local file" for {@link Kind#OFFLINE} and {@link Kind#NO_NETWORK}).
 */
public final class HubError extends UserError {
    public enum Kind {
        /** HF_HUB_OFFLINE is set and the cache cannot answer. */
        OFFLINE,
        /** The hub cannot be reached (connection refused, DNS, timeout, the connection kept dropping). */
        NO_NETWORK,
        /** 401/403: a gated or private repo, no token or a token without access. */
        GATED,
        /** 404: no such repo, revision or file. */
        NOT_FOUND,
        /** The repo lacks what ProtoLens reads (safetensors weights, config.json, tokenizer.json). */
        UNSUPPORTED,
        /** The downloaded bytes do not hash to what the hub reported. */
        HASH_MISMATCH,
        /** Not enough free space for the download. */
        DISK_FULL,
        /** The hub answered with an error we cannot fix from here (5xx, 429, a malformed answer). */
        SERVER,
        /** Not a repo id, or a repo/revision absent from the cache. */
        BAD_REQUEST
    }

    private final Kind kind;

    public HubError(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public HubError(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
