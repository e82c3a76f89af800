package dev.protolens.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.testing.TextSamples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * TinyLLama's tokenizer.json through DJL's Rust tokenizers gives the ids of the reference tokenizer
 * ({@code ../shared/reference/tokenizers_ref.py}, an independent pure-Python re-implementation) on 200 varied
 * strings, and decodes them back.
 *
 * <p>The reference is run live through {@code python3} ({@code src/test/python/reference_token_ids.py}). Where
 * python3 is missing, the test uses {@code tinyllama-reference-ids.json} beside this class, which that same
 * script wrote for the same strings (regenerate it by running this test with {@code -Dprotolens.regenerate=true}),
 * so the check never skips;
 * where python3 is present the test also asserts that the stored copy still matches the reference.
 */
class TinyLlamaTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path STORED = Path.of("src/test/resources/dev/protolens/engine/tokenizer/tinyllama-reference-ids.json");

    @Test
    void idsEqualTheReferenceAndDecodeBack() throws Exception {
        Path tokenizerJson = Shared.model("tinyllama-v0/tokenizer.json");
        List<String> texts = TextSamples.varied(200, 11);
        JsonNode live = runReference(tokenizerJson, texts);
        if (live != null && Boolean.getBoolean("protolens.regenerate")) {
            Files.createDirectories(STORED.getParent());
            Files.writeString(STORED, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(live));
        }
        JsonNode stored = JSON.readTree(Files.readString(STORED));
        JsonNode expected;
        if (live != null) {
            assertThat(stored).as("the stored reference ids (" + STORED + ") are stale: regenerate them").isEqualTo(live);
            expected = live;
            System.out.println("TinyLLama tokenizer: expected ids from the live Python reference");
        } else {
            expected = stored;
            System.out.println("TinyLLama tokenizer: python3 not found, expected ids from " + STORED);
        }
        assertThat(expected.size()).isEqualTo(200);
        try (HfTokenizer t = HfTokenizer.open(tokenizerJson, 1, 2)) {
            int tokens = 0;
            for (JsonNode e : expected) {
                String text = e.get("text").asString();
                long[] ids = t.encode(text, true).ids();
                long[] plain = t.encode(text, false).ids();
                assertThat(ids).as("ids of %s", GgufVocabularyTest.show(text)).containsExactly(longs(e.get("ids")));
                assertThat(plain).as("ids of %s", GgufVocabularyTest.show(text)).containsExactly(longs(e.get("ids_plain")));
                // SentencePiece stores spaces as U+2581, so a literal U+2581 in the text reads back as a space
                assertThat(t.decode(plain, true)).as("decode(encode(%s))", GgufVocabularyTest.show(text))
                        .isEqualTo(text.replace("\u2581", " "));
                tokens += plain.length;
            }
            System.out.println("TinyLLama tokenizer: " + expected.size() + " strings, " + tokens
                    + " tokens, ids equal the reference, decode(encode(x)) == x");
        }
    }

    private static long[] longs(JsonNode a) {
        long[] r = new long[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asLong();
        }
        return r;
    }

    /** The reference's ids, or null when python3 is not installed. */
    private static JsonNode runReference(Path tokenizerJson, List<String> texts) throws IOException, InterruptedException {
        Path script = Path.of("src/test/python/reference_token_ids.py").toAbsolutePath();
        Path reference = Shared.require("reference/tokenizers_ref.py").getParent();
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), reference.toString(),
                tokenizerJson.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            return null; // no python3 on this machine
        }
        try (var in = p.getOutputStream()) {
            in.write(JSON.writeValueAsString(texts).getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the Python reference tokenizer did not finish within 60 s");
        }
        assertThat(p.exitValue()).as("exit status of " + String.join(" ", cmd)).isZero();
        return JSON.readTree(new String(out, StandardCharsets.UTF_8));
    }
}
