package dev.protolens.app;

import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one way a test starts the JavaFX toolkit and the real application (headless, Monocle): register it with
 * {@code @RegisterExtension final RealWindow window = new RealWindow();} and call {@link #start} when the test's
 * home is ready. A second start closes the first window (a restart); after each test the window and every stage
 * close, whether the test passed, failed or was skipped before it started one.
 */
public final class RealWindow implements AfterEachCallback {
    private ProtoLensApp app;

    /** Starts the application with its settings and library under {@code home}; closes a window started before. */
    public ProtoLensApp start(Path home) throws TimeoutException {
        if (app != null) {
            close();
        }
        app = GuiTesting.start(home);
        return app;
    }

    /** The running application, or null. */
    public ProtoLensApp app() {
        return app;
    }

    /** Closes the window (and every other stage) now. */
    public void close() throws TimeoutException {
        ProtoLensApp a = app;
        app = null;
        GuiTesting.stop(a);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }
}
