package dev.protolens.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export dialogs' rules: where they open, the names they suggest, what they say after a write. */
class SaveDialogsTest {
    @TempDir
    Path tmp;

    @Test
    void opensInDocumentsOrTheLastFolderNeverTheWorkingDirectory() throws Exception {
        Path start = SaveDialogs.startFolder();
        assertThat(start).isNotEqualTo(Path.of("").toAbsolutePath());
        assertThat(start.startsWith(Path.of(System.getProperty("user.home")))).isTrue();
        Path chosen = tmp.resolve("figs").resolve("atlas.svg");
        Files.createDirectories(chosen.getParent());
        SaveDialogs.chosen(chosen.toFile());
        assertThat(SaveDialogs.startFolder()).isEqualTo(chosen.getParent());
    }

    @Test
    void suggestsANameThatSaysWhatItIs() {
        String day = DateTimeFormatter.BASIC_ISO_DATE.format(LocalDate.now());
        assertThat(SaveDialogs.fileName("histories", "stories260k-hf", "The cat sat on the mat."))
                .isEqualTo("histories-stories260k-hf-the-cat-sat-on-the-mat-" + day);
        assertThat(SaveDialogs.fileName("Atlas · PCA of 7 runs")).isEqualTo("atlas-pca-of-7-runs-" + day);
    }

    @Test
    void confirmsWhatWasWrittenAndKeepsTheUmask() throws Exception {
        Path f = tmp.resolve("atlas.svg");
        dev.protolens.engine.AtomicFiles.write(f, new byte[48 * 1024]);
        assertThat(SaveDialogs.savedMessage(f)).isEqualTo("Saved atlas.svg (48 KB)");
        // the file gets what a plain new file gets under this umask (not createTempFile's 0600)
        Path plain = Files.createFile(tmp.resolve("plain"));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(expected);
    }
}
