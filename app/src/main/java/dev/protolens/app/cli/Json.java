package dev.protolens.app.cli;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON writer every {@code --json} command prints with. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Json() {}

    static void print(Object value) {
        System.out.println(MAPPER.writeValueAsString(value));
        System.out.flush();
    }
}
