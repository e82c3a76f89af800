package dev.protolens.engine.experiment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/** A text an experiment fits, with the short name its rows and files carry. */
public record NamedText(String name, String text) {
    public static final String RANDOM_WORDS = "random-words";

    /**
     * The control text of the capacity experiment: the words of the given texts in a seeded random order, so it
     * has the same vocabulary and length in tokens as ordinary prose but far more information per token.
     */
    public static NamedText randomWords(List<NamedText> from, int words, long seed) {
        Set<String> vocab = new LinkedHashSet<>();
        for (NamedText t : from) {
            for (String w : t.text().toLowerCase(Locale.ROOT).split("[^\\p{L}']+")) {
                if (!w.isBlank()) {
                    vocab.add(w);
                }
            }
        }
        List<String> pool = new ArrayList<>(vocab);
        if (pool.isEmpty()) {
            pool.add("word");
        }
        Random r = new Random(seed);
        Collections.shuffle(pool, r);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(pool.get(r.nextInt(pool.size())));
        }
        return new NamedText(RANDOM_WORDS, b.toString());
    }
}
