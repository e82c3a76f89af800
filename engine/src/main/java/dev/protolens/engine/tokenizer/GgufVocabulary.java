package dev.protolens.engine.tokenizer;

import dev.protolens.engine.UserError;
import dev.protolens.engine.weights.GgufFile;
import dev.protolens.engine.weights.WeightsFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A GGUF file's embedded vocabulary ({@code tokenizer.ggml.*}) written as the {@code tokenizer.json} that
 * Hugging Face's converters would have produced for the same vocabulary, so GGUF and HF models share one
 * tokenizer path ({@link HfTokenizer}).
 *
 * <ul>
 * <li>{@code tokenizer.ggml.model = llama} (SentencePiece BPE with scores and byte fallback): the
 *     LlamaTokenizerFast legacy layout — BPE with {@code byte_fallback} and {@code fuse_unk}, merges derived
 *     from vocabulary and scores the way transformers' {@code SentencePieceExtractor} does (every split of a
 *     piece into two pieces is a merge; merges ranked by the merged piece's score, highest first), normalizer
 *     Prepend('▁') + Replace(' ', '▁'), BOS prepended by the post-processor, decoder
 *     Replace + ByteFallback + Fuse + Strip. This reproduces {@code stories260k-hf/tokenizer.json} exactly.</li>
 * <li>{@code tokenizer.ggml.model = gpt2} (byte-level BPE with {@code tokenizer.ggml.merges}): ByteLevel
 *     pre-tokenizer and decoder, with the split regex that {@code tokenizer.ggml.pre} names (GPT-2's by default,
 *     Llama 3's for {@code llama-bpe}, digits split one by one for {@code smollm}).</li>
 * </ul>
 * Tokens of type unknown and control become special added tokens, user-defined ones non-special added
 * tokens, as in HF's tokenizer files.
 */
public final class GgufVocabulary {
    /** llama.cpp's {@code llama_token_type} values stored in {@code tokenizer.ggml.token_type}. */
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;

    private static final String SPACE = "\u2581";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Llama 3's split regex (its tokenizer.json, also llama.cpp's LLAMA3 pre-tokenizer). */
    static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private final String file;
    private final String model;
    private final String pre;
    private final String[] tokens;
    private final float[] scores;
    private final int[] types;
    private final List<String[]> merges;
    private final int bos;
    private final int eos;
    private final int unk;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSpacePrefix;

    private GgufVocabulary(String file, String model, String pre, String[] tokens, float[] scores, int[] types,
                           List<String[]> merges, int bos, int eos, int unk, boolean addBos, boolean addEos,
                           boolean addSpacePrefix) {
        this.file = file;
        this.model = model;
        this.pre = pre;
        this.tokens = tokens;
        this.scores = scores;
        this.types = types;
        this.merges = merges;
        this.bos = bos;
        this.eos = eos;
        this.unk = unk;
        this.addBos = addBos;
        this.addEos = addEos;
        this.addSpacePrefix = addSpacePrefix;
    }

    /** Reads and checks the vocabulary keys; an absent or unsupported vocabulary is a {@link UserError}. */
    public static GgufVocabulary read(GgufFile f) {
        String name = f.path().getFileName().toString();
        String model = f.optString("tokenizer.ggml.model").orElseThrow(() -> new UserError(name
                + " has no embedded vocabulary (tokenizer.ggml.model is missing); ProtoLens needs the tokenizer"
                + " inside the GGUF file"));
        boolean llama = model.equals("llama");
        if (!llama && !model.equals("gpt2")) {
            throw new UserError(name + ": tokenizer.ggml.model '" + model + "' is not supported; ProtoLens reads"
                    + " GGUF vocabularies of type 'llama' (SentencePiece BPE) and 'gpt2' (byte-level BPE)");
        }
        String[] tokens = f.optStrings("tokenizer.ggml.tokens").orElseThrow(() -> new UserError(name
                + " has no embedded vocabulary (tokenizer.ggml.tokens is missing)")).toArray(String[]::new);
        if (tokens.length == 0) {
            throw new WeightsFormatException(f.path(), "tokenizer.ggml.tokens is empty");
        }
        float[] scores = f.optFloats("tokenizer.ggml.scores").orElse(new float[tokens.length]);
        int[] types = f.optInts("tokenizer.ggml.token_type").orElse(null);
        if (types == null) {
            types = new int[tokens.length];
            Arrays.fill(types, 1);
        }
        if (scores.length != tokens.length || types.length != tokens.length) {
            throw new WeightsFormatException(f.path(), "the vocabulary has " + tokens.length + " tokens but "
                    + scores.length + " scores and " + types.length + " token types");
        }
        int bos = tokenId(f, "tokenizer.ggml.bos_token_id", llama ? 1 : -1, tokens.length);
        int eos = tokenId(f, "tokenizer.ggml.eos_token_id", llama ? 2 : -1, tokens.length);
        int unk = tokenId(f, "tokenizer.ggml.unknown_token_id", llama ? 0 : -1, tokens.length);
        String pre = f.optString("tokenizer.ggml.pre").orElse("default");
        List<String[]> merges = List.of();
        boolean addBos = llama;
        if (!llama) {
            merges = mergesOf(f, tokens);
            addBos = preTokenizer(pre, f.path().getFileName().toString()).addBos;
        }
        addBos = f.bool("tokenizer.ggml.add_bos_token", addBos);
        boolean addEos = f.bool("tokenizer.ggml.add_eos_token", false);
        boolean addSpacePrefix = f.bool("tokenizer.ggml.add_space_prefix", llama);
        if (addBos && bos < 0) {
            throw new WeightsFormatException(f.path(), "the vocabulary asks for a BOS token but names none"
                    + " (tokenizer.ggml.bos_token_id)");
        }
        if (addEos && eos < 0) {
            throw new WeightsFormatException(f.path(), "the vocabulary asks for an EOS token but names none"
                    + " (tokenizer.ggml.eos_token_id)");
        }
        return new GgufVocabulary(name, model, pre, tokens, scores, types, merges, bos, eos, unk, addBos, addEos,
                addSpacePrefix);
    }

    private static int tokenId(GgufFile f, String key, int absent, int n) {
        if (!f.has(key)) {
            return absent < n ? absent : -1;
        }
        long id = f.integer(key);
        // llama.cpp writes -1 (or UINT32_MAX) for "no such token"
        if (id == -1 || id == 0xFFFF_FFFFL) {
            return -1;
        }
        if (id < 0 || id >= n) {
            throw new WeightsFormatException(f.path(), key + " = " + id + " is outside the vocabulary of " + n
                    + " tokens");
        }
        return (int) id;
    }

    private static List<String[]> mergesOf(GgufFile f, String[] tokens) {
        List<String> raw = f.optStrings("tokenizer.ggml.merges").orElseThrow(() -> new WeightsFormatException(
                f.path(), "the gpt2 vocabulary has no merges (tokenizer.ggml.merges is missing)"));
        Map<String, Integer> vocab = vocabulary(tokens);
        List<String[]> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String m = raw.get(i);
            // llama.cpp splits at the first space after the first character, so a merge may start with one
            int sp = m.length() > 1 ? m.indexOf(' ', 1) : -1;
            if (sp < 0) {
                throw new WeightsFormatException(f.path(), "tokenizer.ggml.merges[" + i + "] = '" + m
                        + "' is not two tokens separated by a space");
            }
            String l = m.substring(0, sp);
            String r = m.substring(sp + 1);
            if (!vocab.containsKey(l) || !vocab.containsKey(r) || !vocab.containsKey(l + r)) {
                throw new WeightsFormatException(f.path(), "tokenizer.ggml.merges[" + i + "] = '" + m
                        + "' joins tokens that are not in the vocabulary");
            }
            out.add(new String[] {l, r});
        }
        return out;
    }

    /** piece -> id; a piece listed twice keeps its last id, as a Python dict built over the list would. */
    private static Map<String, Integer> vocabulary(String[] tokens) {
        Map<String, Integer> vocab = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            vocab.put(tokens[i], i);
        }
        return vocab;
    }

    private record PreTokenizer(boolean addBos, boolean ignoreMerges) {}

    /** The {@code tokenizer.ggml.pre} values ProtoLens maps to a tokenizer.json pre-tokenizer (llama.cpp's names). */
    private static PreTokenizer preTokenizer(String pre, String file) {
        return switch (pre) {
            case "default", "gpt-2", "gpt2", "smollm" -> new PreTokenizer(false, false);
            case "llama3", "llama-v3", "llama-bpe", "falcon3" -> new PreTokenizer(true, true);
            default -> throw new UserError(file + ": the byte-level vocabulary's pre-tokenizer '" + pre
                    + "' (tokenizer.ggml.pre) is not supported; ProtoLens knows default, gpt-2, llama-bpe and smollm."
                    + " Use the model's Hugging Face folder instead.");
        };
    }

    public int size() {
        return tokens.length;
    }

    public int bosId() {
        return bos;
    }

    public int eosId() {
        return eos;
    }

    /** "GGUF vocabulary (llama)" or "GGUF vocabulary (gpt2, llama-bpe)", for inspect and messages. */
    public String description() {
        return "GGUF vocabulary (" + model + (model.equals("gpt2") ? ", " + pre : "") + ")";
    }

    /** The vocabulary as a loaded tokenizer. BOS is reported only when the vocabulary asks for it to be added. */
    public HfTokenizer tokenizer() {
        return HfTokenizer.fromJson(tokenizerJson(), addBos ? bos : -1, eos, description() + " of " + file);
    }

    /** The equivalent {@code tokenizer.json} text. */
    public String tokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id : addedTokenIds()) {
            ObjectNode a = added.addObject();
            a.put("id", id);
            a.put("content", tokens[id]);
            a.put("single_word", false);
            a.put("lstrip", false);
            a.put("rstrip", false);
            a.put("normalized", false);
            a.put("special", types[id] != USER_DEFINED);
        }
        boolean llama = model.equals("llama");
        if (llama) {
            ArrayNode norms = JSON.createArrayNode();
            if (addSpacePrefix) {
                norms.addObject().put("type", "Prepend").put("prepend", SPACE);
            }
            ObjectNode replace = norms.addObject().put("type", "Replace");
            replace.putObject("pattern").put("String", " ");
            replace.put("content", SPACE);
            root.putObject("normalizer").put("type", "Sequence").set("normalizers", norms);
            root.putNull("pre_tokenizer");
            ObjectNode template = template();
            if (template == null) {
                root.putNull("post_processor");
            } else {
                root.set("post_processor", template);
            }
            ArrayNode decoders = JSON.createArrayNode();
            ObjectNode back = decoders.addObject().put("type", "Replace");
            back.putObject("pattern").put("String", SPACE);
            back.put("content", " ");
            decoders.addObject().put("type", "ByteFallback");
            decoders.addObject().put("type", "Fuse");
            if (addSpacePrefix) {
                decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
            }
            root.putObject("decoder").put("type", "Sequence").set("decoders", decoders);
        } else {
            root.putNull("normalizer");
            root.set("pre_tokenizer", byteLevelPreTokenizer());
            ObjectNode template = template();
            ObjectNode byteLevel = byteLevel(true, false, true);
            if (template == null) {
                root.set("post_processor", byteLevel);
            } else {
                ObjectNode seq = root.putObject("post_processor").put("type", "Sequence");
                seq.putArray("processors").add(byteLevel).add(template);
            }
            root.set("decoder", byteLevel(true, true, true));
        }
        ObjectNode m = root.putObject("model");
        m.put("type", "BPE");
        m.putNull("dropout");
        if (unk >= 0) {
            m.put("unk_token", tokens[unk]);
        } else {
            m.putNull("unk_token");
        }
        m.putNull("continuing_subword_prefix");
        m.putNull("end_of_word_suffix");
        m.put("fuse_unk", llama);
        m.put("byte_fallback", llama);
        if (!llama) {
            m.put("ignore_merges", preTokenizer(pre, file).ignoreMerges);
        }
        ObjectNode vocab = m.putObject("vocab");
        for (int i = 0; i < tokens.length; i++) {
            vocab.put(tokens[i], i);
        }
        List<String[]> ms = llama ? sentencePieceMerges(tokens, scores) : merges;
        // the "left right" string form is ambiguous when a piece holds a space; tokenizers >= 0.20 reads pairs
        boolean pairs = !llama || Arrays.stream(tokens).anyMatch(t -> t.indexOf(' ') >= 0);
        ArrayNode mergeNode = m.putArray("merges");
        for (String[] lr : ms) {
            if (pairs) {
                mergeNode.addArray().add(lr[0]).add(lr[1]);
            } else {
                mergeNode.add(lr[0] + " " + lr[1]);
            }
        }
        return JSON.writeValueAsString(root);
    }

    private TreeSet<Integer> addedTokenIds() {
        TreeSet<Integer> ids = new TreeSet<>();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == UNKNOWN || types[i] == CONTROL || types[i] == USER_DEFINED) {
                ids.add(i);
            }
        }
        for (int id : new int[] {unk, bos, eos}) {
            if (id >= 0) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** TemplateProcessing that adds BOS/EOS as the vocabulary asks; JSON null when it adds neither. */
    private ObjectNode template() {
        if (!addBos && !addEos) {
            return null;
        }
        ObjectNode t = JSON.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = t.putArray("single");
        addSequence(single, "A", 0);
        ArrayNode pair = t.putArray("pair");
        addSequence(pair, "A", 0);
        addSequence(pair, "B", 1);
        ObjectNode special = t.putObject("special_tokens");
        for (int id : addBos && addEos && bos != eos ? new int[] {bos, eos} : new int[] {addBos ? bos : eos}) {
            ObjectNode s = special.putObject(tokens[id]).put("id", tokens[id]);
            s.putArray("ids").add(id);
            s.putArray("tokens").add(tokens[id]);
        }
        return t;
    }

    private void addSequence(ArrayNode items, String seq, int typeId) {
        if (addBos) {
            items.addObject().putObject("SpecialToken").put("id", tokens[bos]).put("type_id", typeId);
        }
        items.addObject().putObject("Sequence").put("id", seq).put("type_id", typeId);
        if (addEos) {
            items.addObject().putObject("SpecialToken").put("id", tokens[eos]).put("type_id", typeId);
        }
    }

    private ObjectNode byteLevelPreTokenizer() {
        ObjectNode seq = JSON.createObjectNode().put("type", "Sequence");
        ArrayNode list = seq.putArray("pretokenizers");
        switch (pre) {
            case "llama3", "llama-v3", "llama-bpe", "falcon3" -> {
                ObjectNode split = list.addObject().put("type", "Split");
                split.putObject("pattern").put("Regex", LLAMA3_SPLIT);
                split.put("behavior", "Isolated").put("invert", false);
                list.add(byteLevel(false, true, false));
            }
            case "smollm" -> {
                list.addObject().put("type", "Digits").put("individual_digits", true);
                list.add(byteLevel(false, true, true));
            }
            default -> {
                return byteLevel(false, true, true);
            }
        }
        return seq;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) {
        return JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", addPrefixSpace)
                .put("trim_offsets", trimOffsets).put("use_regex", useRegex);
    }

    /**
     * transformers' {@code SentencePieceExtractor.extract} (the classic version behind LlamaTokenizerFast): every
     * split of a piece into two pieces that are both in the vocabulary is a merge; within one piece the splits are
     * ordered by (left id, right id); all merges are then stably ordered by the merged piece's score, highest
     * first, so equal scores keep vocabulary order.
     */
    static List<String[]> sentencePieceMerges(String[] pieces, float[] scores) {
        Map<String, Integer> vocab = vocabulary(pieces);
        record Merge(String left, String right, float score) {}
        List<Merge> all = new ArrayList<>();
        List<Merge> local = new ArrayList<>();
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            local.clear();
            // split between code points, as Python's piece[:k] does
            for (int k = piece.offsetByCodePoints(0, Math.min(1, piece.length())); k < piece.length();
                 k = piece.offsetByCodePoints(k, 1)) {
                String l = piece.substring(0, k);
                String r = piece.substring(k);
                if (vocab.containsKey(l) && vocab.containsKey(r)) {
                    local.add(new Merge(l, r, scores[i]));
                }
            }
            local.sort(Comparator.<Merge>comparingInt(m -> vocab.get(m.left)).thenComparingInt(m -> vocab.get(m.right)));
            all.addAll(local);
        }
        // Python compares floats, so -0.0 and 0.0 tie (Float.compare would order them)
        all.sort((a, b) -> a.score > b.score ? -1 : a.score < b.score ? 1 : 0);
        List<String[]> out = new ArrayList<>(all.size());
        for (Merge m : all) {
            out.add(new String[] {m.left, m.right});
        }
        return out;
    }
}
