package dev.protolens.app.experiments;

import dev.protolens.engine.experiment.Experiment;
import dev.protolens.engine.experiment.ExperimentReport;
import dev.protolens.engine.experiment.ItemResult;
import dev.protolens.engine.experiment.Plan;
import dev.protolens.engine.experiment.PlanResults;
import dev.protolens.engine.experiment.PlanRunner;
import dev.protolens.engine.experiment.Shard;
import dev.protolens.engine.session.ModelSession;
import dev.protolens.engine.store.RunLibrary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One experiment from plan to report, the same for the window and the command line: the plan's items run (those
 * already in the folder are skipped), the results are analysed and the report is written into the folder.
 */
public final class ExperimentJob {
    private final Experiment experiment;
    private final Plan plan;
    private final ModelSession session;
    private final PlanResults results;
    private final PlanRunner runner;

    /**
     * @param library where the runs go (null: the folder's own {@code library/})
     */
    public ExperimentJob(Experiment experiment, Plan plan, ModelSession session, Path folder, RunLibrary library) {
        this.experiment = experiment;
        this.plan = plan.validate();
        this.session = session;
        this.results = new PlanResults(folder);
        this.runner = new PlanRunner(session, library, results);
    }

    public Plan plan() {
        return plan;
    }

    public PlanResults results() {
        return results;
    }

    /** Stops after the current fit; what is finished stays, and the next run continues from there. */
    public void cancel() {
        runner.cancel();
    }

    /** Runs what is left of the plan. */
    public PlanRunner.Summary run(PlanRunner.Listener listener) throws IOException {
        return runner.run(plan, Shard.ALL, listener);
    }

    /** The report from the results on disk (partial when the plan is not finished). */
    public ExperimentReport analyse() throws Exception {
        Map<String, ItemResult> done = results.of(plan);
        return experiment.analyse(plan, done, new Experiment.Context(session, runner.library()));
    }

    /** Writes the report's files into the folder. */
    public java.util.List<Path> write(ExperimentReport report) throws IOException {
        return ExperimentFiles.write(report, identity(), results.dir());
    }

    public Map<String, Object> identity() {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("name", session.model().name());
        id.put("path", session.model().path().toString());
        id.put("identity", session.model().identity());
        id.put("device", session.model().device());
        return id;
    }
}
