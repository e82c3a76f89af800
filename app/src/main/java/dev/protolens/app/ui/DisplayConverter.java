package dev.protolens.app.ui;

import java.util.function.Function;
import javafx.util.StringConverter;

/** How a chooser shows its items; the choosers are not editable, so text is never parsed back. */
public final class DisplayConverter {
    private DisplayConverter() {}

    /** Shows each item as {@code label} says, an empty chooser as "". */
    public static <T> StringConverter<T> of(Function<T, String> label) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : label.apply(t);
            }

            @Override
            public T fromString(String s) {
                return null;
            }
        };
    }
}
