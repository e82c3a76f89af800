package dev.protolens.app.atlas;

import dev.protolens.engine.work.LibraryProjection.Method;
import java.util.EnumMap;
import java.util.Map;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;

/**
 * Whether the Atlas draws the paths between A and B, remembered per method: on for PCA, off for t-SNE until the
 * user ticks it. t-SNE is not a linear map, so the straight line between A and B does not stay straight on it
 * (it shows as a zigzag).
 */
final class MethodPaths {
    private final Map<Method, Boolean> ticks = new EnumMap<>(Map.of(Method.PCA, true, Method.TSNE, false));
    private final BooleanProperty shown = new SimpleBooleanProperty(true);
    private boolean switching;

    /** @param userTicked runs when the user changes the tick (not when a change of method does) */
    MethodPaths(ObjectProperty<Method> method, Runnable userTicked) {
        shown.set(ticks.get(method.get()));
        method.addListener((o, was, now) -> {
            switching = true;
            try {
                shown.set(ticks.get(now));
            } finally {
                switching = false;
            }
        });
        shown.addListener((o, was, now) -> {
            if (!switching) {
                ticks.put(method.get(), now); // the user's tick, for this method from now on
                userTicked.run();
            }
        });
    }

    BooleanProperty shownProperty() {
        return shown;
    }
}
