package dev.protolens.engine.model;

import dev.protolens.engine.weights.TensorInfo;
import dev.protolens.engine.weights.TensorSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A model's fingerprint: SHA-256 over its config (as ProtoLens understood it) and every tensor's name,
 * type and shape. Cheap (no weight bytes are read) and stable across copies of the same checkpoint; a run
 * record stores it so that decoding a run with another model is refused.
 */
public final class ModelIdentity {
    private ModelIdentity() {}

    public static String of(ModelConfig config, TensorSource source) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ModelConfig c = config.withStoredDtype("-");
        md.update(c.toString().getBytes(StandardCharsets.UTF_8));
        source.tensors().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(t -> md.update(
                (t.name() + ":" + t.type() + Arrays.toString(t.shape()) + ";").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }
}
