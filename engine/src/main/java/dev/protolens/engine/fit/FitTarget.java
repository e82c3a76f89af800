package dev.protolens.engine.fit;

import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.UserError;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.tokenizer.Encoding;

/**
 * A text to reconstruct, as the model's token ids without BOS (the tokenizer's normal leading "▁" kept),
 * exactly as the reference's targets.
 */
public record FitTarget(String text, long[] ids, String[] pieces, int[] starts, int[] ends) {

    public int length() {
        return ids.length;
    }

    /** Tokenises and checks the text against the model: not empty, within the context for the arrangement. */
    public static FitTarget of(LoadedModel model, String text, Arrangement arrangement) {
        if (text == null || text.isEmpty()) {
            throw new UserError("The text is empty: type or paste the text the model should write.");
        }
        Encoding enc = model.tokenizer().encode(text, false);
        if (enc.size() == 0) {
            throw new UserError("The text has no tokens for this model's tokenizer.");
        }
        int inputs = arrangement.inputLength(enc.size());
        if (inputs > model.config().maxPositions()) {
            throw new UserError("The text is " + enc.size() + " tokens long but " + model.name()
                    + " has a context of " + model.config().maxPositions() + " positions"
                    + (arrangement.offset() > 0 ? " (this arrangement needs one more)" : "")
                    + ". Shorten the text to at most " + (model.config().maxPositions() - arrangement.offset()) + " tokens.");
        }
        return new FitTarget(text, enc.ids(), enc.pieces(), enc.starts(), enc.ends());
    }
}
