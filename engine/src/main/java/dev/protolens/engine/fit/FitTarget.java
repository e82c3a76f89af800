package dev.protolens.engine.fit;

import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.model.LoadedModel;

/**
 * A text to reconstruct, as the model's token ids without BOS (the tokenizer's normal leading "▁" kept),
 * exactly as the reference's targets.
 */
public record FitTarget(String text, long[] ids, String[] pieces, int[] starts, int[] ends) {

    public int length() {
        return ids.length;
    }

    /** Tokenises and checks the text against the model (see {@link TextCheck}); the problem as a UserError. */
    public static FitTarget of(LoadedModel model, String text, Arrangement arrangement) {
        return TextCheck.of(model, text, arrangement).target();
    }
}
