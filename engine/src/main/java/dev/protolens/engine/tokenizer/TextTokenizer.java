package dev.protolens.engine.tokenizer;

import java.util.OptionalInt;

/**
 * Text to token ids and back. One implementation ({@link HfTokenizer}, over a {@code tokenizer.json});
 * a GGUF file's embedded vocabulary is first turned into an equivalent {@code tokenizer.json}.
 */
public interface TextTokenizer extends AutoCloseable {

    /** Encodes without truncation. With {@code addSpecialTokens} the model's BOS (if any) is prepended. */
    Encoding encode(String text, boolean addSpecialTokens);

    /** Decodes ids to text; special tokens (BOS/EOS/pad) are dropped when {@code skipSpecialTokens}. */
    String decode(long[] ids, boolean skipSpecialTokens);

    /** The vocabulary piece of one id as the tokenizer stores it (e.g. {@code ▁Lily}, {@code <0x0A>}). */
    String piece(long id);

    int vocabSize();

    OptionalInt bosId();

    OptionalInt eosId();

    /** Where the vocabulary came from, for messages and {@code inspect}: "tokenizer.json" or "GGUF vocabulary (llama)". */
    String description();

    @Override
    void close();
}
