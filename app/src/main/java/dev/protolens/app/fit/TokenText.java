package dev.protolens.app.fit;

/**
 * How a vocabulary piece is shown: SentencePiece's "▁" and byte-level BPE's "Ġ"/"Ċ" mean a space or a line
 * break, and byte tokens such as {@code <0x0A>} stand for control characters.
 */
public final class TokenText {
    private TokenText() {}

    /** The piece as readable text in a cell: word-start markers dropped, blanks made visible. */
    public static String clean(String piece) {
        String s = normalize(piece).strip();
        if (!s.isEmpty()) {
            return s.replace("\n", "↵").replace("\t", "⇥");
        }
        String raw = normalize(piece);
        return raw.contains("\n") ? "↵" : raw.contains("\t") ? "⇥" : "␣";
    }

    /** The piece with its word boundary visible (a leading "·"), for the tokenisation preview. */
    public static String visible(String piece) {
        String s = normalize(piece);
        return s.replace(' ', '·').replace("\n", "↵").replace("\t", "⇥");
    }

    /** The piece as the text it stands for (spaces and line breaks as such), for running text. */
    public static String plain(String piece) {
        return normalize(piece);
    }

    private static String normalize(String piece) {
        if (piece == null) {
            return "";
        }
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                int b = Integer.parseInt(piece.substring(3, 5), 16);
                return b < 0x20 || b == 0x7f ? String.valueOf((char) b) : "\\x" + piece.substring(3, 5);
            } catch (NumberFormatException e) {
                return piece;
            }
        }
        return piece.replace('▁', ' ').replace('Ġ', ' ').replace('Ċ', '\n');
    }
}
