package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * A fit that was stopped (Ctrl+C, SIGTERM, a closed terminal) keeps its optimiser state and continues with
 * {@code fit --resume RUN} alone; two resumes of one run at once are not allowed to overwrite each other.
 */
class ResumeCliTest {
    /** 40 tokens: beyond stories260K's capacity, so the fit is still running when it is stopped. */
    static final String LONG = "Lily and Ben went to the park to play with a red ball. They ran and laughed in the"
            + " warm sun until it was time to go home.";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"INT", "HUP"})
    void aSignalledFitKeepsItsOptimiserStateAndResumesFromTheRunAlone(String signal) throws Exception {
        Path lib = tmp.resolve("lib");
        try (ChildCli child = ChildCli.start(tmp.resolve("out.txt"), "fit", "--model",
                Shared.model("stories260k-hf").toString(), "--text", LONG, "--library", lib.toString(), "--quiet")) {
            child.await("the first checkpoint", 120, () -> new RunLibrary(lib).list().runs().size() == 1);
            child.signal(signal);
            // a command stopped by a signal ends with 128 + its number, as shells expect (130 for Ctrl+C)
            assertThat(child.waitFor(60)).as(child.text()).isEqualTo(128 + (signal.equals("INT") ? 2 : 1));
            assertThat(child.text()).contains("cancelled").contains("(resumable)");
        }
        RunRecord stopped = new RunLibrary(lib).list().runs().getFirst();
        assertThat(stopped.status()).isEqualTo("cancelled");
        Run run = new RunLibrary(lib).load(stopped.id());
        assertThat(run.resumeState()).as("a stopped fit keeps its optimiser state").isNotNull();
        int step = run.resumeState().step();
        assertThat(step).isGreaterThan(0);

        // no --model, no --text: both come from the run
        Cli.Result r = Cli.run("fit", "--resume", stopped.id(), "--steps", "25", "--library", lib.toString(), "--json",
                "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode out = RunLibrary.JSON.readTree(r.out());
        assertThat(out.get("updates").asInt()).isEqualTo(step + 25);
        assertThat(out.get("updates_this_run").asInt()).isEqualTo(25);
        assertThat(out.get("text").asString()).isEqualTo(LONG);
        RunRecord after = new RunLibrary(lib).load(stopped.id()).record();
        assertThat(after.metrics().updates()).isEqualTo(step + 25);
        assertThat(after.history().loss()).hasSize(step + 26);
        assertThat(after.timings().millis()).as("the clock continues").isGreaterThan(stopped.timings().millis());
    }

    @Test
    void aSecondResumeOfARunIsRefusedWhileTheFirstRunsAndTakesOverWhenItsProcessDied() throws Exception {
        Path model = Shared.model("stories260k-hf");
        Path lib = tmp.resolve("lib");
        Cli.Result first = Cli.run("fit", "--model", model.toString(), "--text", LONG, "--steps", "30", "--library",
                lib.toString(), "--json", "--quiet");
        assertThat(first.exit()).as(first.err()).isZero();
        String id = RunLibrary.JSON.readTree(first.out()).get("items").get(0).get("run_id").asString();
        Path lease = lib.resolve(".leases").resolve(id + ".json");
        try (ChildCli a = ChildCli.start(tmp.resolve("a.txt"), "fit", "--resume", id, "--steps", "100000",
                "--library", lib.toString(), "--quiet")) {
            a.await("the first resume's lease", 120, () -> Files.exists(lease));
            Cli.Result second = Cli.run("fit", "--resume", id, "--steps", "10", "--library", lib.toString(), "--quiet");
            assertThat(second.exit()).isEqualTo(2);
            assertThat(second.err()).contains("Run " + id + " is being fitted by another process")
                    .contains("pid " + a.pid()).doesNotContain("Exception");
            a.signal("KILL"); // dies without releasing its lease
            a.waitFor(30);
        }
        assertThat(lease).as("a killed process leaves its lease behind").exists();
        Cli.Result third = Cli.run("fit", "--resume", id, "--steps", "10", "--library", lib.toString(), "--json",
                "--quiet");
        assertThat(third.exit()).as("the dead holder's lease is taken over: " + third.err()).isZero();
        assertThat(lease).doesNotExist();
        assertThat(new RunLibrary(lib).list().runs()).hasSize(1);
    }

    @Test
    void aFullDiskKeepsTheFitGoingPrintsTheResultAndSaysThatItCouldNotBeSaved() throws Exception {
        Path lib = tmp.resolve("lib");
        try (ChildCli child = ChildCli.start(tmp.resolve("out.txt"), "fit", "--model",
                Shared.model("stories260k-hf").toString(), "--text", LONG, "--steps", "1200", "--library",
                lib.toString(), "--quiet")) {
            // the library is usable when the fit starts (an unusable one is refused before it); then the disk
            // "fills": the folder becomes a file, so every later write fails as on a full disk
            child.await("the fit to start", 120, () -> child.text().contains("fitting "));
            deleteTree(lib);
            Files.writeString(lib, "a file where the library should be: every write fails, as on a full disk");
            int exit = child.waitFor(300);
            String out = child.text();
            System.out.println(out);
            assertThat(exit).as(out).isEqualTo(1);
            assertThat(out).contains("warning: checkpoint at step").contains("the fit goes on");
            assertThat(out).as("the result is printed").contains("seed 0: max_steps").contains("one pass writes:")
                    .contains("1200 updates in");
            assertThat(out).contains("error: The result could not be saved to the library").contains("tried 3 times");
            assertThat(out).doesNotContain("Exception");
        }
    }

    @Test
    void aSharedMBatchStoresOneMAndInterpolationBetweenTwoOfItsRunsMovesEAlone() throws Exception {
        Path lib = tmp.resolve("lib");
        // 300 updates do not bring all three seeds of the Lily text to 100 % at one step: the case where each
        // item used to be saved at its own best step, with its own m
        Cli.Result r = Cli.run("fit", "--model", Shared.model("stories260k-hf").toString(), "--text",
                FitDecodeCliTest.LILY, "--restarts", "3", "--shared-m", "--steps", "300", "--library", lib.toString(),
                "--json", "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode items = RunLibrary.JSON.readTree(r.out()).get("items");
        RunLibrary l = new RunLibrary(lib);
        List<Run> runs = new java.util.ArrayList<>();
        for (JsonNode it : items) {
            Run run = l.load(it.get("run_id").asString());
            runs.add(run);
            assertThat(it.get("reached").asBoolean()).isEqualTo(it.get("accuracy").asDouble() >= 1.0);
            assertThat(run.record().metrics().reached()).isEqualTo(it.get("reached").asBoolean());
        }
        assertThat(runs).hasSize(3).allSatisfy(x -> assertThat(x.vectors().m()).containsExactly(runs.getFirst()
                .vectors().m()));
        Path out = tmp.resolve("path.json");
        Cli.Result p = Cli.run("interpolate", "--a", runs.get(0).id(), "--b", runs.get(1).id(), "--points", "5",
                "--library", lib.toString(), "--out", out.toString(), "--json");
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(RunLibrary.JSON.readTree(p.out()).get("space").asString()).isEqualTo("e");
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(p)) {
                for (Path c : children.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }
}
