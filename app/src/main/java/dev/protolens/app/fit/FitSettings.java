package dev.protolens.app.fit;

import dev.protolens.app.ui.AppSettings;
import dev.protolens.engine.fit.FitSpec;
import dev.protolens.engine.fit.FitStart;
import dev.protolens.engine.fit.Init;
import dev.protolens.engine.proto.Arrangement;
import dev.protolens.engine.store.RunRecord;
import dev.protolens.engine.store.RunRecords;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * The Fit screen's settings as properties, and their two conversions: to the engine's {@link FitSpec} and
 * back from a run's record (both through {@link RunRecords}, so the window, the CLI and the records agree on
 * every default), and to and from the remembered settings.
 */
public final class FitSettings {
    /** The window's spinner allows this many seeds in one batch (the CLI allows more). */
    public static final int MAX_RESTARTS = 32;

    private final IntegerProperty seed = new SimpleIntegerProperty(0);
    private final IntegerProperty maxSteps = new SimpleIntegerProperty(FitSpec.MAX_STEPS);
    private final DoubleProperty lr = new SimpleDoubleProperty(FitSpec.LR);
    private final ObjectProperty<Init> init = new SimpleObjectProperty<>(Init.NORMAL);
    private final ObjectProperty<Arrangement> arrangement = new SimpleObjectProperty<>(Arrangement.E_M);
    private final IntegerProperty restarts = new SimpleIntegerProperty(1);
    /** The measured "Fast start" (FitStart.FAST) instead of the paper's recipe. */
    private final BooleanProperty fastStart = new SimpleBooleanProperty(false);

    public BooleanProperty fastStartProperty() {
        return fastStart;
    }

    public IntegerProperty seedProperty() {
        return seed;
    }

    public IntegerProperty maxStepsProperty() {
        return maxSteps;
    }

    public DoubleProperty lrProperty() {
        return lr;
    }

    public ObjectProperty<Init> initProperty() {
        return init;
    }

    public ObjectProperty<Arrangement> arrangementProperty() {
        return arrangement;
    }

    public IntegerProperty restartsProperty() {
        return restarts;
    }

    public int restarts() {
        return Math.max(1, Math.min(MAX_RESTARTS, restarts.get()));
    }

    public FitSpec spec() {
        return FitSpec.defaults().withSeed(seed.get()).withMaxSteps(maxSteps.get()).withLr(lr.get())
                .withInit(init.get()).withArrangement(arrangement.get())
                .withStart(fastStart.get() ? FitStart.FAST : FitStart.PAPER);
    }

    /** Back to the paper's recipe (seed 0, 5000 steps, lr 0.01, N(0,1) init, [e][m]×(N−1), one restart). */
    public void reset() {
        show(FitSpec.defaults());
        restarts.set(1);
    }

    /** Shows a spec's values (a run opened from the library). */
    public void show(FitSpec s) {
        seed.set((int) Math.max(0, Math.min(Integer.MAX_VALUE, s.seed())));
        maxSteps.set(s.maxSteps());
        lr.set(s.lr());
        init.set(s.init());
        arrangement.set(s.arrangement());
        // ticked for the Fast start only: a run started another way (a CLI option) is not re-run as a Fast start
        fastStart.set(s.start().isFast());
    }

    public void restore(AppSettings.Fit f) {
        if (f == null) {
            return;
        }
        RunRecord.Settings st = new RunRecord.Settings(f.arrangement(), f.init(), f.seed(), f.lr(), FitSpec.BETA1,
                FitSpec.BETA2, FitSpec.EPS, FitSpec.WEIGHT_DECAY, f.maxSteps(), 1.0, false);
        show(RunRecords.spec(st));
        restarts.set(Math.max(1, Math.min(MAX_RESTARTS, f.restarts())));
    }

    public AppSettings.Fit remembered() {
        return new AppSettings.Fit(seed.get(), maxSteps.get(), lr.get(), init.get().cliName(),
                arrangement.get().cliName(), restarts.get());
    }
}
