package dev.protolens.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.Main;
import org.junit.jupiter.api.Test;

/** A shard is started with the app's real entry point (named, since the package must not depend on it). */
class ThisAppTest {
    @Test
    void theLauncherNamesTheAppsMainClass() {
        assertThat(ThisApp.MAIN_CLASS).isEqualTo(Main.class.getName());
        assertThat(ThisApp.launcher()).last().isEqualTo(Main.class.getName());
    }
}
