package dev.protolens.engine.inside;

import dev.protolens.engine.UserError;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.util.List;

/**
 * The one forward pass of a fitted run, as the fit ran it: the vectors laid out by the arrangement, and the
 * text's tokens that output {@code offset + i} should write.
 *
 * @param target the text's token ids (no BOS), one per output column
 * @param pieces their vocabulary pieces
 */
public record FittedPass(String runId, ProtoTokens vectors, Arrangement arrangement, long[] target, String[] pieces,
                         String text) {

    /** A run of the library, checked against the open model. */
    public static FittedPass of(Run run, LoadedModel model) {
        RunRecord r = run.record();
        RunLibrary.requireModel(r, model);
        if (r.settings() == null || r.settings().arrangement() == null) {
            throw new UserError("Run " + r.id() + " does not say which arrangement it was fitted with (no settings in"
                    + " its run.json), so its forward pass cannot be rebuilt.");
        }
        if (r.tokenIds() == null || r.tokenIds().length == 0) {
            throw new UserError("Run " + r.id() + " stores no token ids, so there is no text to compare its pass with.");
        }
        Arrangement arr = Arrangement.parse(r.settings().arrangement());
        if (arr.inputLength(r.tokenIds().length) > model.config().maxPositions()) {
            throw new UserError("Run " + r.id() + " needs " + arr.inputLength(r.tokenIds().length) + " positions but "
                    + model.name() + " has a context of " + model.config().maxPositions() + ".");
        }
        List<String> stored = r.tokenPieces();
        String[] pieces = new String[r.tokenIds().length];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = stored != null && i < stored.size() ? stored.get(i) : model.tokenizer().piece(r.tokenIds()[i]);
        }
        return new FittedPass(r.id(), run.vectors(), arr, r.tokenIds().clone(), pieces, r.text());
    }

    /** Tokens the pass writes (N). */
    public int length() {
        return target.length;
    }

    /** Input positions, N or N + 1. */
    public int inputLength() {
        return arrangement.inputLength(target.length);
    }

    /** Per input position, 0 where it holds e and 1 where it holds m. */
    public long[] pattern() {
        return arrangement.inputPattern(target.length);
    }

    /** The input embeddings (inputLength, d), row-major. */
    public float[] input() {
        int d = vectors.dim();
        long[] p = pattern();
        float[] z = new float[p.length * d];
        for (int j = 0; j < p.length; j++) {
            System.arraycopy(p[j] == 0 ? vectors.e() : vectors.m(), 0, z, j * d, d);
        }
        return z;
    }
}
