package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run is fitted by one holder at a time; a holder that died leaves nothing that blocks the next fit. */
class RunLeaseTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondLeaseIsRefusedWithWhoHoldsItUntilTheFirstEnds() {
        RunLibrary lib = new RunLibrary(tmp);
        try (RunLease first = lib.lease(List.of("a", "b"), "a resumed fit")) {
            assertThat(first.ids()).containsExactly("a", "b");
            assertThatThrownBy(() -> lib.lease(List.of("b"), "another fit"))
                    .isInstanceOf(RunStoreException.class)
                    .hasMessageContaining("Run b is being fitted")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("a resumed fit");
            // runs that are not leased are free
            lib.lease(List.of("c"), "a third fit").close();
        }
        lib.lease(List.of("a", "b"), "after the first ended").close();
        assertThat(tmp.resolve(RunLibrary.LEASES).resolve("a.json")).doesNotExist();
    }

    @Test
    void theLeaseOfAProcessThatDiedIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Instant started = gone.info().startInstant().orElse(Instant.now().minusSeconds(5));
        write("run", gone.pid(), RunLease.hostName(), started, Instant.now());
        try (RunLease l = new RunLibrary(tmp).lease(List.of("run"), "a fit after a crash")) {
            assertThat(RunLease.read(tmp.resolve(RunLibrary.LEASES), "run").orElseThrow().pid())
                    .isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void aLiveProcessOnThisHostHoldsItsLease() throws Exception {
        Process alive = new ProcessBuilder("sleep", "60").start();
        try {
            write("run", alive.pid(), RunLease.hostName(), alive.info().startInstant().orElseThrow(), Instant.now());
            assertThatThrownBy(() -> new RunLibrary(tmp).lease(List.of("run"), "x"))
                    .hasMessageContaining("being fitted by another process").hasMessageContaining("pid " + alive.pid());
        } finally {
            alive.destroyForcibly().waitFor();
        }
        new RunLibrary(tmp).lease(List.of("run"), "after it ended").close();
    }

    @Test
    void aLeaseFromAnotherHostHoldsWhileItIsRenewedAndGoesStaleWhenItIsNot() throws Exception {
        write("fresh", 12345, "node-17.cluster", Instant.now().minusSeconds(3600), Instant.now().minusSeconds(20));
        assertThatThrownBy(() -> new RunLibrary(tmp).lease(List.of("fresh"), "x"))
                .hasMessageContaining("node-17.cluster");
        write("stale", 12345, "node-17.cluster", Instant.now().minusSeconds(3600),
                Instant.now().minus(RunLease.STALE_AFTER).minus(Duration.ofSeconds(30)));
        new RunLibrary(tmp).lease(List.of("stale"), "x").close();
    }

    private void write(String id, long pid, String host, Instant processStart, Instant renewed) throws Exception {
        Path dir = tmp.resolve(RunLibrary.LEASES);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(id + ".json"), RunLibrary.JSON.writeValueAsString(Map.of("pid", pid, "host", host,
                "since", processStart.toString(), "renewed", renewed.toString(), "process_start",
                processStart.toString(), "token", "someone-else", "what", "a fit elsewhere")));
    }
}
