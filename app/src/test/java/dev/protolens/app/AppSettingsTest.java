package dev.protolens.app;

import dev.protolens.app.ui.AppSettings;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppSettingsTest {
    @TempDir
    Path home;

    @AfterEach
    void clear() {
        System.clearProperty("protolens.home");
    }

    @Test
    void roundTripsUnderProtolensHomeAndSurvivesABrokenFile() throws Exception {
        System.setProperty("protolens.home", home.toString());
        assertThat(AppSettings.load()).isEqualTo(AppSettings.defaults());
        AppSettings s = AppSettings.defaults().withTheme("dark")
                .withWindow(new AppSettings.Window(10, 20, 1300, 800, false)).withLastModel("/m")
                .withLastText("Lily").withFit(new AppSettings.Fit(3, 1000, 0.02, "emb-std", "e-mN", 4));
        s.save();
        assertThat(Files.readString(home.resolve("settings.json"))).contains("\"last_model\"");
        assertThat(AppSettings.load()).isEqualTo(s);
        Files.writeString(home.resolve("settings.json"), "{broken");
        assertThat(AppSettings.load()).isEqualTo(AppSettings.defaults());
        assertThat(home.resolve("settings.json.broken")).exists();
    }
}
