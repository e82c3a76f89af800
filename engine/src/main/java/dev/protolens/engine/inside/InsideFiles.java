package dev.protolens.engine.inside;

import dev.protolens.engine.AtomicFiles;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.weights.NpyWriter;
import dev.protolens.engine.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The numbers of an {@link InsideReport} as files a person can open anywhere: every array as CSV (long form, one
 * row per cell), those of two or more axes also as {@code .npy} and all of them in one {@code inside.safetensors},
 * and {@code inside.json} with the summary and what each file holds. Each file is written atomically.
 */
public final class InsideFiles {
    /** Rows of attention.csv (one per layer, head, query and key) beyond which it is left out. */
    static final long ATTENTION_CSV_ROWS = 2_000_000;

    private InsideFiles() {}

    /** Writes the report's arrays into {@code dir} (created if needed); returns the files written, in order. */
    public static List<Path> write(InsideReport r, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        SafetensorsWriter st = new SafetensorsWriter().metadata("format", "protolens-inside/1")
                .metadata("run", r.pass().runId()).metadata("model", r.model())
                .metadata("site", r.look().site().name().toLowerCase(Locale.ROOT));

        StringBuilder lens = new StringBuilder("pass,site,layer,position,token,p_token,top_token,top_piece,p_top\n");
        for (LensMap m : lensMaps(r)) {
            String key = m.pass().replace('-', '_');
            long[] shape = {m.rows(), m.columns()};
            npy(dir, "lens_" + key + "_p_token.npy", NpyWriter.f32(m.targetProb(), shape), out);
            npy(dir, "lens_" + key + "_top_token.npy", NpyWriter.i64(m.top(), shape), out);
            npy(dir, "lens_" + key + "_p_top.npy", NpyWriter.f32(m.topProb(), shape), out);
            st.f32("lens." + key + ".p_token", m.targetProb(), shape).i64("lens." + key + ".top_token", m.top(), shape)
                    .f32("lens." + key + ".p_top", m.topProb(), shape);
            long[] layers = new long[m.rows()];
            for (int i = 0; i < layers.length; i++) {
                layers[i] = m.layers()[i];
            }
            st.i64("lens." + key + ".layers", layers, layers.length);
            for (int row = 0; row < m.rows(); row++) {
                for (int c = 0; c < m.columns(); c++) {
                    lens.append(m.pass()).append(',').append(site(m)).append(',').append(m.layers()[row]).append(',')
                            .append(c).append(',').append(csv(r.pass().pieces()[c])).append(',')
                            .append(number(m.prob(row, c))).append(',').append(m.top(row, c)).append(',')
                            .append(csv(m.topPiece(row, c))).append(',').append(number(m.topProb(row, c))).append('\n');
                }
            }
        }
        text(dir, "lens.csv", lens, out);

        AttentionMaps a = r.look().attention();
        int n = a.positions();
        long[] shape4 = {a.layers(), a.heads(), n, n};
        npy(dir, "attention.npy", NpyWriter.f32(a.probabilities(), shape4), out);
        npy(dir, "attention_to_e.npy", NpyWriter.f32(a.toEArray(), a.layers(), a.heads(), n), out);
        st.f32("attention", a.probabilities(), shape4).f32("attention_to_e", a.toEArray(), a.layers(), a.heads(), n)
                .i64("input_pattern", a.pattern(), n);
        StringBuilder heads = new StringBuilder("layer,head,mean_to_e,mean_to_m,sink\n");
        StringBuilder perQuery = new StringBuilder("layer,head,query,to_e,to_m\n");
        StringBuilder full = new StringBuilder("layer,head,query,key,probability\n");
        // one row per query-key pair grows as N²: past a few million rows only the .npy and .safetensors have them
        boolean fullCsv = (long) a.layers() * a.heads() * n * (n + 1) / 2 <= ATTENTION_CSV_ROWS;
        for (int l = 1; l <= a.layers(); l++) {
            for (int h = 0; h < a.heads(); h++) {
                double e = a.meanToE(l, h);
                heads.append(l).append(',').append(h).append(',').append(number(e)).append(',').append(number(1 - e))
                        .append(',').append(a.sink(l, h)).append('\n');
                for (int q = 0; q < n; q++) {
                    perQuery.append(l).append(',').append(h).append(',').append(q).append(',')
                            .append(number(a.toE(l, h, q))).append(',').append(number(a.toM(l, h, q))).append('\n');
                    for (int k = 0; k <= q && fullCsv; k++) {
                        full.append(l).append(',').append(h).append(',').append(q).append(',').append(k).append(',')
                                .append(number(a.p(l, h, q, k))).append('\n');
                    }
                }
            }
        }
        if (fullCsv) {
            text(dir, "attention.csv", full, out);
        }
        text(dir, "attention_heads.csv", heads, out);
        text(dir, "attention_to_e.csv", perQuery, out);
        StringBuilder layers = new StringBuilder("layer,to_e,to_self,to_other_m\n");
        for (int l = 1; l <= a.layers(); l++) {
            AttentionMaps.LayerShare s = a.layerShare(l);
            layers.append(l).append(',').append(number(s.toE())).append(',').append(number(s.toSelf())).append(',')
                    .append(number(s.toOtherM())).append('\n');
        }
        text(dir, "attention_layers.csv", layers, out);

        if (!r.knockOuts().isEmpty()) {
            int layersN = r.knockOuts().getFirst().layers();
            float[] acc = new float[r.knockOuts().size() * layersN];
            StringBuilder k = new StringBuilder("knock_out,scope,layer,accuracy,text\n");
            for (int i = 0; i < r.knockOuts().size(); i++) {
                KnockOutCurve c = r.knockOuts().get(i);
                for (int l = 1; l <= layersN; l++) {
                    acc[i * layersN + l - 1] = (float) c.accuracy()[l - 1];
                    k.append(c.what().cliName()).append(',').append(c.scope().cliName()).append(',').append(l).append(',')
                            .append(number(c.accuracy()[l - 1])).append(',').append(csv(c.texts()[l - 1])).append('\n');
                }
            }
            text(dir, "knockouts.csv", k, out);
            npy(dir, "knockouts_accuracy.npy", NpyWriter.f32(acc, r.knockOuts().size(), layersN), out);
            st.f32("knockouts_accuracy", acc, r.knockOuts().size(), layersN);
        }

        ProtoGeometry g = r.geometry();
        if (g != null) {
            StringBuilder near = new StringBuilder("vector,rank,token_id,piece,cosine\n");
            for (String v : List.of("e", "m")) {
                List<ProtoGeometry.Neighbour> list = v.equals("e") ? g.nearestE() : g.nearestM();
                for (int i = 0; i < list.size(); i++) {
                    ProtoGeometry.Neighbour x = list.get(i);
                    near.append(v).append(',').append(i + 1).append(',').append(x.id()).append(',').append(csv(x.piece()))
                            .append(',').append(number(x.cosine())).append('\n');
                }
            }
            text(dir, "nearest_tokens.csv", near, out);
            StringBuilder norms = new StringBuilder("token_id,norm\n");
            for (int i = 0; i < g.tokenNorms().length; i++) {
                norms.append(i).append(',').append(number(g.tokenNorms()[i])).append('\n');
            }
            text(dir, "token_norms.csv", norms, out);
            if (g.batch() != null) {
                ProtoGeometry.BatchSpread b = g.batch();
                StringBuilder cos = new StringBuilder("run_a,run_b,cosine_e\n");
                for (int i = 0; i < b.size(); i++) {
                    for (int j = 0; j < b.size(); j++) {
                        cos.append(b.runIds().get(i)).append(',').append(b.runIds().get(j)).append(',')
                                .append(number(b.cosine()[i * b.size() + j])).append('\n');
                    }
                }
                text(dir, "batch_e_cosine.csv", cos, out);
                npy(dir, "batch_e_cosine.npy", NpyWriter.f32(b.cosine(), b.size(), b.size()), out);
                st.f32("batch_e_cosine", b.cosine(), b.size(), b.size());
            }
        }
        Path safetensors = dir.resolve("inside.safetensors");
        AtomicFiles.write(safetensors, st.toBytes());
        out.add(safetensors);
        Path json = dir.resolve("inside.json");
        AtomicFiles.write(json, RunLibrary.JSON.writeValueAsBytes(summary(r, out)));
        out.add(json);
        return out;
    }

    private static List<LensMap> lensMaps(InsideReport r) {
        List<LensMap> l = new ArrayList<>();
        l.add(r.look().oneStep());
        if (r.teacherForced() != null) {
            l.add(r.teacherForced());
        }
        return l;
    }

    /** The report's findings in one JSON object (what {@code protolens inside --json} prints). */
    public static Map<String, Object> summary(InsideReport r, List<Path> files) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("run", r.pass().runId());
        o.put("model", r.model());
        o.put("text", r.pass().text());
        o.put("tokens", r.pass().length());
        o.put("arrangement", r.pass().arrangement().cliName());
        o.put("site", site(r.look().oneStep()));
        o.put("layers_read", r.look().oneStep().layers());
        o.put("one_step_accuracy", r.look().oneStepAccuracy());
        for (LensMap m : lensMaps(r)) {
            Map<String, Object> lm = new LinkedHashMap<>();
            List<Double> acc = new ArrayList<>();
            for (int row = 0; row < m.rows(); row++) {
                acc.add(finite(m.accuracy(row)));
            }
            lm.put("accuracy_per_layer_read", acc);
            lm.put("first_layer_writing_all", m.firstLayerWritingAll());
            o.put("lens_" + m.pass().replace('-', '_'), lm);
        }
        AttentionMaps a = r.look().attention();
        List<Map<String, Object>> shares = new ArrayList<>();
        for (int l = 1; l <= a.layers(); l++) {
            AttentionMaps.LayerShare s = a.layerShare(l);
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("layer", l);
            x.put("to_e", finite(s.toE()));
            x.put("to_self", finite(s.toSelf()));
            x.put("to_other_m", finite(s.toOtherM()));
            shares.add(x);
        }
        o.put("attention_per_layer", shares);
        o.put("sink_heads", a.sinks().stream().map(x -> Map.of("layer", x[0], "head", x[1])).toList());
        o.put("sink_share", AttentionMaps.SINK_SHARE);
        List<Map<String, Object>> ko = new ArrayList<>();
        for (KnockOutCurve c : r.knockOuts()) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("knock_out", c.what().cliName());
            k.put("scope", c.scope().cliName());
            k.put("baseline_accuracy", c.baseline());
            List<Double> acc = new ArrayList<>();
            for (double x : c.accuracy()) {
                acc.add(finite(x));
            }
            k.put("accuracy_per_layer", acc);
            ko.add(k);
        }
        o.put("knockouts", ko);
        ProtoGeometry g = r.geometry();
        if (g != null) {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("e_norm", g.eNorm());
            gm.put("m_norm", g.mNorm());
            gm.put("token_norm_median", g.medianTokenNorm());
            gm.put("e_norm_share_of_tokens_below", g.ePercentile());
            gm.put("m_norm_share_of_tokens_below", g.mPercentile());
            gm.put("nearest_e", g.nearestE().stream().map(x -> Map.of("id", x.id(), "piece", x.piece(), "cosine",
                    x.cosine())).toList());
            gm.put("nearest_m", g.nearestM().stream().map(x -> Map.of("id", x.id(), "piece", x.piece(), "cosine",
                    x.cosine())).toList());
            if (g.batch() != null) {
                ProtoGeometry.BatchSpread b = g.batch();
                gm.put("batch", Map.of("id", b.batchId(), "runs", b.runIds(), "mean_cosine_distance_e",
                        b.meanCosineDistance(), "relative_spread_e", b.relativeSpread(), "mean_norm_e", b.meanNorm()));
            }
            o.put("geometry", gm);
        }
        if (files != null) {
            o.put("files", files.stream().map(p -> p.getFileName().toString()).toList());
        }
        return o;
    }

    private static String site(LensMap m) {
        return m.site() == dev.protolens.engine.model.PassProbe.Site.AFTER_LAYER ? "after-layer" : "after-attention";
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static void npy(Path dir, String name, byte[] data, List<Path> out) throws IOException {
        Path p = dir.resolve(name);
        AtomicFiles.write(p, data);
        out.add(p);
    }

    private static void text(Path dir, String name, StringBuilder csv, List<Path> out) throws IOException {
        Path p = dir.resolve(name);
        AtomicFiles.write(p, csv.toString().getBytes(StandardCharsets.UTF_8));
        out.add(p);
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break. */
    static String csv(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
                ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
