package dev.protolens.engine.fit;

import dev.protolens.engine.proto.Arrangement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.testing.Shared;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Memory stays flat over a long fit: every step's temporaries live in a child manager that is closed, so
 * the resident set after 5000 steps is within 5 % of what it was after 500 (a leak of even one small
 * array per step would show: ~1,600 arrays leaked per step without the child manager, STACK.md).
 *
 * <p>The fit runs in a child JVM whose heap is fixed and touched up front ({@code -Xms = -Xmx},
 * AlwaysPreTouch): otherwise the resident set mostly tracks how much of the Java heap the collector has
 * touched or given back (it swung from 239 to 291 MB between collections here), which would hide a
 * native leak or fake one. With the heap pinned, what changes is native memory: libtorch's tensors.
 */
@Tag("bench") // a measurement: runs with mvn -Pbench verify, not in the unit suite
class FitMemoryTest {

    @Test
    void residentMemoryAtStep5000IsWithinFivePercentOfStep500() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "skipped: needs Linux /proc to read RSS");
        Path model = Shared.model("stories260k-hf");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), model.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String line = out.lines().filter(l -> l.startsWith("RSS ")).findFirst().orElseThrow(() -> new AssertionError(out));
        String[] f = line.split(" ");
        double at500 = Double.parseDouble(f[1]);
        double at5000 = Double.parseDouble(f[2]);
        double change = (at5000 - at500) / at500;
        System.out.printf("5000 steps in %s s: RSS %.1f MB at step 500, %.1f MB at step 5000 (%+.2f %%)%n", f[3],
                at500 / 1024, at5000 / 1024, change * 100);
        assertThat(Math.abs(change)).isLessThanOrEqualTo(0.05);
    }

    /** The fit itself, in the child JVM: prints "RSS kb500 kb5000 seconds". */
    public static final class Child {
        public static void main(String[] args) {
            try (LoadedModel m = ModelLoader.load(Path.of(args[0]))) {
                // 40 tokens: more than stories260K can hold, so the fit runs all 5000 steps
                String text = "Lily and Ben went to the park to play with a red ball. They ran and laughed in the warm"
                        + " sun until it was time to go home.";
                FitTarget target = FitTarget.of(m, text, Arrangement.E_M);
                long[] rss = new long[2];
                int[] step = {0};
                FitMonitor monitor = FitMonitor.none().betweenSteps(() -> {
                    step[0]++;
                    if (step[0] == 500) {
                        System.gc();
                        rss[0] = rssKb();
                    } else if (step[0] == 5000) {
                        System.gc();
                        rss[1] = rssKb();
                    }
                });
                FitResult r = new Fitter(m).fit(FitRequest.single(target, FitSpec.defaults()), monitor);
                if (r.updates() != 5000) {
                    throw new IllegalStateException("expected 5000 updates, got " + r.updates());
                }
                System.out.printf("RSS %d %d %.1f%n", rss[0], rss[1], r.millis() / 1000.0);
            }
        }
    }

    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS");
    }
}
