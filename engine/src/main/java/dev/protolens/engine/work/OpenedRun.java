package dev.protolens.engine.work;

import dev.protolens.engine.UserError;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.decode.OneStepDecoder;
import dev.protolens.engine.decode.TextEntropy;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A stored run shown again with the open model: its text tokenised as it was fitted, its settings, its curves,
 * and its vectors decoded in one pass (top-k alternatives included), with H_LM from the record or measured.
 *
 * @param decoded the one-pass decode with the open model now (what the strip shows)
 */
public record OpenedRun(Run run, FitTarget target, FitSpec spec, Decoded decoded, double hLm, FitHistory history) {
    /** Alternatives per position in the decode of an opened run. */
    public static final int TOP_K = 5;

    /**
     * Decodes the run on the session's worker. Refused (a {@link UserError}, thrown here) when the open model's
     * tokenizer gives other token ids for the run's text: its vectors would be read against other tokens.
     */
    public static CompletableFuture<OpenedRun> open(ModelSession session, Run run) {
        RunRecord r = run.record();
        FitSpec spec = RunRecords.spec(r.settings());
        FitTarget t = FitTarget.of(session.model(), r.text(), spec.arrangement());
        if (!Arrays.equals(t.ids(), r.tokenIds())) {
            throw new UserError("Run " + r.id() + " stores other token ids than " + session.model().name()
                    + "'s tokenizer gives for its text; it cannot be shown with this model.");
        }
        FitHistory history = r.history() != null && r.history().loss() != null
                ? FitHistory.of(new float[][] {r.history().loss()}, new float[][] {r.history().accuracy()})
                : new FitHistory(1);
        double stored = r.metrics() != null ? r.metrics().hLm() : Double.NaN;
        OneStepDecoder decoder = new OneStepDecoder(session.model());
        return session.submit(m -> new OpenedRun(run, t, spec,
                decoder.decode(run.vectors(), t.length(), spec.arrangement(), t.ids(), TOP_K),
                Double.isFinite(stored) ? stored : TextEntropy.hLm(m, t.ids()), history));
    }
}
