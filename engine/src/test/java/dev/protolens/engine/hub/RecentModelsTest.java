package dev.protolens.engine.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecentModelsTest {
    @TempDir
    Path tmp;

    @Test
    void remembersNewestFirstAndDescribesEachEntryFresh() throws Exception {
        Path settings = tmp.resolve("home");
        RecentModels recent = new RecentModels(settings);
        Path tiny = Shared.model("tinyllama-v0");
        Path gguf = Files.write(tmp.resolve("small.gguf"), new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0});
        Path notGguf = Files.write(tmp.resolve("broken.gguf"), new byte[] {1, 2, 3, 4});
        Path snap = Files.createDirectories(tmp.resolve("hub/models--org--name/snapshots/abc"));
        Path gone = tmp.resolve("moved-away");

        recent.remember(tiny);
        recent.remember(gguf);
        recent.remember(notGguf);
        recent.remember(snap);
        recent.remember(gone);
        recent.remember(tiny);

        List<RecentModels.RecentModel> list = new RecentModels(settings).list();
        assertThat(list).extracting(RecentModels.RecentModel::path).containsExactly(tiny, gone, snap, notGguf, gguf);
        RecentModels.RecentModel first = list.getFirst();
        assertThat(first.loadable()).isTrue();
        assertThat(first.family()).isEqualTo("llama");
        assertThat(first.kind()).isEqualTo(LocalModel.Kind.FOLDER);
        assertThat(first.name()).isEqualTo("tinyllama-v0");
        assertThat(list.get(1).exists()).isFalse();
        assertThat(list.get(2).repoId()).isEqualTo("org/name");
        assertThat(list.get(2).name()).isEqualTo("org/name");
        assertThat(list.get(2).loadable()).isFalse();
        assertThat(list.get(3).kind()).isEqualTo(LocalModel.Kind.GGUF);
        assertThat(list.get(3).loadable()).isFalse();
        assertThat(list.get(4).loadable()).isTrue();
        assertThat(list.get(0).lastOpened()).isAfterOrEqualTo(list.get(1).lastOpened());

        assertThat(recent.forget(gone)).isTrue();
        assertThat(recent.forget(gone)).isFalse();
        assertThat(recent.list()).hasSize(4);
    }

    @Test
    void keepsAtMostTheLimitAndSurvivesABrokenFile() throws Exception {
        RecentModels recent = new RecentModels(tmp);
        for (int i = 0; i < RecentModels.LIMIT + 5; i++) {
            recent.remember(tmp.resolve("m" + i));
        }
        List<RecentModels.RecentModel> list = recent.list();
        assertThat(list).hasSize(RecentModels.LIMIT);
        assertThat(list.getFirst().path()).isEqualTo(tmp.resolve("m" + (RecentModels.LIMIT + 4)));

        Files.writeString(recent.file(), "{ not json");
        assertThat(recent.list()).isEmpty();
        assertThat(tmp.resolve(RecentModels.FILE + ".broken")).hasContent("{ not json");
        recent.remember(tmp.resolve("again"));
        assertThat(recent.list()).hasSize(1);
    }
}
