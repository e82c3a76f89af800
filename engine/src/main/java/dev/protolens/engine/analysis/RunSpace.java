package dev.protolens.engine.analysis;

import dev.protolens.engine.UserError;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runs of one model: only they share a vector space, so maps and distances never mix models.
 *
 * @param runs finished runs (checkpoints of fits still running are left out: they are not solutions yet)
 */
public record RunSpace(String modelIdentity, String modelName, List<Run> runs) {

    public RunSpace {
        runs = List.copyOf(runs);
    }

    /**
     * Picks the runs of one model.
     *
     * @param model a model identity (or its first characters) or a model name; null when the runs should all
     *              be of one model (otherwise the error lists the models, so the user can pick one)
     */
    public static RunSpace of(List<Run> runs, String model) {
        Map<String, List<Run>> byIdentity = new LinkedHashMap<>();
        for (Run r : runs) {
            // a run whose vectors hold NaN (an edited file; a checksum proves only that it is what was saved)
            // has no place on a map, and one such point makes the PCA's eigensolver fail for all the others
            if (!r.record().isCheckpoint() && r.vectors().nonFiniteCount() == 0) {
                byIdentity.computeIfAbsent(r.record().model().identity(), k -> new ArrayList<>()).add(r);
            }
        }
        if (byIdentity.isEmpty()) {
            throw new UserError("There are no finished runs to map. Fit a text first (several seeds make a map"
                    + " worth looking at).");
        }
        List<String> matches = new ArrayList<>();
        for (Map.Entry<String, List<Run>> m : byIdentity.entrySet()) {
            String name = m.getValue().getFirst().record().model().name();
            if (model == null || m.getKey().startsWith(model.toLowerCase(Locale.ROOT))
                    || name.equalsIgnoreCase(model)) {
                matches.add(m.getKey());
            }
        }
        if (matches.size() != 1) {
            String why = model == null ? "The runs belong to " + byIdentity.size() + " models, and runs of"
                    + " different models do not share a space."
                    : matches.isEmpty() ? "No run was fitted with a model matching '" + model + "'."
                    : "'" + model + "' matches " + matches.size() + " models.";
            throw new UserError(why + " Pick one by its identity: " + describe(runs) + ".");
        }
        List<Run> chosen = byIdentity.get(matches.getFirst());
        return new RunSpace(matches.getFirst(), chosen.getFirst().record().model().name(), chosen);
    }

    private static String describe(List<Run> runs) {
        return String.join("; ", models(runs).stream().map(m -> m.identity() + " (" + m.name() + ", d="
                + m.hiddenSize() + ", " + m.runs() + (m.runs() == 1 ? " run)" : " runs)")).toList());
    }

    /** A model that fitted some of the runs, as a chooser lists it; equal by identity, whatever its run count. */
    public record Model(String identity, String name, int hiddenSize, int runs) {
        @Override
        public String toString() {
            return name + " (d=" + hiddenSize + ", " + runs + (runs == 1 ? " run)" : " runs)");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Model c && c.identity.equals(identity);
        }

        @Override
        public int hashCode() {
            return identity.hashCode();
        }
    }

    /** The models of these runs (checkpoints left out), in the order their first run comes. */
    public static List<Model> models(List<Run> runs) {
        Map<String, List<Run>> byIdentity = new LinkedHashMap<>();
        for (Run r : runs) {
            if (!r.record().isCheckpoint()) {
                byIdentity.computeIfAbsent(r.record().model().identity(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Model> out = new ArrayList<>();
        byIdentity.forEach((id, rs) -> {
            RunRecord.ModelInfo info = rs.getFirst().record().model();
            out.add(new Model(id, info.name(), info.hiddenSize(), rs.size()));
        });
        return out;
    }

    /**
     * Which of the library's models to map after a re-read: the one chosen before if it is still there, else the
     * open model's, else the first; null when there is none.
     *
     * @param open the open model's identity, or null
     */
    public static Model choose(List<Model> choices, Model was, String open) {
        if (was != null && choices.contains(was)) {
            return choices.get(choices.indexOf(was));
        }
        return choices.stream().filter(c -> c.identity().equals(open)).findFirst()
                .orElse(choices.isEmpty() ? null : choices.getFirst());
    }

    public int size() {
        return runs.size();
    }

    public List<float[]> vectors(VectorKind kind) {
        return runs.stream().map(r -> kind.of(r.vectors())).toList();
    }

    /** (runs, dim) in double precision, the input of PCA and t-SNE. */
    public double[][] matrix(VectorKind kind) {
        List<float[]> v = vectors(kind);
        double[][] x = new double[v.size()][];
        for (int i = 0; i < x.length; i++) {
            float[] f = v.get(i);
            x[i] = new double[f.length];
            for (int k = 0; k < f.length; k++) {
                x[i][k] = f[k];
            }
        }
        return x;
    }

    public Locality locality(VectorKind kind, Metric metric) {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunRecord.Settings st = runs.get(i).record().settings();
            // a record without settings cannot be shown to share a seed with another, so it never counts as one
            seeds.add(st != null ? st.seed() : Long.MIN_VALUE + i);
        }
        return Locality.of(vectors(kind), runs.stream().map(r -> r.record().text()).toList(), seeds, metric, kind);
    }
}
