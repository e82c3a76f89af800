package dev.protolens.app.atlas;

import dev.protolens.engine.store.Run;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The unfinished fits (checkpoints) on the Atlas: drawn hollow beside the chosen model's runs, and picked apart
 * from A and B, since an unfinished fit is continued ("Resume in Fit"), not compared.
 */
public final class AtlasCheckpoints {
    private final ReadOnlyObjectWrapper<List<Run>> shown = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyObjectWrapper<Run> picked = new ReadOnlyObjectWrapper<>();
    private List<Run> all = List.of();
    private Consumer<Run> open = r -> { };

    /** The chosen model's checkpoints, as mapped. */
    public ReadOnlyObjectProperty<List<Run>> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    /** The checkpoint clicked on the map, or null. */
    public ReadOnlyObjectProperty<Run> pickedProperty() {
        return picked.getReadOnlyProperty();
    }

    /** What "Resume in Fit" does with a checkpoint (the window opens it in Fit, where Resume continues it). */
    public void setOpen(Consumer<Run> open) {
        this.open = Objects.requireNonNull(open);
    }

    /** Opens the picked checkpoint in Fit to resume it. */
    public void resumePicked() {
        Run r = picked.get();
        if (r != null) {
            open.accept(r);
        }
    }

    /** Every model's checkpoints, as the library was read. */
    void setAll(List<Run> checkpoints) {
        all = checkpoints;
    }

    /** Shows the checkpoints of the model with this identity (none for null); a pick that is gone is dropped. */
    void showModel(String identity) {
        shown.set(identity == null ? List.of()
                : all.stream().filter(r -> identity.equals(r.record().model().identity())).toList());
        Run p = picked.get();
        if (p != null && shown.get().stream().noneMatch(r -> r.id().equals(p.id()))) {
            picked.set(null);
        }
    }

    /** A click on a checkpoint picks it, or unpicks it if picked. */
    void toggle(Run r) {
        Run was = picked.get();
        picked.set(was != null && was.id().equals(r.id()) ? null : r);
    }

    void unpick() {
        picked.set(null);
    }
}
