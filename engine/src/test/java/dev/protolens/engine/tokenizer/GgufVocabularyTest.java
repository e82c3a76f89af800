package dev.protolens.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.protolens.engine.UserError;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.testing.TextSamples;
import dev.protolens.engine.weights.GgufFile;
import dev.protolens.engine.weights.GgufWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** A GGUF file's embedded vocabulary, turned into tokenizer.json, tokenizes like the HF tokenizer of the same model. */
class GgufVocabularyTest {
    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------ llama (SentencePiece)

    @Test
    void storiesVocabularyBecomesTheHfTokenizerJson() throws Exception {
        try (GgufFile f = GgufFile.open(Shared.model("stories260k/stories260k-f32.gguf"))) {
            ObjectMapper json = new ObjectMapper();
            JsonNode built = json.readTree(GgufVocabulary.read(f).tokenizerJson());
            JsonNode hf = json.readTree(Files.readString(Shared.model("stories260k-hf/tokenizer.json")));
            assertThat(built.path("model").path("merges").size()).isEqualTo(hf.path("model").path("merges").size());
            assertThat(built.path("model").path("merges")).isEqualTo(hf.path("model").path("merges"));
            assertThat(built).isEqualTo(hf);
            System.out.println("stories260k GGUF vocabulary: tokenizer.json identical to stories260k-hf/tokenizer.json ("
                    + hf.path("model").path("merges").size() + " merges)");
        }
    }

    @Test
    void storiesVocabularyEncodesLikeTheHfFolder() {
        List<String> texts = TextSamples.varied(200, 7);
        try (GgufFile f = GgufFile.open(Shared.model("stories260k/stories260k-f32.gguf"));
             HfTokenizer gguf = GgufVocabulary.read(f).tokenizer();
             HfTokenizer hf = HfTokenizer.open(Shared.model("stories260k-hf/tokenizer.json"), 1, 2)) {
            assertThat(gguf.vocabSize()).isEqualTo(512);
            assertThat(gguf.bosId()).hasValue(1);
            assertThat(gguf.eosId()).hasValue(2);
            int tokens = 0;
            for (String t : texts) {
                long[] a = gguf.encode(t, true).ids();
                assertThat(a).as("ids of %s", show(t)).containsExactly(hf.encode(t, true).ids());
                long[] b = gguf.encode(t, false).ids();
                assertThat(b).as("ids without BOS of %s", show(t)).containsExactly(hf.encode(t, false).ids());
                // SentencePiece stores spaces as U+2581, so a literal U+2581 in the text decodes as a space (same in HF)
                String back = t.replace("\u2581", " ");
                assertThat(gguf.decode(b, true)).as("decode(encode(%s))", show(t)).isEqualTo(back);
                assertThat(hf.decode(b, true)).isEqualTo(back);
                tokens += b.length;
            }
            System.out.println("stories260k GGUF vs HF tokenizer: " + texts.size() + " strings, " + tokens
                    + " tokens, all ids equal, decode(encode(x)) == x (U+2581 reads back as a space)");
            assertThat(gguf.encode("Once upon a time", true).ids()).containsExactly(1, 403, 407, 261, 378);
        }
    }

    // ------------------------------------------------------------------------------------------ gpt2 (byte-level)

    private static final String GPT2_SPLIT = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    private static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** A small byte-level BPE vocabulary trained here on a few sentences, then written into a GGUF file. */
    private record ByteLevelVocab(List<String> tokens, List<String> merges, int eot) {}

    private static ByteLevelVocab trainByteLevel(int merges) {
        String corpus = String.join("\n", TextSamples.varied(200, 99)) + " Once upon a time, there was a little girl"
                + " named Lily. She loved to play outside in the park. 1234567890 the the the café naïve 🙂🙂";
        char[] byteChar = bytesToUnicode();
        Pattern split = Pattern.compile(GPT2_SPLIT, Pattern.UNICODE_CHARACTER_CLASS);
        List<List<String>> words = new ArrayList<>();
        Matcher m = split.matcher(corpus);
        while (m.find()) {
            List<String> w = new ArrayList<>();
            for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
                w.add(String.valueOf(byteChar[b & 0xff]));
            }
            words.add(w);
        }
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(byteChar[b]));
        }
        List<String> mergeList = new ArrayList<>();
        for (int k = 0; k < merges; k++) {
            Map<String, Integer> freq = new LinkedHashMap<>();
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    freq.merge(w.get(i) + " " + w.get(i + 1), 1, Integer::sum);
                }
            }
            String best = freq.entrySet().stream().max((a, b) -> a.getValue().equals(b.getValue())
                    ? b.getKey().compareTo(a.getKey()) : Integer.compare(a.getValue(), b.getValue()))
                    .map(Map.Entry::getKey).orElse(null);
            if (best == null) {
                break;
            }
            String[] lr = best.split(" ", 2);
            mergeList.add(best);
            tokens.add(lr[0] + lr[1]);
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    if (w.get(i).equals(lr[0]) && w.get(i + 1).equals(lr[1])) {
                        w.set(i, lr[0] + lr[1]);
                        w.remove(i + 1);
                    }
                }
            }
        }
        tokens.add("<|endoftext|>");
        return new ByteLevelVocab(tokens, mergeList, tokens.size() - 1);
    }

    /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards. */
    private static char[] bytesToUnicode() {
        char[] map = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) (256 + n++);
        }
        return map;
    }

    /** The byte-level BPE algorithm written out: split, bytes to characters, merge the lowest-ranked pair first. */
    private static List<Long> referenceEncode(ByteLevelVocab v, String text, String regex, boolean ignoreMerges) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < v.tokens.size(); i++) {
            ids.put(v.tokens.get(i), i);
        }
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < v.merges.size(); i++) {
            rank.put(v.merges.get(i), i);
        }
        char[] byteChar = bytesToUnicode();
        List<Long> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS).matcher(text);
        while (m.find()) {
            StringBuilder word = new StringBuilder();
            for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
                word.append(byteChar[b & 0xff]);
            }
            if (ignoreMerges && ids.containsKey(word.toString())) {
                out.add((long) ids.get(word.toString()));
                continue;
            }
            List<String> sym = new ArrayList<>();
            word.chars().forEach(c -> sym.add(String.valueOf((char) c)));
            while (true) {
                int best = -1;
                int bestRank = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < sym.size(); i++) {
                    Integer r = rank.get(sym.get(i) + " " + sym.get(i + 1));
                    if (r != null && r < bestRank) {
                        bestRank = r;
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                sym.set(best, sym.get(best) + sym.get(best + 1));
                sym.remove(best + 1);
            }
            for (String s : sym) {
                out.add((long) ids.get(s));
            }
        }
        return out;
    }

    private Path gpt2Gguf(ByteLevelVocab v, String pre, int version) {
        int[] types = new int[v.tokens.size()];
        Arrays.fill(types, 1);
        types[v.eot] = 3;
        List<Long> typeList = Arrays.stream(types).mapToObj(t -> (long) t).toList();
        Path p = dir.resolve("gpt2-" + pre + "-v" + version + ".gguf");
        GgufWriter w = new GgufWriter(version).string("general.architecture", "llama")
                .string("tokenizer.ggml.model", "gpt2")
                .strings("tokenizer.ggml.tokens", v.tokens)
                .kv("tokenizer.ggml.token_type", GgufWriter.ARRAY, GgufWriter.array(GgufWriter.INT32, typeList))
                .strings("tokenizer.ggml.merges", v.merges)
                .u32("tokenizer.ggml.bos_token_id", v.eot)
                .u32("tokenizer.ggml.eos_token_id", v.eot);
        if (pre != null) {
            w.string("tokenizer.ggml.pre", pre);
        }
        w.write(p);
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "llama-bpe", "default"})
    void byteLevelVocabularyEncodesLikeTheBpeAlgorithm(String pre) {
        ByteLevelVocab v = trainByteLevel(300);
        boolean llama3 = pre.equals("llama-bpe");
        List<String> texts = TextSamples.varied(200, 3);
        try (GgufFile f = GgufFile.open(gpt2Gguf(v, pre, pre.equals("default") ? 1 : 3));
             HfTokenizer t = GgufVocabulary.read(f).tokenizer()) {
            assertThat(t.vocabSize()).isEqualTo(v.tokens.size());
            int tokens = 0;
            for (String text : texts) {
                long[] ids = t.encode(text, false).ids();
                List<Long> want = referenceEncode(v, text, llama3 ? LLAMA3_SPLIT : GPT2_SPLIT, llama3);
                assertThat(ids).as("ids of %s", show(text)).containsExactly(want.stream().mapToLong(Long::longValue).toArray());
                assertThat(t.decode(ids, true)).as("decode(encode(%s))", show(text)).isEqualTo(text);
                long[] withSpecial = t.encode(text, true).ids();
                if (llama3) { // llama.cpp adds BOS for llama-bpe vocabularies unless the file says otherwise
                    assertThat(withSpecial[0]).isEqualTo(v.eot);
                    assertThat(Arrays.copyOfRange(withSpecial, 1, withSpecial.length)).containsExactly(ids);
                } else {
                    assertThat(withSpecial).containsExactly(ids);
                }
                tokens += ids.length;
            }
            assertThat(t.encode("the<|endoftext|>", false).ids()).endsWith(v.eot);
            System.out.println("byte-level GGUF vocabulary (pre " + pre + ", " + v.merges.size() + " merges): "
                    + texts.size() + " strings, " + tokens + " tokens, ids equal the reference BPE, round trips exact");
        }
    }

    @Test
    void unsupportedOrBrokenVocabulariesAreUserErrors() {
        ByteLevelVocab v = trainByteLevel(20);
        Path p = gpt2Gguf(v, "qwen2", 2);
        try (GgufFile f = GgufFile.open(p)) {
            assertThatThrownBy(() -> GgufVocabulary.read(f)).isInstanceOf(UserError.class)
                    .hasMessageContaining("pre-tokenizer 'qwen2' (tokenizer.ggml.pre) is not supported");
        }
        Path bert = dir.resolve("bert.gguf");
        new GgufWriter(3).string("tokenizer.ggml.model", "bert").strings("tokenizer.ggml.tokens", List.of("a")).write(bert);
        try (GgufFile f = GgufFile.open(bert)) {
            assertThatThrownBy(() -> GgufVocabulary.read(f)).isInstanceOf(UserError.class)
                    .hasMessageContaining("tokenizer.ggml.model 'bert' is not supported");
        }
        Path none = dir.resolve("none.gguf");
        new GgufWriter(3).string("general.architecture", "llama").write(none);
        try (GgufFile f = GgufFile.open(none)) {
            assertThatThrownBy(() -> GgufVocabulary.read(f)).isInstanceOf(UserError.class)
                    .hasMessageContaining("has no embedded vocabulary");
        }
        Path badMerge = dir.resolve("badmerge.gguf");
        new GgufWriter(3).string("tokenizer.ggml.model", "gpt2").strings("tokenizer.ggml.tokens", List.of("a", "b"))
                .strings("tokenizer.ggml.merges", List.of("a b")).write(badMerge);
        try (GgufFile f = GgufFile.open(badMerge)) {
            assertThatThrownBy(() -> GgufVocabulary.read(f)).isInstanceOf(UserError.class)
                    .hasMessageContaining("tokenizer.ggml.merges[0] = 'a b' joins tokens that are not in the vocabulary");
        }
        Path badBos = dir.resolve("badbos.gguf");
        new GgufWriter(3).string("tokenizer.ggml.model", "llama").strings("tokenizer.ggml.tokens", List.of("<unk>", "a"))
                .u32("tokenizer.ggml.bos_token_id", 7).write(badBos);
        try (GgufFile f = GgufFile.open(badBos)) {
            assertThatThrownBy(() -> GgufVocabulary.read(f)).isInstanceOf(UserError.class)
                    .hasMessageContaining("tokenizer.ggml.bos_token_id = 7 is outside the vocabulary of 2 tokens");
        }
    }

    @Test
    void sentencePieceMergesFollowScoresThenVocabularyOrder() {
        String[] pieces = {"<unk>", "a", "b", "c", "ab", "bc", "abc", "ca"};
        float[] scores = {0, 0, 0, 0, -1, -0.5f, -2, -0.5f};
        List<String> merges = GgufVocabulary.sentencePieceMerges(pieces, scores).stream()
                .map(m -> m[0] + " " + m[1]).toList();
        // bc and ca tie at -0.5 and keep vocabulary order; abc splits as (a, bc) before (ab, c) by left id
        assertThat(merges).containsExactly("b c", "c a", "a b", "a bc", "ab c");
    }

    static String show(String s) {
        return "'" + s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
    }
}
