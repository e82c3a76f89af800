package dev.protolens.engine.hub;

import dev.protolens.engine.AppDirs;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where models come from and go, read from the same environment variables the Python tools read, so a model
 * ProtoLens downloads is found by {@code transformers} and the other way round.
 *
 * @param endpoint    {@code HF_ENDPOINT}, else https://huggingface.co (no trailing slash)
 * @param cacheDir    {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}
 * @param hfHome      {@code HF_HOME}, else {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}
 * @param settingsDir ProtoLens's own settings folder ({@link AppDirs#config()}: recent models, a saved token)
 * @param offline     {@code HF_HUB_OFFLINE} is 1/true/yes/on: no network call at all, the cache only
 * @param token       the access token for gated and private repos, if any (see {@link HubToken#find})
 */
public record HubEnvironment(String endpoint, Path cacheDir, Path hfHome, Path settingsDir, boolean offline,
                             Optional<HubToken> token) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubEnvironment {
        endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        URI.create(endpoint);
    }

    public static HubEnvironment fromSystem() {
        return from(System.getenv(), AppDirs.config());
    }

    /** @param env the environment variables to read (tests pass their own, so nothing touches the real cache) */
    public static HubEnvironment from(Map<String, String> env, Path settingsDir) {
        Path user = Path.of(System.getProperty("user.home"));
        Path hfHome;
        if (set(env, "HF_HOME")) {
            hfHome = Path.of(env.get("HF_HOME"));
        } else if (set(env, "XDG_CACHE_HOME")) {
            hfHome = Path.of(env.get("XDG_CACHE_HOME")).resolve("huggingface");
        } else {
            hfHome = user.resolve(".cache").resolve("huggingface");
        }
        hfHome = hfHome.toAbsolutePath();
        Path cache;
        if (set(env, "HF_HUB_CACHE")) {
            cache = Path.of(env.get("HF_HUB_CACHE"));
        } else if (set(env, "HUGGINGFACE_HUB_CACHE")) {
            cache = Path.of(env.get("HUGGINGFACE_HUB_CACHE"));
        } else {
            cache = hfHome.resolve("hub");
        }
        Path settings = settingsDir.toAbsolutePath();
        String endpoint = set(env, "HF_ENDPOINT") ? env.get("HF_ENDPOINT").strip() : DEFAULT_ENDPOINT;
        return new HubEnvironment(endpoint, cache.toAbsolutePath(), hfHome, settings, truthy(env.get("HF_HUB_OFFLINE")),
                HubToken.find(env, settings, hfHome));
    }

    /** The page where a person reads a repo's card and accepts a gated model's licence. */
    public String repoPage(String repoId) {
        return endpoint + "/" + repoId;
    }

    private static boolean set(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static boolean truthy(String v) {
        if (v == null) {
            return false;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            default -> false;
        };
    }
}
