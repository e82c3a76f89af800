package dev.protolens.engine.store;

import dev.protolens.engine.UserError;
import dev.protolens.engine.Version;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitStart;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.fit.Init;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.runtime.EngineRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/** Builds {@link RunRecord}s from what the engine produced. */
public final class RunRecords {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunRecords() {}

    /**
     * A readable id: UTC time, the text's first words and eight random hex digits. Unique across processes
     * by chance (2^-32 for two fits of one text in the same second); {@link RunLibrary#save} with
     * {@link RunLibrary.Expect#NEW} makes a clash an error instead of an overwrite.
     */
    public static String newId(String text, Instant when) {
        String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 24) {
            slug = slug.substring(0, 24).replaceAll("-+$", "");
        }
        byte[] r = new byte[4];
        RANDOM.nextBytes(r);
        return ID_TIME.format(when) + (slug.isEmpty() ? "" : "-" + slug) + "-" + HexFormat.of().formatHex(r);
    }

    /**
     * The id of one item of a batch: the batch's id and the item's seed, which differ within a batch by
     * construction (item i uses seed + i), so a batch of any size never repeats an id.
     */
    public static String itemId(String batchId, long seed) {
        return batchId + "-s" + seed;
    }

    /**
     * Where the run's model is, checked to exist: the one rule for "open the model a run was fitted with" in the
     * window and every command. {@code howElse} ends the message with what the user can do instead (give
     * {@code --model}, open it with Ctrl+O).
     */
    public static Path modelPath(RunRecord r, String howElse) {
        if (r.model() == null || r.model().path() == null) {
            throw new UserError("Run " + r.id() + " does not say where its model is; " + howElse + ".");
        }
        Path p = Path.of(r.model().path());
        if (!Files.exists(p)) {
            throw new UserError("Run " + r.id() + " was fitted with " + r.model().name() + " at " + p
                    + ", which is not there any more; " + howElse + ".");
        }
        return p;
    }

    public static RunRecord.ModelInfo modelInfo(LoadedModel m) {
        return new RunRecord.ModelInfo(m.name(), m.path().toString(), m.format(), m.config().modelType(),
                m.config().hiddenSize(), m.config().numLayers(), m.config().vocabSize(), m.model().parameterCount(),
                m.identity());
    }

    public static RunRecord.Settings settings(FitSpec s) {
        return new RunRecord.Settings(s.arrangement().cliName(), s.init().cliName(), s.seed(), s.lr(), s.beta1(),
                s.beta2(), s.eps(), s.weightDecay(), s.maxSteps(), s.targetAccuracy(), s.sharedM(), start(s.start()));
    }

    static RunRecord.Start start(FitStart f) {
        return new RunRecord.Start(f.describe(), f.schedule().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                f.peak(), f.warmupSteps(), f.focus(), f.initScale(),
                f.warm().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), f.warmSource());
    }

    /** The start a record names, or the paper's when it names none or one this version cannot read. */
    static FitStart start(RunRecord.Start st) {
        if (st == null) {
            return FitStart.PAPER;
        }
        try {
            return new FitStart(FitStart.parseSchedule(st.schedule()), st.peak(), st.warmupSteps(), st.focus(),
                    st.initScale(), FitStart.parseWarm(st.warm()), st.warmSource());
        } catch (RuntimeException e) {
            return FitStart.PAPER;
        }
    }

    /**
     * The settings a record was fitted with, back as a {@link FitSpec} (the inverse of {@link #settings}); a
     * value a record lacks or that no longer parses falls back to the paper's default.
     */
    public static FitSpec spec(RunRecord.Settings st) {
        FitSpec d = FitSpec.defaults();
        if (st == null) {
            return d;
        }
        Arrangement arr = d.arrangement();
        Init init = d.init();
        try {
            arr = Arrangement.parse(st.arrangement());
        } catch (RuntimeException e) {
            // an arrangement this version does not know: the default's
        }
        try {
            init = Init.parse(st.init());
        } catch (RuntimeException e) {
            // as above
        }
        return new FitSpec(arr, init, st.seed(), st.lr() > 0 ? st.lr() : d.lr(), st.beta1(), st.beta2(),
                st.eps() > 0 ? st.eps() : d.eps(), st.weightDecay(), st.maxSteps() > 0 ? st.maxSteps() : d.maxSteps(),
                st.targetAccuracy() > 0 ? st.targetAccuracy() : d.targetAccuracy(), st.sharedM(), start(st.start()));
    }

    public static String status(FitResult.Status s, boolean reached) {
        return switch (s) {
            case REACHED -> "complete";
            case MAX_STEPS -> reached ? "complete" : "max_steps";
            case CANCELLED -> reached ? "complete" : "cancelled";
            case DIVERGED -> "diverged";
        };
    }

    /**
     * The record of item {@code item} of a fit.
     *
     * @param decoded one-pass decode of the item's stored vectors (null if not computed)
     * @param hLm     H_LM of the text in nats, or NaN
     */
    public static RunRecord fromFit(String id, LoadedModel m, FitSpec spec, FitResult result, FitResult.Item item,
                                    String batchId, Decoded decoded, double hLm, Instant started, String status) {
        FitTarget t = item.target();
        FitHistory h = item.history();
        Instant finished = Instant.now();
        EngineRuntime rt = EngineRuntime.get();
        int correct = decoded != null ? decoded.correctCount() : item.correctTokens();
        double acc = decoded != null ? decoded.accuracy() : item.accuracy();
        RunRecord.Metrics metrics = new RunRecord.Metrics(acc, item.loss(), correct, t.length(), item.reached(),
                item.stepsToReach(), item.bestStep(), result.updates(), hLm, decoded != null ? decoded.text() : null);
        RunRecord.Timings timings = new RunRecord.Timings(started.toString(), finished.toString(), result.millis(),
                result.millisPerStep(), result.stepsPerSecond());
        RunRecord.Environment env = new RunRecord.Environment(rt.deviceName(), rt.threads(), rt.describe(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), Runtime.version().toString());
        RunRecord.Batch batch = result.items().size() > 1
                ? new RunRecord.Batch(batchId, item.index(), result.items().size()) : null;
        return new RunRecord(RunRecord.SCHEMA_VERSION, id, started.toString(), Version.VALUE, modelInfo(m), t.text(),
                t.ids(), Arrays.asList(t.pieces()), settings(spec.withSeed(item.seed())), status, metrics,
                new RunRecord.History(h.loss(0), h.accuracy(0)), timings, env, batch, null, null);
    }
}
