package dev.protolens.engine.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.protolens.engine.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A {@code tokenizer.json} run by DJL's binding of Hugging Face's Rust tokenizers: no truncation, no
 * padding, special tokens only when asked for. DJL does not expose id-to-piece lookup, so the vocabulary is
 * also read from the JSON here.
 */
public final class HfTokenizer implements TextTokenizer {
    private final HuggingFaceTokenizer tokenizer;
    private final String[] pieces;
    private final OptionalInt bos;
    private final OptionalInt eos;
    private final String description;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, String[] pieces, OptionalInt bos, OptionalInt eos,
                        String description) {
        this.tokenizer = tokenizer;
        this.pieces = pieces;
        this.bos = bos;
        this.eos = eos;
        this.description = description;
    }

    /** Opens {@code tokenizer.json}; BOS/EOS ids come from the caller (config.json or GGUF metadata), -1 if none. */
    public static HfTokenizer open(Path tokenizerJson, int bosId, int eosId) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new UserError(tokenizerJson.getParent() + " has no tokenizer.json. ProtoLens needs the fast"
                    + " tokenizer file; save it with transformers (AutoTokenizer.from_pretrained(...).save_pretrained(dir)).");
        }
        try {
            return fromJson(Files.readString(tokenizerJson), bosId, eosId, "tokenizer.json");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(tokenizerJson + " is not UTF-8 text, so it is not a tokenizer.json (the file is"
                    + " damaged or something else was saved under that name); download the model's tokenizer.json"
                    + " again.");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new UserError("Cannot read " + tokenizerJson + ": permission denied.");
        } catch (IOException e) {
            throw new UserError(tokenizerJson + " cannot be read: " + e.getMessage());
        }
    }

    /** Builds a tokenizer from {@code tokenizer.json} text (also how a GGUF vocabulary is loaded). */
    public static HfTokenizer fromJson(String json, int bosId, int eosId, String description) {
        String[] pieces = readVocabulary(json, description);
        Map<String, String> options = new HashMap<>();
        options.put("truncation", "false");
        options.put("padding", "false");
        options.put("addSpecialTokens", "false");
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), options);
        } catch (IOException | RuntimeException e) {
            throw new UserError(description + " is not a tokenizer the tokenizers library can load: " + e.getMessage());
        }
        return new HfTokenizer(t, pieces, id(bosId, pieces), id(eosId, pieces), description);
    }

    private static OptionalInt id(int id, String[] pieces) {
        return id >= 0 && id < pieces.length ? OptionalInt.of(id) : OptionalInt.empty();
    }

    private static String[] readVocabulary(String json, String description) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JacksonException e) {
            throw new UserError(description + " is not valid JSON: "
                    + dev.protolens.engine.JsonProblem.of(e));
        }
        Map<Integer, String> byId = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            vocab.properties().forEach(e -> byId.put(e.getValue().asInt(), e.getKey()));
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...]
            for (int i = 0; i < vocab.size(); i++) {
                byId.put(i, vocab.get(i).get(0).asString());
            }
        } else {
            throw new UserError(description + " has no model.vocab");
        }
        for (JsonNode a : root.path("added_tokens")) {
            byId.put(a.path("id").asInt(), a.path("content").asString());
        }
        int size = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] pieces = new String[size];
        byId.forEach((k, v) -> pieces[k] = v);
        return pieces;
    }

    @Override
    public Encoding encode(String text, boolean addSpecialTokens) {
        if (text.isEmpty()) {
            if (addSpecialTokens && bos.isPresent()) {
                return new Encoding(new long[] {bos.getAsInt()}, new String[] {pieces[bos.getAsInt()]},
                        new int[] {0}, new int[] {0});
            }
            return new Encoding(new long[0], new String[0], new int[0], new int[0]);
        }
        ai.djl.huggingface.tokenizers.Encoding e = tokenizer.encode(text, addSpecialTokens, false);
        long[] ids = e.getIds();
        String[] toks = e.getTokens();
        CharSpan[] spans = e.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            CharSpan s = spans != null && i < spans.length ? spans[i] : null;
            starts[i] = s == null ? (i == 0 ? 0 : ends[i - 1]) : s.getStart();
            ends[i] = s == null ? starts[i] : s.getEnd();
        }
        return new Encoding(ids, toks, starts, ends);
    }

    /**
     * Decodes ids. Real checkpoints pad their embedding table past the tokenizer's vocabulary (Pythia: 50304
     * rows for 50277 tokens), so an argmax can land on an id the tokenizer has never heard of; such ids are
     * written as {@code ⟨id N⟩} between the decoded runs of known ids instead of failing.
     */
    @Override
    public String decode(long[] ids, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= ids.length; i++) {
            boolean unknown = i < ids.length && (ids[i] < 0 || ids[i] >= pieces.length || pieces[(int) ids[i]] == null);
            if (i == ids.length || unknown) {
                if (i > start) {
                    out.append(tokenizer.decode(java.util.Arrays.copyOfRange(ids, start, i), skipSpecialTokens));
                }
                if (unknown) {
                    out.append("⟨id ").append(ids[i]).append('⟩');
                }
                start = i + 1;
            }
        }
        return out.toString();
    }

    @Override
    public String piece(long id) {
        if (id < 0 || id >= pieces.length || pieces[(int) id] == null) {
            return "<" + id + ">";
        }
        return pieces[(int) id];
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public OptionalInt bosId() {
        return bos;
    }

    @Override
    public OptionalInt eosId() {
        return eos;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
