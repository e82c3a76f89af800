package dev.protolens.engine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Varied strings for tokenizer tests: the awkward cases by hand (empty, only spaces, leading and trailing
 * spaces, newlines, tabs, emoji, accents, CJK, digits), then random mixes of such fragments from a seeded
 * Random. None contains the text of a special token ({@code <s>}, {@code </s>}, {@code <unk>}).
 */
public final class TextSamples {
    private TextSamples() {}

    private static final String[] FIXED = {
        "", " ", "  ", "   ", "\n", "\t", "\n\n", " \n ", "a", " a", "a ", "  a  ", "Once upon a time",
        "Once upon a time, there was a little girl named Lily.", "Hello,   world!", "trailing space ",
        " leading space", "tab\tseparated\tvalues", "line one\nline two\r\nline three", "12345", "3.14159 and 2,718",
        "1 000 000", "année, café, naïve, über, São Paulo", "Ελληνικά και русский", "日本語のテキスト", "中文，标点。",
        "emoji 🙂👍🏽🎉", "👨‍👩‍👧‍👦 family", "mixed: abc123!?#$%^&*()", "quotes \"double\" and 'single'", "don't we'll I'm",
        "a\u00a0b", "tabs\t\t\tand  spaces  \t ", "▁already▁marked", "x".repeat(60), "ab ".repeat(20),
        "CAPITALS and lowercase", "email@example.com https://example.org/path?q=1", "∑ ∫ √ ≈ ≠ ∞", "\u200bzero width",
    };

    private static final String[] FRAGMENTS = {
        "the", "The", " cat", "sat", " on", "mat", "Lily", " Ben", "park", "ball", "!", "?", ",", ".", " ", "  ",
        "   ", "\n", "\t", "0", "7", "42", "2024", "3.5", "é", "ñ", "ü", "ß", "ø", "日本", "語", "中", "한국어", "🙂",
        "🚀", "❤️", "👍🏽", "ﬁ", "Ω", "π", "€", "£", "—", "…", "«", "»", "'s", "'ll", "n't", "-", "_", "/", "\\",
        "(", ")", "[", "]", "{", "}", "#", "@", "%", "&", "*", "+", "=", "~", "`", "^", "|", ";", ":", "\"",
    };

    /** {@code n} strings; the first ones are the fixed cases. */
    public static List<String> varied(int n, long seed) {
        Random rnd = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < FIXED.length && out.size() < n; i++) {
            out.add(FIXED[i]);
        }
        while (out.size() < n) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + rnd.nextInt(12);
            for (int i = 0; i < parts; i++) {
                if (rnd.nextInt(5) == 0) {
                    sb.append((char) ('a' + rnd.nextInt(26)));
                } else if (rnd.nextInt(20) == 0) {
                    sb.appendCodePoint(0x4e00 + rnd.nextInt(0x5000)); // a random CJK ideograph
                } else {
                    sb.append(FRAGMENTS[rnd.nextInt(FRAGMENTS.length)]);
                }
            }
            out.add(sb.toString());
        }
        return out;
    }
}
