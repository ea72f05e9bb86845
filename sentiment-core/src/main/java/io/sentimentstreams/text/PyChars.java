package io.sentimentstreams.text;

/**
 * Python's Unicode character classes for {@code str} regexes, so the ports of NLTK and Keras agree with the
 * originals on non-ASCII text: {@code \w} is letters, numbers and underscore (no combining marks),
 * {@code \s} is {@code str.isspace()}, {@code \d} is decimal digits.
 */
public final class PyChars {

    private static final int NUMBER_MASK = (1 << Character.DECIMAL_DIGIT_NUMBER) | (1 << Character.LETTER_NUMBER)
            | (1 << Character.OTHER_NUMBER);
    private static final int LETTER_MASK = (1 << Character.UPPERCASE_LETTER) | (1 << Character.LOWERCASE_LETTER)
            | (1 << Character.TITLECASE_LETTER) | (1 << Character.MODIFIER_LETTER) | (1 << Character.OTHER_LETTER);

    /** Regex character class text equivalent to Python's {@code \w} (for use inside {@code [...]}). */
    public static final String W = "\\p{L}\\p{Nd}\\p{Nl}\\p{No}_";
    /** Regex character class text equivalent to Python's {@code \s}. */
    public static final String S = "\\t\\n\\x0B\\f\\r\\x1C-\\x1F\\x85\\p{Z}";
    /** Regex character class text equivalent to Python's {@code \d}. */
    public static final String D = "\\p{Nd}";

    private PyChars() {
    }

    /** Python {@code \w}. */
    public static boolean isWord(final int cp) {
        if (cp < 128) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
        }
        return ((LETTER_MASK | NUMBER_MASK) >> Character.getType(cp) & 1) != 0;
    }

    /** Python {@code str.isspace()} / {@code \s}. */
    public static boolean isSpace(final int cp) {
        if (cp < 128) {
            return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
        }
        return cp == 0x85 || Character.isSpaceChar(cp);
    }

    /** Python {@code \d} (Unicode decimal digits). */
    public static boolean isDigit(final int cp) {
        return cp < 128 ? cp >= '0' && cp <= '9' : Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER;
    }

    /** Hangul syllables and jamo (all blocks). */
    public static boolean isHangul(final int cp) {
        return (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F)
                || (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xD7B0 && cp <= 0xD7FF);
    }
}
