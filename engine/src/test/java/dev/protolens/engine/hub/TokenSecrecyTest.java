package dev.protolens.engine.hub;

import static dev.protolens.engine.hub.HubTesting.env;
import static dev.protolens.engine.hub.HubTesting.fast;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.protolens.engine.testing.FakeHub;
import dev.protolens.engine.testing.Shared;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The token goes to the hub as a header and nowhere else: not into a log line at any level, not into an exception
 * message or stack trace, not into the string form of any object a caller might print or store.
 */
class TokenSecrecyTest {
    private static final String WRONG = "hf_WrongButStillSecret_0b5e2c71d9";

    @TempDir
    Path tmp;

    @Test
    void theTokenAppearsInNoLogLineExceptionOrPrintedObject() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        Level before = root.getLevel();
        root.setLevel(Level.TRACE);
        List<String> printed = new ArrayList<>();
        try (FakeHub hub = new FakeHub()) {
            Path tiny = Shared.model("tinyllama-v0");
            FakeHub.Repo gated = hub.serve("protolens-test/gated", tiny).gated().dropAfter("model.safetensors", 3_000_000, 1);
            hub.serve("protolens-test/gated-damaged", tiny).gated().corrupt("model.safetensors");

            HubEnvironment good = env(tmp.resolve("a"), hub.endpoint(), "HF_TOKEN", FakeHub.TOKEN);
            HubEnvironment wrong = env(tmp.resolve("b"), hub.endpoint(), "HF_TOKEN", WRONG);
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                closedPort = s.getLocalPort();
            }
            HubEnvironment unreachable = env(tmp.resolve("c"), "http://127.0.0.1:" + closedPort, "HF_TOKEN", FakeHub.TOKEN);
            HubEnvironment offline = env(tmp.resolve("d"), hub.endpoint(), "HF_TOKEN", FakeHub.TOKEN, "HF_HUB_OFFLINE", "1");
            printed.add(good.toString());
            printed.add(good.token().orElseThrow().toString());

            try (HuggingFaceHub h = new HuggingFaceHub(good, fast())) {
                PulledModel ok = h.pull("protolens-test/gated", null, p -> printed.add(p.toString())).await();
                printed.add(ok.toString());
            }
            printed.add(failure(good, "protolens-test/gated-damaged"));
            printed.add(failure(good, "protolens-test/missing"));
            printed.add(failure(wrong, "protolens-test/gated"));
            printed.add(failure(unreachable, "protolens-test/gated"));
            printed.add(failure(offline, "protolens-test/gated"));

            HubToken.save(tmp.resolve("e/settings"), FakeHub.TOKEN);
            HubEnvironment saved = env(tmp.resolve("e"), hub.endpoint());
            printed.add(saved.toString());
            Path file = tmp.resolve("e/settings").resolve(HubToken.SETTINGS_FILE);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

            // the check means something only if the token did travel: to the hub, never to the CDN
            assertThat(hub.requests()).anyMatch(r -> ("Bearer " + FakeHub.TOKEN).equals(r.authorization()));
            assertThat(hub.requests()).anyMatch(r -> ("Bearer " + WRONG).equals(r.authorization()));
            assertThat(hub.requests()).filteredOn(r -> r.server().equals("cdn")).isNotEmpty()
                    .allMatch(r -> r.authorization() == null);
            assertThat(gated.commit()).isNotNull();
        } finally {
            root.setLevel(before);
            root.detachAppender(logs);
        }
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            lines.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                lines.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
            }
        }
        assertThat(lines).as("log lines captured").hasSizeGreaterThan(5);
        for (String s : lines) {
            assertThat(s).doesNotContain(FakeHub.TOKEN).doesNotContain(WRONG);
        }
        for (String s : printed) {
            assertThat(s).doesNotContain(FakeHub.TOKEN).doesNotContain(WRONG);
        }
        System.out.printf("checked %d log lines and %d printed objects/exception traces: no token%n", lines.size(),
                printed.size());
    }

    /** The whole stack trace of the failure (every message and cause), as a user or a crash report would see it. */
    private static String failure(HubEnvironment env, String repo) throws InterruptedException {
        try (HuggingFaceHub h = new HuggingFaceHub(env, fast())) {
            h.pull(repo, null, null).await();
        } catch (HubError e) {
            StringWriter w = new StringWriter();
            e.printStackTrace(new PrintWriter(w));
            assertThat(w.toString()).contains(e.getMessage());
            return w + "\n" + e;
        }
        throw new AssertionError(repo + " should have failed");
    }
}
