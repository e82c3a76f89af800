package dev.protolens.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.protolens.engine.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SbatchScriptTest {

    private static final Path PLAN = Path.of("/cluster/home/ada/capacity/plan.json");
    private static final Path RUN = Path.of("/cluster/home/ada/capacity/plan.slurm");

    @Test
    void scriptWithEveryOptionMatchesTheGoldenFile() throws IOException {
        String script = SbatchScript.write(PLAN, 4, RUN, null, List.of("/opt/protolens/bin/protolens"),
                new SlurmOptions("gpu", 1, "02:00:00", "16G", "proj42"));
        String golden;
        try (InputStream in = getClass().getResourceAsStream("submit-golden.sbatch")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, script);
    }

    @Test
    void defaultsLeaveTheClusterItsDefaults() {
        String script = SbatchScript.write(PLAN, 1, RUN, null, List.of("protolens"), SlurmOptions.defaults());
        assertTrue(script.contains("#SBATCH --array=0-0\n"), script);
        for (String absent : List.of("--partition", "--gres", "--time", "--mem", "--account")) {
            assertFalse(script.contains(absent), absent + " in\n" + script);
        }
        assertTrue(script.contains("exec protolens plan run /cluster/home/ada/capacity/plan.json"
                + " --shard \"$SLURM_ARRAY_TASK_ID/1\"\n"), script);
    }

    @Test
    void launcherWordsAreQuotedForBash() {
        String script = SbatchScript.write(PLAN, 2, RUN, Path.of("/scratch/out dir"),
                List.of("/opt/jdk 25/bin/java", "-Dx=it's", "-jar", "/opt/protolens.jar"), SlurmOptions.defaults());
        assertTrue(script.contains("exec '/opt/jdk 25/bin/java' '-Dx=it'\\''s' -jar /opt/protolens.jar plan run /cluster/home/ada/capacity/plan.json --out '/scratch/out dir' --shard"), script);
    }

    @Test
    void pathsSlurmCannotHoldAreRefusedWithTheReason() {
        UserError e = assertThrows(UserError.class, () -> SbatchScript.write(Path.of("/my plans/plan.json"), 2, RUN, null,
                List.of("protolens"), SlurmOptions.defaults()));
        assertTrue(e.getMessage().contains("without spaces"), e.getMessage());
        assertThrows(UserError.class, () -> SbatchScript.write(PLAN, 0, RUN, null, List.of("protolens"), SlurmOptions.defaults()));
    }

    @Test
    void optionsAreCheckedBeforeAnythingIsSubmitted() {
        assertEquals("1-12:00:00", new SlurmOptions(null, 0, "1-12:00:00", null, null).time());
        assertEquals("90", new SlurmOptions(null, 0, "90", "512M", null).time());
        UserError time = assertThrows(UserError.class, () -> new SlurmOptions(null, 0, "2h", null, null));
        assertTrue(time.getMessage().contains("HH:MM:SS"), time.getMessage());
        UserError mem = assertThrows(UserError.class, () -> new SlurmOptions(null, 0, null, "16 GB", null));
        assertTrue(mem.getMessage().contains("16G"), mem.getMessage());
        assertThrows(UserError.class, () -> new SlurmOptions(null, -1, null, null, null));
        assertThrows(UserError.class, () -> new SlurmOptions("gpu;rm", 0, null, null, null));
    }
}
