package dev.protolens.app.ui;

import java.util.Locale;
import javafx.application.ColorScheme;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;
import javafx.scene.Scene;

/**
 * Light and dark looks: one stylesheet of component rules ({@code app.css}) over a small palette file per
 * theme that only defines looked-up colours ({@code -pl-*} and Modena's {@code -fx-base} family), so a rule
 * is written once and reads its colours from whichever palette is active. "System" follows the OS where
 * JavaFX can tell ({@link Platform#getPreferences()}).
 */
public enum Theme {
    SYSTEM, LIGHT, DARK;

    private static final String BASE = css("app.css");
    private static final String LIGHT_CSS = css("light.css");
    private static final String DARK_CSS = css("dark.css");

    public String settingsName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String label() {
        return switch (this) {
            case SYSTEM -> "System";
            case LIGHT -> "Light";
            case DARK -> "Dark";
        };
    }

    public static Theme parse(String s) {
        if (s != null) {
            for (Theme t : values()) {
                if (t.settingsName().equalsIgnoreCase(s.trim())) {
                    return t;
                }
            }
        }
        return SYSTEM;
    }

    /** The chosen theme and whether it currently renders dark (SYSTEM resolved through the OS preference). */
    public static final class Choice {
        private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(SYSTEM);
        private final BooleanBinding dark;

        public Choice(Theme initial) {
            theme.set(initial);
            ObservableValue<ColorScheme> os = osScheme();
            dark = Bindings.createBooleanBinding(() -> switch (theme.get()) {
                case DARK -> true;
                case LIGHT -> false;
                case SYSTEM -> os.getValue() == ColorScheme.DARK;
            }, theme, os);
        }

        /** The OS's light or dark preference; light where there is no JavaFX toolkit (headless view-model tests). */
        private static ObservableValue<ColorScheme> osScheme() {
            try {
                return Platform.getPreferences().colorSchemeProperty();
            } catch (IllegalStateException noToolkit) {
                return new SimpleObjectProperty<>(ColorScheme.LIGHT);
            }
        }

        public ObjectProperty<Theme> themeProperty() {
            return theme;
        }

        public BooleanBinding darkProperty() {
            return dark;
        }

        public boolean isDark() {
            return dark.get();
        }

        /** Keeps the scene's stylesheets in step with the choice. */
        public void applyTo(Scene scene) {
            Runnable apply = () -> scene.getStylesheets().setAll(BASE, dark.get() ? DARK_CSS : LIGHT_CSS);
            apply.run();
            dark.addListener((o, was, now) -> apply.run());
        }
    }

    private static String css(String name) {
        var url = Theme.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing stylesheet " + name);
        }
        return url.toExternalForm();
    }
}
