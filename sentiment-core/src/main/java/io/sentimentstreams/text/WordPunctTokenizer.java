package io.sentimentstreams.text;

import java.util.ArrayList;
import java.util.List;

/**
 * NLTK {@code WordPunctTokenizer}: text in, the matches of {@code \w+|[^\w\s]+} out (Python's Unicode
 * classes), found by one linear scan instead of a regex. Every non-space character lands in exactly one
 * token. Stateless and thread-safe.
 */
public final class WordPunctTokenizer {

    private WordPunctTokenizer() {
    }

    public static List<String> tokenize(final String text) {
        final List<String> out = new ArrayList<>();
        tokenize(text, out);
        return out;
    }

    public static void tokenize(final String text, final List<String> out) {
        if (text == null) {
            return;
        }
        final int n = text.length();
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            if (PyChars.isSpace(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            final int start = i;
            final boolean word = PyChars.isWord(cp);
            do {
                i += Character.charCount(cp);
                if (i >= n) {
                    break;
                }
                cp = text.codePointAt(i);
            } while (!PyChars.isSpace(cp) && PyChars.isWord(cp) == word);
            out.add(text.substring(start, i));
        }
    }
}
