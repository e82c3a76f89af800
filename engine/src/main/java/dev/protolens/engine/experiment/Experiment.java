package dev.protolens.engine.experiment;

import dev.protolens.engine.UserError;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One of the paper's experiments: it writes its {@link Plan} (the fits) and reads the plan's results into an
 * {@link ExperimentReport}. The same two steps serve the window, {@code protolens experiment NAME} and a cluster
 * that runs the plan in shards and analyses it afterwards.
 */
public interface Experiment {
    /** The command-line name ("arrangements"). */
    String name();

    String title();

    /** The paper's claim, with its numbers. */
    String claim();

    /** When it wants a GPU (long texts, big models), one sentence; else null. */
    default String gpuNote() {
        return null;
    }

    Plan plan(Options options);

    /** The report from the results present (a partial plan gives a partial report, marked as such). */
    ExperimentReport analyse(Plan plan, Map<String, ItemResult> results, Context context) throws Exception;

    /**
     * What a user chooses. Null fields take the experiment's defaults for {@code quick} (a laptop budget on a
     * small model) or the full run.
     *
     * @param samples   the texts offered with the app, in the order the experiments pick them
     * @param userTexts the user's own texts (added to those the experiment picks)
     * @param count     texts (locality), pairs (paths), or null
     * @param tokenCount the model's token count of a text (null: not known, e.g. when only writing a plan)
     */
    record Options(String model, boolean quick, List<NamedText> samples, List<NamedText> userTexts, Integer seeds,
                   int[] lengths, Integer steps, Integer count, java.util.function.ToIntFunction<String> tokenCount) {
        public static Options of(String model, boolean quick, List<NamedText> samples) {
            return new Options(model, quick, samples, List.of(), null, null, null, null, null);
        }

        /** Tokens of a text for the model (so a grid stops at the text's length), or MAX_VALUE when unknown. */
        public int tokens(String text) {
            return tokenCount == null ? Integer.MAX_VALUE : tokenCount.applyAsInt(text);
        }

        public int seedsOr(int quickValue, int fullValue) {
            return seeds != null ? seeds : quick ? quickValue : fullValue;
        }

        public int stepsOr(int quickValue, int fullValue) {
            return steps != null ? steps : quick ? quickValue : fullValue;
        }

        public int countOr(int quickValue, int fullValue) {
            return count != null ? count : quick ? quickValue : fullValue;
        }

        public int[] lengthsOr(int[] quickValue, int[] fullValue) {
            return lengths != null && lengths.length > 0 ? lengths : quick ? quickValue : fullValue;
        }

        /** The first n sample texts named in {@code preferred} (then any others), plus the user's texts. */
        public List<NamedText> texts(int n, String... preferred) {
            return texts(n, 0, preferred);
        }

        /**
         * The same, keeping only texts of at least {@code minTokens} tokens for the model (when the token count is
         * known), so a fixed-length experiment never plans a prefix longer than its text.
         */
        public List<NamedText> texts(int n, int minTokens, String... preferred) {
            java.util.List<NamedText> out = new java.util.ArrayList<>();
            for (String p : preferred) {
                samples.stream().filter(t -> t.name().equals(p) && tokens(t.text()) >= minTokens).findFirst()
                        .ifPresent(t -> {
                            if (out.size() < n) {
                                out.add(t);
                            }
                        });
            }
            for (NamedText t : samples) {
                if (out.size() < n && !out.contains(t) && tokens(t.text()) >= minTokens) {
                    out.add(t);
                }
            }
            out.addAll(userTexts == null ? List.of() : userTexts);
            if (out.isEmpty()) {
                throw new UserError("There are no texts to run the experiment on: add a text or the sample texts.");
            }
            return out;
        }

        public Plan.Settings settings(int quickSteps, int fullSteps) {
            return Plan.Settings.paper().withSteps(stepsOr(quickSteps, fullSteps));
        }
    }

    /** What an analysis may use beyond the results: the model (decodes, paths) and the runs' library. */
    record Context(ModelSession session, RunLibrary library) {}

    static List<Experiment> all() {
        return List.of(new ArrangementsExperiment(), new OneVectorExperiment(), new CapacityExperiment(),
                new LocalityExperiment(), new PathsExperiment(), new MemBaselineExperiment());
    }

    static Experiment named(String name) {
        String k = name.trim().toLowerCase(Locale.ROOT);
        for (Experiment e : all()) {
            if (e.name().equals(k)) {
                return e;
            }
        }
        throw new UserError("There is no experiment '" + name + "'. The experiments are: "
                + String.join(", ", all().stream().map(Experiment::name).toList()) + ".");
    }
}
