package dev.dunning.validation;

/**
 * What a text must be to be stored and hashed exactly. A Java string may hold an unpaired UTF-16 surrogate (JSON
 * {@code "\ud800"} makes one), which no UTF-8 column and no hash of UTF-8 bytes can represent: the database and the
 * audit chain each replaced it with something else, so the stored value and the chained one differed. Ids and codes
 * may further hold no control characters: an id with a tab or a NUL looks like another id to anyone reading it.
 */
public final class Texts {

    private Texts() {}

    /** The index of the first unpaired surrogate, or -1 if the text is valid Unicode (null is). */
    public static int unpairedSurrogateAt(CharSequence text) {
        if (text == null) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first control character (C0, DEL or C1: tab, newline, NUL, U+0085, ...) or Unicode line or
     * paragraph separator (U+2028, U+2029: line breaks too, refused in paths by Spring Security's firewall), or -1.
     */
    public static int controlCharacterAt(CharSequence text) {
        if (text == null) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i)) || lineBreak(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean lineBreak(char c) {
        return Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR;
    }

    /** Why the text cannot be stored exactly, for a person; null if it can. Positions count from 1. */
    public static String notUnicode(CharSequence text) {
        int at = unpairedSurrogateAt(text);
        return at < 0 ? null : "is not valid Unicode: character " + (at + 1) + " is half of a UTF-16 surrogate pair ("
                + codePoint(text.charAt(at)) + ") without its other half; send the text as UTF-8, or escape "
                + "characters beyond U+FFFF as a pair such as \\ud83d\\ude00";
    }

    /** Why the text is no id or code, for a person; null if it is printable. Positions count from 1. */
    public static String notPrintable(CharSequence text) {
        int at = controlCharacterAt(text);
        return at < 0 ? null : "holds a " + (lineBreak(text.charAt(at)) ? "line break" : "control character") + " ("
                + codePoint(text.charAt(at)) + ") at character " + (at + 1)
                + "; ids and codes are printable text, e.g. C-1001";
    }

    /**
     * The index of the white space at either end of the text (what {@link String#strip()} removes, and a CSV import
     * strips from every cell): the first character if it is white space, else the last one if it is; -1 if neither.
     */
    public static int edgeWhiteSpaceAt(CharSequence text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        if (Character.isWhitespace(Character.codePointAt(text, 0))) {
            return 0;
        }
        int last = text.length() - 1;
        return Character.isWhitespace(Character.codePointBefore(text, text.length())) ? last : -1;
    }

    /**
     * Why the text is no id the database can compare exactly, for a person; null if it is one. Ids compare byte for
     * byte (utf8mb4_nopad_bin), so "A1 " would be another customer than "A1" although nobody reading them could tell.
     */
    public static String notExact(CharSequence text) {
        int at = edgeWhiteSpaceAt(text);
        return at < 0 ? null : (at == 0 ? "begins" : "ends") + " with white space (" + codePoint(text.charAt(at))
                + ") at character " + (at + 1) + "; ids are compared exactly as sent, so send the id without it";
    }

    /** U+000A, as people look it up. */
    public static String codePoint(int c) {
        return String.format("U+%04X", c);
    }
}
