package dev.protolens.app.cli;

import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.FitStart;
import picocli.CommandLine.Option;

/** {@code fit}'s options beyond the paper's recipe (FitStart); none given: the paper's recipe exactly. */
final class StartOptions {
    @Option(names = "--fast-start", description = "The measured \"Fast start\" (README: Reaching 100 %% sooner): e and m"
            + " of the library's run of this model whose text is nearest, and 3× the lr. The options below change parts"
            + " of it.")
    boolean fast;

    @Option(names = "--schedule", description = "constant (the paper) or warmup-cosine (linear warm-up to the peak, then"
            + " cosine to 0 at the last step).")
    String schedule;

    @Option(names = "--peak", description = "Peak learning rate as a multiple of --lr (paper: 1).")
    Double peak;

    @Option(names = "--warmup-steps", description = "Warm-up updates of --schedule warmup-cosine (default 20).")
    Integer warmupSteps;

    @Option(names = "--focus", description = "Extra loss weight on positions not yet right: (1+focus)/N instead of 1/N (paper: 0).")
    Double focus;

    @Option(names = "--init-scale", description = "Multiplies the random init's standard deviation (paper: 1).")
    Double initScale;

    @Option(names = "--warm", description = "Where e and m start: none (random, the paper), mean-m (the mean m of this"
            + " model's complete runs in the library) or nearest (e and m of the run whose text shares most tokens).")
    String warm;

    FitStart start() {
        FitStart s = fast ? FitStart.FAST : FitStart.PAPER;
        try {
            FitStart.Schedule sch = schedule != null ? FitStart.parseSchedule(schedule) : s.schedule();
            int w = warmupSteps != null ? warmupSteps : sch == FitStart.Schedule.WARMUP_COSINE && s.warmupSteps() == 0
                    ? 20 : s.warmupSteps();
            s = s.withSchedule(sch, peak != null ? peak : s.peak(), w);
            if (focus != null) {
                s = s.withFocus(focus);
            }
            if (initScale != null) {
                s = s.withInitScale(initScale);
            }
            if (warm != null) {
                s = s.withWarm(FitStart.parseWarm(warm));
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
