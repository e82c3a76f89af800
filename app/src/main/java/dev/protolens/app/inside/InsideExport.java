package dev.protolens.app.inside;

import dev.protolens.app.figures.AttentionGridFigure;
import dev.protolens.app.figures.AttentionHeadFigure;
import dev.protolens.app.figures.AttentionLayersFigure;
import dev.protolens.app.figures.Figure;
import dev.protolens.app.figures.FigureExport;
import dev.protolens.app.figures.FigureStyle;
import dev.protolens.app.figures.GeometryFigure;
import dev.protolens.app.figures.KnockOutFigure;
import dev.protolens.app.figures.LensFigure;
import dev.protolens.app.fit.TokenText;
import dev.protolens.engine.inside.AttentionMaps;
import dev.protolens.engine.inside.InsideFiles;
import dev.protolens.engine.inside.InsideReport;
import dev.protolens.engine.inside.KnockOutCurve;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the Inside screen shows for a run, written to a folder: the arrays ({@link InsideFiles}: CSV, .npy,
 * safetensors, JSON) and every figure in the formats asked for, drawn by the screen's own figure classes in the
 * light style. {@code protolens inside} and the screen's "Export all…" both write through here.
 */
public final class InsideExport {
    /** A figure and the size it is written at, in points. */
    public record Sized(String name, Figure figure, double width, double height) {}

    private InsideExport() {}

    /** The text's tokens as the figures label them. */
    public static String[] labels(InsideReport r) {
        return Arrays.stream(r.pass().pieces()).map(TokenText::visible).toArray(String[]::new);
    }

    /** The report's figures: the lens, the attention grid, the strongest head, attention per layer, knock-outs, geometry. */
    public static List<Sized> figures(InsideReport r) {
        List<Sized> out = new ArrayList<>();
        LensFigure lens = new LensFigure();
        lens.setData(labels(r), r.look().oneStep(), r.teacherForced());
        int rows = r.look().oneStep().rows();
        out.add(new Sized("lens", lens, 1100, Math.max(320, 150 + rows * 22 + 80)));
        AttentionMaps a = r.look().attention();
        AttentionGridFigure grid = new AttentionGridFigure();
        grid.setMaps(a);
        double cell = Math.max(24, Math.min(90, 900.0 / Math.max(a.heads(), a.layers())));
        out.add(new Sized("attention-heads", grid, Math.max(420, 60 + cell * a.heads()), 90 + cell * a.layers()));
        int[] strongest = strongestHead(a);
        AttentionHeadFigure head = new AttentionHeadFigure();
        head.show(a, strongest[0], strongest[1]);
        out.add(new Sized("attention-head-L" + strongest[0] + "-h" + strongest[1], head, 900, 420));
        AttentionLayersFigure layers = new AttentionLayersFigure();
        layers.setMaps(a);
        out.add(new Sized("attention-layers", layers, 760, 340));
        Map<String, List<KnockOutCurve>> byScope = new LinkedHashMap<>();
        for (KnockOutCurve c : r.knockOuts()) {
            byScope.computeIfAbsent(c.scope().cliName(), k -> new ArrayList<>()).add(c);
        }
        byScope.forEach((scope, curves) -> {
            KnockOutFigure k = new KnockOutFigure();
            k.setCurves(curves);
            out.add(new Sized("knockouts-" + scope, k, 760, 360));
        });
        if (r.geometry() != null) {
            GeometryFigure g = new GeometryFigure();
            g.setGeometry(r.geometry(), TokenText::visible);
            out.add(new Sized("geometry", g, 1100, 340));
        }
        return out;
    }

    /** The head that puts the largest share of its attention on e (the first on ties). */
    public static int[] strongestHead(AttentionMaps a) {
        int[] best = {1, 0};
        double top = -1;
        for (int l = 1; l <= a.layers(); l++) {
            for (int h = 0; h < a.heads(); h++) {
                double e = a.meanToE(l, h);
                if (e > top) {
                    top = e;
                    best = new int[] {l, h};
                }
            }
        }
        return best;
    }

    /** Writes the arrays and the figures into {@code dir}; returns every file written. */
    public static List<Path> write(InsideReport r, Path dir, Collection<FigureExport.Format> formats) throws IOException {
        List<Path> files = new ArrayList<>(InsideFiles.write(r, dir));
        for (Sized s : figures(r)) {
            for (FigureExport.Format f : formats) {
                Path p = dir.resolve(s.name() + "." + f.extension());
                FigureExport.write(s.figure(), s.width(), s.height(), f, FigureStyle.LIGHT, p);
                files.add(p);
            }
        }
        return files;
    }
}
