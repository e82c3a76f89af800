package dev.protolens.engine.hub;

import dev.protolens.engine.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face access token. The value leaves this object only as the {@code Authorization} header of a request
 * to the hub's own origin: {@link #toString()} names where it came from, never what it is, so a token cannot end
 * up in a log line, an exception message or a run record by accident.
 */
public final class HubToken {
    /** The file under the settings folder where a token typed into ProtoLens is kept (owner-only permissions). */
    public static final String SETTINGS_FILE = "hf_token";

    private final String value;
    private final String source;

    private HubToken(String value, String source) {
        this.value = value;
        this.source = source;
    }

    /** Where the token came from, for the UI: "HF_TOKEN", "ProtoLens settings" or the huggingface-cli token file. */
    public String source() {
        return source;
    }

    String bearer() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "HubToken[from " + source + ", value hidden]";
    }

    /**
     * The token to use, first found wins: {@code HF_TOKEN}, the legacy {@code HUGGING_FACE_HUB_TOKEN}, the token saved
     * in ProtoLens settings, then the file {@code huggingface-cli login} writes ({@code HF_TOKEN_PATH} or
     * {@code $HF_HOME/token}).
     */
    static Optional<HubToken> find(Map<String, String> env, Path settingsDir, Path hfHome) {
        for (String name : new String[] {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return Optional.of(new HubToken(v.strip(), name));
            }
        }
        Optional<HubToken> saved = read(settingsDir.resolve(SETTINGS_FILE), "ProtoLens settings");
        if (saved.isPresent()) {
            return saved;
        }
        String path = env.get("HF_TOKEN_PATH");
        Path cliToken = path != null && !path.isBlank() ? Path.of(path) : hfHome.resolve("token");
        return read(cliToken, cliToken.toString());
    }

    private static Optional<HubToken> read(Path file, String source) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String v = Files.readString(file, StandardCharsets.UTF_8).strip();
            return v.isEmpty() ? Optional.empty() : Optional.of(new HubToken(v, source));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Saves a token into the settings folder, readable by the owner only where the file system allows it. */
    public static void save(Path settingsDir, String token) {
        if (token == null || token.isBlank() || token.strip().chars().anyMatch(Character::isWhitespace)) {
            throw new UserError("That is not a Hugging Face token: paste the token from https://huggingface.co/settings/tokens"
                    + " (one word starting with hf_)");
        }
        try {
            Files.createDirectories(settingsDir);
            Path tmp = settingsDir.resolve(SETTINGS_FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                // a concurrent save; writing over it below is fine
            }
            Files.writeString(tmp, token.strip(), StandardCharsets.UTF_8);
            Files.move(tmp, settingsDir.resolve(SETTINGS_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserError("Cannot save the Hugging Face token in " + settingsDir + ": " + e.getMessage());
        }
    }

    /** Removes a token saved in ProtoLens settings (HF_TOKEN and huggingface-cli's file are left alone). */
    public static boolean forget(Path settingsDir) {
        try {
            return Files.deleteIfExists(settingsDir.resolve(SETTINGS_FILE));
        } catch (IOException e) {
            throw new UserError("Cannot remove " + settingsDir.resolve(SETTINGS_FILE) + ": " + e.getMessage());
        }
    }
}
