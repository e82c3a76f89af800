package dev.protolens.app.fit;

import dev.protolens.app.ui.LatestWins;
import dev.protolens.app.ui.Workbench;
import dev.protolens.engine.UserError;
import dev.protolens.engine.fit.TextCheck;
import dev.protolens.engine.fit.TextFiles;
import dev.protolens.engine.session.ModelSession;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.StringProperty;
import javafx.beans.property.SimpleStringProperty;

/**
 * The text to fit and its live check against the open model: tokens, the target, and why it cannot be fitted
 * (empty, longer than the context). The check reruns, latest request wins, when the text, the arrangement or
 * the model changes; the Fit button and the inline message read it, and a fit starts from {@link #checkNow()}
 * so that what starts is what was checked.
 */
public final class FitText {
    private static final long PREVIEW_DELAY_MS = 120;

    private final Workbench wb;
    private final FitSettings settings;
    private final StringProperty text = new SimpleStringProperty("");
    private final ReadOnlyObjectWrapper<TextCheck> preview = new ReadOnlyObjectWrapper<>();
    private final LatestWins<TextCheck> checks;

    FitText(Workbench wb, FitSettings settings) {
        this.wb = wb;
        this.settings = settings;
        this.checks = new LatestWins<>(wb.host(), PREVIEW_DELAY_MS);
        List<SampleTexts.SampleText> samples = SampleTexts.load();
        String last = wb.settings().lastText();
        text.set(last != null && !last.isBlank() ? last : samples.isEmpty() ? "" : samples.getFirst().text());
        text.addListener((o, a, b) -> recheck());
        settings.arrangementProperty().addListener((o, a, b) -> recheck());
        recheck();
    }

    public StringProperty textProperty() {
        return text;
    }

    /** The text checked against the open model (null while none is open or the check is pending). */
    public ReadOnlyObjectProperty<TextCheck> previewProperty() {
        return preview.getReadOnlyProperty();
    }

    /** Checks the text now, on this thread, and shows the result: what a fit about to start uses. */
    TextCheck checkNow(ModelSession s) {
        TextCheck check = TextCheck.of(s.model(), text.get(), settings.arrangementProperty().get());
        preview.set(check);
        return check;
    }

    /** The model or the arrangement changed, or the text did: check again in the background. */
    void recheck() {
        ModelSession s = wb.session();
        String t = text.get();
        var arr = settings.arrangementProperty().get();
        if (s == null) {
            checks.cancel();
            preview.set(null);
            return;
        }
        checks.request(() -> CompletableFuture.supplyAsync(() -> TextCheck.of(s.model(), t, arr)), preview::set,
                e -> preview.set(null));
    }

    /** A dropped or opened text file becomes the text to fit. */
    public void loadFile(Path p) {
        try {
            text.set(TextFiles.read(p));
        } catch (UserError e) {
            wb.host().error("Cannot read the text", e);
        }
    }
}
