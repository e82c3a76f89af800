package dev.protolens.app.experiments;

import dev.protolens.app.figures.ChartFigure;
import dev.protolens.app.figures.Figure;
import dev.protolens.app.figures.FigureExport;
import dev.protolens.app.figures.FigureStyle;
import dev.protolens.app.fit.SampleTexts;
import dev.protolens.engine.experiment.Chart;
import dev.protolens.engine.experiment.ExperimentReport;
import dev.protolens.engine.experiment.NamedText;
import dev.protolens.engine.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * An experiment's outputs in its folder, shared by the window and {@code protolens experiment}: the table as
 * {@code table.csv} and {@code report.json}, each figure as PNG, SVG and PDF (and its data as CSV), and a one-page
 * report as Markdown and as self-contained HTML with the figures inline, each finding beside the paper's claim.
 */
public final class ExperimentFiles {
    public static final double FIGURE_WIDTH = 720;
    public static final double FIGURE_HEIGHT = 400;
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ExperimentFiles() {}

    /** The sample texts shipped with the app, as experiment texts. */
    public static List<NamedText> samples() {
        List<NamedText> out = new ArrayList<>();
        for (SampleTexts.SampleText t : SampleTexts.load()) {
            out.add(new NamedText(t.id(), t.text()));
        }
        return out;
    }

    /** Writes every output of the report into {@code dir}; returns the files written. */
    public static List<Path> write(ExperimentReport r, Map<String, Object> identity, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        StringBuilder csv = new StringBuilder(String.join(",", r.columns().stream().map(FigureExport::csvField).toList()))
                .append('\n');
        for (List<String> row : r.rows()) {
            csv.append(String.join(",", row.stream().map(FigureExport::csvField).toList())).append('\n');
        }
        written.add(put(dir.resolve("table.csv"), csv.toString()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", r.experiment());
        json.put("title", r.title());
        json.put("model", identity);
        json.put("written_at", Instant.now().toString());
        json.put("items_done", r.itemsDone());
        json.put("items_planned", r.itemsPlanned());
        json.put("setup", r.setup());
        json.put("paper_claim", r.claim());
        json.put("findings", r.findings());
        json.put("columns", r.columns());
        json.put("rows", r.rows());
        json.put("numbers", r.numbers());
        written.add(put(dir.resolve("report.json"), JSON.writeValueAsString(json)));
        List<String> svgs = new ArrayList<>();
        for (Chart c : r.charts()) {
            Figure f = ChartFigure.of(c);
            for (FigureExport.Format fmt : FigureExport.Format.values()) {
                Path p = dir.resolve(c.file() + "." + fmt.extension());
                FigureExport.write(f, FIGURE_WIDTH, FIGURE_HEIGHT, fmt, FigureStyle.LIGHT, p);
                written.add(p);
            }
            if (f.csv() != null) {
                written.add(put(dir.resolve(c.file() + ".csv"), f.csv()));
            }
            svgs.add(FigureExport.svg(f, FIGURE_WIDTH, FIGURE_HEIGHT, FigureStyle.LIGHT));
        }
        written.add(put(dir.resolve("report.md"), markdown(r, identity)));
        written.add(put(dir.resolve("report.html"), html(r, identity, svgs)));
        return written;
    }

    private static Path put(Path p, String text) throws IOException {
        AtomicFiles.write(p, text.getBytes(StandardCharsets.UTF_8));
        return p;
    }

    static String markdown(ExperimentReport r, Map<String, Object> identity) {
        StringBuilder b = new StringBuilder("# ").append(r.title()).append("\n\n");
        if (!r.complete()) {
            b.append("**Partial:** ").append(r.itemsDone()).append(" of ").append(r.itemsPlanned())
                    .append(" items are done.\n\n");
        }
        b.append("- Model: ").append(identity.get("name")).append(" (identity ").append(identity.get("identity"))
                .append(")\n");
        b.append("- Setup: ").append(r.setup()).append("\n\n");
        b.append("| measured | paper |\n|---|---|\n");
        b.append("| ").append(String.join("<br>", r.findings()).replace("|", "\\|")).append(" | ")
                .append(r.claim().replace("|", "\\|")).append(" |\n\n");
        b.append("| ").append(String.join(" | ", r.columns())).append(" |\n|");
        b.append("---|".repeat(r.columns().size())).append('\n');
        for (List<String> row : r.rows()) {
            b.append("| ").append(String.join(" | ", row.stream().map(x -> x.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
        b.append('\n');
        for (Chart c : r.charts()) {
            b.append("![").append(c.title()).append("](").append(c.file()).append(".svg)\n\n");
        }
        return b.toString();
    }

    static String html(ExperimentReport r, Map<String, Object> identity, List<String> svgs) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(r.title())).append("</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto;"
                        + "color:#1c1d22}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
                        + "padding:.3em .6em;text-align:left}.claim{background:#f4f5f8}.partial{color:#b3261e}"
                        + "svg{max-width:100%;height:auto}</style></head><body>\n");
        b.append("<h1>").append(esc(r.title())).append("</h1>\n");
        if (!r.complete()) {
            b.append("<p class=\"partial\">Partial: ").append(r.itemsDone()).append(" of ").append(r.itemsPlanned())
                    .append(" items are done.</p>\n");
        }
        b.append("<p>Model: ").append(esc(String.valueOf(identity.get("name")))).append(" (identity ")
                .append(esc(String.valueOf(identity.get("identity")))).append(")<br>Setup: ").append(esc(r.setup()))
                .append("</p>\n");
        b.append("<table><tr><th>measured here</th><th>the paper</th></tr><tr><td>");
        for (String f : r.findings()) {
            b.append(esc(f)).append("<br>");
        }
        b.append("</td><td class=\"claim\">").append(esc(r.claim())).append("</td></tr></table>\n<table><tr>");
        for (String c : r.columns()) {
            b.append("<th>").append(esc(c)).append("</th>");
        }
        b.append("</tr>\n");
        for (List<String> row : r.rows()) {
            b.append("<tr>");
            for (String c : row) {
                b.append("<td>").append(esc(c)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
        for (String svg : svgs) {
            int start = svg.indexOf("<svg");
            b.append("<figure>").append(start >= 0 ? svg.substring(start) : svg).append("</figure>\n");
        }
        b.append("</body></html>\n");
        return b.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
