package io.sentimentstreams.text;

import java.util.Locale;

/**
 * A declared language or a text in, {@code "ko"} or {@code "en"} out: a declared {@code ko}/{@code en}
 * (any case, {@code ko-KR}, {@code en_US}...) wins; otherwise the text is Korean when Hangul makes up at least
 * {@link #HANGUL_SHARE} of its letters (so brand names and English loanwords in a Korean review do not flip
 * it), and English otherwise, including texts without letters. Stateless and thread-safe.
 */
public final class LanguageDetector {

    /** Share of letters that must be Hangul for a text to count as Korean. */
    public static final double HANGUL_SHARE = 0.3;

    private LanguageDetector() {
    }

    /** {@code "ko"} or {@code "en"} from the text alone. */
    public static String detect(final String text) {
        if (text == null) {
            return "en";
        }
        long hangul = 0;
        long letters = 0;
        final int n = text.length();
        for (int i = 0; i < n; i++) {
            final char c = text.charAt(i);
            if (c < 128) {
                if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
                    letters++;
                }
            } else if (PyChars.isHangul(c)) {
                hangul++;
                letters++;
            } else if (Character.isLetter(c)) {
                letters++;
            }
        }
        return letters > 0 && hangul >= HANGUL_SHARE * letters ? "ko" : "en";
    }

    /** The declared language when it is Korean or English, else {@link #detect}. */
    public static String resolve(final String declared, final String text) {
        if (declared != null) {
            final String d = declared.trim().toLowerCase(Locale.ROOT);
            if (d.equals("ko") || d.startsWith("ko-") || d.startsWith("ko_") || d.equals("kor")) {
                return "ko";
            }
            if (d.equals("en") || d.startsWith("en-") || d.startsWith("en_") || d.equals("eng")) {
                return "en";
            }
        }
        return detect(text);
    }
}
