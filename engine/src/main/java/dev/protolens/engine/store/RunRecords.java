package dev.protolens.engine.store;

import dev.protolens.engine.Version;
import dev.protolens.engine.decode.Decoded;
import dev.protolens.engine.fit.FitHistory;
import dev.protolens.engine.fit.FitResult;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitTarget;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.runtime.EngineRuntime;
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

    /** A readable, unique id: UTC time, the text's first words, four random hex digits. */
    public static String newId(String text, Instant when) {
        String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 24) {
            slug = slug.substring(0, 24).replaceAll("-+$", "");
        }
        byte[] r = new byte[2];
        RANDOM.nextBytes(r);
        return ID_TIME.format(when) + (slug.isEmpty() ? "" : "-" + slug) + "-" + HexFormat.of().formatHex(r);
    }

    public static RunRecord.ModelInfo modelInfo(LoadedModel m) {
        return new RunRecord.ModelInfo(m.name(), m.path().toString(), m.format(), m.config().modelType(),
                m.config().hiddenSize(), m.config().numLayers(), m.config().vocabSize(), m.model().parameterCount(),
                m.identity());
    }

    public static RunRecord.Settings settings(FitSpec s) {
        return new RunRecord.Settings(s.arrangement().cliName(), s.init().cliName(), s.seed(), s.lr(), s.beta1(),
                s.beta2(), s.eps(), s.weightDecay(), s.maxSteps(), s.targetAccuracy(), s.sharedM());
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
