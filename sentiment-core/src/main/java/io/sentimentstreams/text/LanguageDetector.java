package io.sentimentstreams.text;

import io.sentimentstreams.contracts.Lang;

/**
 * A declared {@link Lang} or a text in, a {@link Lang} out: a declared language wins; otherwise the text is
 * Korean when Hangul makes up at least {@link #HANGUL_SHARE} of its letters (so brand names and English
 * loanwords in a Korean review do not flip it), and English otherwise, including texts without letters.
 * Stateless and thread-safe.
 */
public final class LanguageDetector {

    /** Share of letters that must be Hangul for a text to count as Korean. */
    public static final double HANGUL_SHARE = 0.3;

    private LanguageDetector() {
    }

    /** The language of the text alone. */
    public static Lang detect(final String text) {
        if (text == null) {
            return Lang.EN;
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
        return letters > 0 && hangul >= HANGUL_SHARE * letters ? Lang.KO : Lang.EN;
    }

    /** The declared language, else {@link #detect}. */
    public static Lang resolve(final Lang declared, final String text) {
        return declared != null ? declared : detect(text);
    }
}
