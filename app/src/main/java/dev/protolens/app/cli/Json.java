package dev.protolens.app.cli;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON writer every {@code --json} command prints with. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /**
     * For a terminal or pipe that is not UTF-8 (LANG=C): every non-ASCII character as a \\u escape, so a
     * program reading the JSON gets the text exactly instead of '?' in its place.
     */
    static final ObjectMapper ASCII = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private Json() {}

    static void print(Object value) {
        boolean utf8 = System.out.charset().equals(StandardCharsets.UTF_8);
        System.out.println((utf8 ? MAPPER : ASCII).writeValueAsString(value));
        System.out.flush();
    }
}
