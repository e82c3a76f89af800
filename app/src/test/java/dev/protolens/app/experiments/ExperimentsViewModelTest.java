package dev.protolens.app.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.GuiTesting;
import dev.protolens.app.ui.Host;
import dev.protolens.app.ui.RunningTask;
import dev.protolens.engine.experiment.Experiment;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelLoader;
import dev.protolens.engine.session.ModelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Experiments screen's view model without a window, on stories260K with a tiny budget: the plan size is
 * shown before a run, every item gets a status, the report and its files appear, and a second Run fits nothing.
 */
class ExperimentsViewModelTest {
    @TempDir
    Path root;

    /** UI work runs at once on the calling thread; errors are recorded. */
    static final class TestHost implements Host {
        final List<String> errors = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void fx(Runnable r) {
            r.run();
        }

        @Override
        public void error(String title, Throwable problem) {
            errors.add(title + ": " + problem.getMessage());
        }

        @Override
        public void error(String title, String message) {
            errors.add(title + ": " + message);
        }

        @Override
        public boolean confirm(String title, String message, String yes) {
            return true;
        }

        @Override
        public void copy(String text) {
        }
    }

    private static void waitUntil(String what, int seconds, java.util.function.BooleanSupplier c)
            throws InterruptedException {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void oneVectorRunsToItsReportAndASecondRunRefitsNothing() throws Exception {
        TestHost host = new TestHost();
        List<RunningTask> tasks = new CopyOnWriteArrayList<>();
        try (LoadedModel m = ModelLoader.load(GuiTesting.sharedModel("stories260k-hf"));
             ModelSession s = ModelSession.of(m)) {
            ExperimentsViewModel vm = new ExperimentsViewModel(host, () -> s, tasks::add, t -> { }, root);
            vm.experimentProperty().set(Experiment.named("one-vector"));
            vm.quickProperty().set(true);
            vm.stepsProperty().set(40);
            assertThat(vm.planSummaryProperty().get()).startsWith("8 items, 16 fits of at most 40 steps");
            waitUntil("the time estimate", 60, () -> vm.planSummaryProperty().get().contains("on this machine"));
            System.out.println(vm.planSummaryProperty().get());

            vm.run();
            assertThat(tasks).hasSize(1);
            waitUntil("the experiment to end", 300, () -> vm.stateProperty().get()
                    == ExperimentsViewModel.State.DONE || vm.stateProperty().get() == ExperimentsViewModel.State.FAILED);
            assertThat(vm.problemProperty().get()).isEmpty();
            assertThat(vm.stateProperty().get()).isEqualTo(ExperimentsViewModel.State.DONE);
            assertThat(vm.items()).hasSize(8);
            assertThat(vm.items()).allMatch(r -> r.status().endsWith("tokens"));
            assertThat(vm.progressProperty().get()).isEqualTo(1.0);
            var report = vm.reportProperty().get();
            assertThat(report.rows()).hasSize(4);
            assertThat(report.complete()).isTrue();
            Path folder = vm.folder();
            for (String f : List.of("report.html", "report.md", "report.json", "table.csv", "one-vector.png",
                    "one-vector.svg", "one-vector.pdf", "plan.json")) {
                assertThat(folder.resolve(f)).as(f).isRegularFile();
            }
            assertThat(Files.readString(folder.resolve("report.html"))).contains("<svg").contains("the paper").contains(report.claim());

            vm.run();
            assertThat(vm.items()).allMatch(r -> r.status().equals("done before"));
            waitUntil("the second run to end", 120,
                    () -> vm.stateProperty().get() == ExperimentsViewModel.State.DONE && vm.reportProperty().get() != null);
            assertThat(vm.items()).allMatch(r -> r.status().equals("done before"));
            assertThat(host.errors).isEmpty();
        }
    }
}
