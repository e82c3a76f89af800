package dev.protolens.app.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.GuiTesting;
import dev.protolens.engine.experiment.Experiment;
import dev.protolens.engine.experiment.ExperimentReport;
import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.session.ModelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every experiment from plan to written report on stories260K, on a budget far below quick mode (short prefixes,
 * few steps) so that the whole set runs in a few minutes: the plan runs, the analysis reads every item, and the
 * table, figures and report files exist with the table's shape.
 */
class ExperimentsEndToEndTest {
    static LoadedModel model;
    static ModelSession session;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(GuiTesting.sharedModel("stories260k-hf"));
        session = ModelSession.of(model);
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"arrangements", "one-vector", "capacity", "locality", "paths", "mem-baseline"})
    void anExperimentRunsToItsReport(String name) throws Exception {
        Experiment e = Experiment.named(name);
        int[] lengths = switch (name) {
            case "one-vector" -> new int[] {2, 4};
            case "capacity", "mem-baseline" -> new int[] {4, 5};
            default -> new int[] {4};
        };
        Experiment.Options o = new Experiment.Options(model.path().toString(), true, ExperimentFiles.samples(),
                List.of(), 2, lengths, 300, 2, t -> model.tokenizer().encode(t, false).size());
        Plan plan = e.plan(o);
        ExperimentJob job = new ExperimentJob(e, plan, session, dir, null);
        var summary = job.run(null);
        assertThat(summary.finished()).isEqualTo(plan.items().size());
        ExperimentReport r = job.analyse();
        List<Path> files = job.write(r);
        System.out.println(name + ": " + String.join(" ", r.findings()));
        assertThat(r.complete()).isTrue();
        assertThat(r.rows()).isNotEmpty().allMatch(row -> row.size() == r.columns().size());
        assertThat(r.charts()).isNotEmpty();
        for (var c : r.charts()) {
            assertThat(dir.resolve(c.file() + ".png")).isRegularFile();
            assertThat(dir.resolve(c.file() + ".svg")).isRegularFile();
        }
        assertThat(files).contains(dir.resolve("report.html"), dir.resolve("report.md"), dir.resolve("table.csv"));
        assertThat(Files.readString(dir.resolve("report.md"))).contains(r.claim()).contains("| measured | paper |");
        switch (name) {
            case "one-vector" -> assertThat(r.rows()).hasSize(2);
            case "arrangements" -> assertThat(r.rows()).hasSize(5);
            case "paths" -> assertThat(r.rows()).as("both pairs reach 4 tokens in 300 steps").hasSize(2);
            case "locality" -> assertThat((int) r.numbers().get("same_text_pairs")).isPositive();
            case "mem-baseline" -> assertThat(plan.items()).anyMatch(Plan.Item::usesMem);
            default -> { }
        }
    }
}
