package dev.protolens.engine.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.testing.FakeHub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Environments that point every path at a test's temporary folder and the hub at a {@link FakeHub}. */
final class HubTesting {
    static final String TINY = "protolens-test/tinyllama-v0";
    /** What a pull of tinyllama-v0 must fetch (README.md and the decoys stay behind). */
    static final List<String> TINY_FILES = List.of("config.json", "generation_config.json", "model.safetensors",
            "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json");

    private HubTesting() {}

    static HubEnvironment env(Path tmp, String endpoint, String... more) {
        Map<String, String> e = new HashMap<>();
        e.put("HF_HOME", tmp.resolve("hf").toString());
        e.put("HF_ENDPOINT", endpoint);
        for (int i = 0; i < more.length; i += 2) {
            e.put(more[i], more[i + 1]);
        }
        return HubEnvironment.from(e, tmp.resolve("settings"));
    }

    static PullOptions fast() {
        return PullOptions.defaults().withRetries(5, java.time.Duration.ofMillis(20));
    }

    /** Serves ../shared/models/tinyllama-v0 plus files a pull must leave alone. */
    static FakeHub.Repo serveTiny(FakeHub hub, Path tiny) {
        return hub.serve(TINY, tiny)
                .extra("pytorch_model.bin", new byte[] {1, 2, 3})
                .extra("flax_model.msgpack", new byte[] {4, 5})
                .extra("tf_model.h5", new byte[] {6})
                .extra("onnx/model.onnx", new byte[] {7, 8});
    }

    /** A listener that keeps every event. */
    static final class Events implements DownloadListener {
        final List<DownloadProgress> all = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onProgress(DownloadProgress p) {
            all.add(p);
        }

        List<DownloadProgress> list() {
            synchronized (all) {
                return List.copyOf(all);
            }
        }

        /** Overall bytes never go down and end at the total; each file ends at its size. */
        void assertConsistent(long total, int files) {
            List<DownloadProgress> ev = list();
            assertThat(ev).isNotEmpty();
            assertThat(ev.getFirst().stage()).isEqualTo(DownloadProgress.Stage.PLANNED);
            assertThat(ev.getLast().stage()).isEqualTo(DownloadProgress.Stage.COMPLETE);
            long prev = -1;
            for (DownloadProgress p : ev) {
                assertThat(p.bytesTotal()).isEqualTo(total);
                assertThat(p.bytesDone()).as("bytesDone at %s", p).isGreaterThanOrEqualTo(prev).isLessThanOrEqualTo(total);
                assertThat(p.fileBytes()).isLessThanOrEqualTo(p.fileSize());
                prev = p.bytesDone();
            }
            assertThat(ev.getLast().bytesDone()).isEqualTo(total);
            assertThat(ev.getLast().filesDone()).isEqualTo(files);
            long sumOfFiles = ev.stream().filter(p -> p.stage() == DownloadProgress.Stage.DONE
                    || p.stage() == DownloadProgress.Stage.CACHED).mapToLong(p -> {
                        assertThat(p.fileBytes()).isEqualTo(p.fileSize());
                        return p.fileSize();
                    }).sum();
            assertThat(sumOfFiles).as("sizes of the files reported done").isEqualTo(total);
        }
    }
}
