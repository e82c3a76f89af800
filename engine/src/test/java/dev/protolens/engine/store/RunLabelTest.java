package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.proto.ProtoTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's label (its name in the Library, the Interpolate and Inside menus): written alone and atomically, read
 * back by another instance, kept by the saves of the fit that made the run, and never lost or torn when a fit
 * saves the same run while the user names it.
 */
class RunLabelTest {
    private static final int D = 16;

    @TempDir
    Path tmp;

    private Run saved(RunLibrary lib, String id, long seed) {
        RunRecord r = RandomRuns.record(new Random(seed), id, D).withLabel(null);
        return lib.save(r, RandomRuns.vectors(new Random(seed), D), null, RunLibrary.Expect.NEW);
    }

    @Test
    void aLabelIsStoredAloneAndReadBackByAnotherInstance() throws Exception {
        RunLibrary lib = new RunLibrary(tmp);
        Run run = saved(lib, "lily", 1);
        byte[] vectors = Files.readAllBytes(run.folder().resolve(RunLibrary.VECTORS));
        // a field a newer tool or a Python script added to run.json is the user's too
        Path json = run.folder().resolve(RunLibrary.RUN_JSON);
        Files.writeString(json, Files.readString(json).replaceFirst("\\{", "{\n  \"note_from_python\" : \"keep me\","));

        RunRecord named = lib.label("lily", "  Lily,\n seed sweep\t ");
        assertThat(named.label()).isEqualTo("Lily, seed sweep");

        RunRecord back = new RunLibrary(tmp).load("lily").record();
        assertThat(back.label()).isEqualTo("Lily, seed sweep");
        RandomRuns.assertBitExact(run.record().withLabel("Lily, seed sweep"), back, "relabelled", false);
        assertThat(new RunLibrary(tmp).list().runs()).extracting(RunRecord::label).containsExactly("Lily, seed sweep");
        assertThat(Files.readAllBytes(run.folder().resolve(RunLibrary.VECTORS))).as("vectors untouched").isEqualTo(vectors);
        assertThat(Files.readString(json)).contains("\"note_from_python\" : \"keep me\"");
        try (var s = Files.list(run.folder())) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).as("no temporary file left")
                    .containsExactlyInAnyOrder(RunLibrary.RUN_JSON, RunLibrary.VECTORS);
        }

        assertThat(lib.label("lily", "   ").label()).as("a blank label clears it").isNull();
        assertThat(new RunLibrary(tmp).load("lily").record().label()).isNull();
    }

    @Test
    void whatTheUserCanGetWrongIsExplained() {
        RunLibrary lib = new RunLibrary(tmp);
        saved(lib, "lily", 2);
        assertThatThrownBy(() -> lib.label("mia", "x")).isInstanceOf(RunStoreException.class)
                .hasMessageContaining("There is no run 'mia'").hasMessageContaining("library list");
        String tooLong = "ä".repeat(RunLibrary.MAX_LABEL + 1);
        assertThatThrownBy(() -> lib.label("lily", tooLong)).isInstanceOf(RunStoreException.class)
                .hasMessageContaining("at most " + RunLibrary.MAX_LABEL + " characters; this one has "
                        + (RunLibrary.MAX_LABEL + 1));
        assertThat(lib.label("lily", "ä".repeat(RunLibrary.MAX_LABEL)).label()).hasSize(RunLibrary.MAX_LABEL);
        assertThatThrownBy(() -> lib.label("../x", "x")).hasMessageContaining("is not a run id");
        assertThat(lib.load("lily").record().label()).as("a refused label changes nothing").hasSize(RunLibrary.MAX_LABEL);
    }

    @Test
    void theFitThatMadeTheRunKeepsItsLabelWhenItSavesAgain() {
        RunLibrary lib = new RunLibrary(tmp);
        Run first = saved(lib, "lily", 3);
        lib.label("lily", "my Lily");
        // the fit goes on from the record it holds (no label, or the one it read) and saves a checkpoint
        Run next = lib.save(first.record().withLabel("old name"), RandomRuns.vectors(new Random(30), D), null,
                RunLibrary.Expect.revision(first.record().vectorsSha256()));
        assertThat(next.record().label()).isEqualTo("my Lily");
        assertThat(lib.load("lily").record().label()).isEqualTo("my Lily");
        assertThat(lib.load("lily").vectors().e()).isEqualTo(RandomRuns.vectors(new Random(30), D).e());
        // a save that replaces whatever is there (a tool that owns the folder) writes its record as given
        lib.save(first.record().withLabel("tool's"), RandomRuns.vectors(new Random(31), D), null);
        assertThat(lib.load("lily").record().label()).isEqualTo("tool's");
    }

    @Test
    @Timeout(120)
    void namingARunWhileItsFitSavesItLosesNeitherTheLabelNorTheFit() throws Exception {
        Path dir = tmp.resolve("library");
        Run first = saved(new RunLibrary(dir), "busy", 4);
        AtomicBoolean done = new AtomicBoolean();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        int saves = 200;
        Thread fit = Thread.ofPlatform().start(() -> {
            RunLibrary lib = new RunLibrary(dir);
            String sha = first.record().vectorsSha256();
            try {
                for (int i = 1; i <= saves; i++) {
                    float[] v = new float[D];
                    java.util.Arrays.fill(v, i);
                    sha = lib.save(first.record(), new ProtoTokens(v, v.clone()), null,
                            RunLibrary.Expect.revision(sha)).record().vectorsSha256();
                }
            } catch (Throwable e) {
                errors.add(e);
            } finally {
                done.set(true);
            }
        });
        RunLibrary user = new RunLibrary(dir);
        int labels = 0;
        List<String> readProblems = new ArrayList<>();
        while (!done.get() || labels < 20) {
            labels++;
            user.label("busy", "name " + labels);
            RunLibrary.Listing l = new RunLibrary(dir).list();
            if (l.runs().size() != 1 || !l.problems().isEmpty()) {
                readProblems.add(l.runs().size() + " runs, " + l.problems());
            } else if (!l.runs().getFirst().label().equals("name " + labels)) {
                readProblems.add("label " + l.runs().getFirst().label() + " after naming it 'name " + labels + "'");
            }
        }
        fit.join();
        System.out.printf(Locale.ROOT, "%d labels written while the fit saved %d times; %d save errors, %d read"
                + " problems%n", labels, saves, errors.size(), readProblems.size());
        assertThat(errors).as("saves refused or failed while the run was named").isEmpty();
        assertThat(readProblems).as("listings that did not see the run whole with its newest label").isEmpty();
        Run last = new RunLibrary(dir).load("busy");
        assertThat(last.record().label()).isEqualTo("name " + labels);
        assertThat(last.vectors().e()[0]).as("the fit's last save").isEqualTo((float) saves);
    }

    @Test
    @Timeout(180)
    void aLabelFromAnotherProcessAndThisProcesssSavesBothLand() throws Exception {
        Path dir = tmp.resolve("library");
        RunLibrary lib = new RunLibrary(dir);
        Run first = saved(lib, "busy", 5);
        int labels = 100;
        Path err = tmp.resolve("child.txt");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LabelLoopChild.class.getName(), dir.toString(), "busy", Integer.toString(labels))
                .redirectErrorStream(true).redirectOutput(err.toFile()).start();
        String sha = first.record().vectorsSha256();
        int saves = 0;
        List<String> seen = new ArrayList<>();
        // saves until the child is done, and 20 more: each one a fit's checkpoint of the record it holds (no label)
        for (int after = 0; after < 20; after += child.isAlive() ? 0 : 1) {
            saves++;
            float[] v = new float[D];
            java.util.Arrays.fill(v, saves);
            Run s = lib.save(first.record(), new ProtoTokens(v, v.clone()), null, RunLibrary.Expect.revision(sha));
            sha = s.record().vectorsSha256();
            if (s.record().label() != null && !seen.contains(s.record().label())) {
                seen.add(s.record().label());
            }
        }
        assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(err)).isZero();
        Run last = new RunLibrary(dir).load("busy");
        System.out.printf(Locale.ROOT, "another process wrote %d labels while this one saved %d times; %d of them"
                + " seen by a save%n", labels, saves, seen.size());
        assertThat(last.record().label()).as("the child's last label").isEqualTo("child " + labels);
        assertThat(last.vectors().e()[0]).as("this process's last save").isEqualTo((float) saves);
        // labels only go forward: no save put back an older one
        List<Integer> order = seen.stream().map(l -> Integer.parseInt(l.substring(6))).toList();
        assertThat(order).isSorted();
    }
}
