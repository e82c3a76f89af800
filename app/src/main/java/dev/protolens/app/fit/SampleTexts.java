package dev.protolens.app.fit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The texts of {@code sample-texts/} (shipped inside the app), in the order of their index. */
public final class SampleTexts {
    static final String ROOT = "/dev/protolens/app/sample-texts/";

    /** One sample: what the menu shows and where it comes from. */
    public record SampleText(String id, String title, String source, String licence, String text) {}

    private SampleTexts() {}

    public static List<SampleText> load() {
        try (InputStream in = SampleTexts.class.getResourceAsStream(ROOT + "index.json")) {
            if (in == null) {
                return List.of();
            }
            JsonNode index = JsonMapper.builder().build().readTree(in);
            List<SampleText> out = new ArrayList<>();
            for (JsonNode t : index.path("texts")) {
                out.add(new SampleText(t.path("id").asString(), t.path("title").asString(),
                        t.path("source").asString(), t.path("licence").asString(), read(t.path("file").asString())));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(String file) throws IOException {
        try (InputStream in = SampleTexts.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IOException("sample text " + file + " is listed in index.json but missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
