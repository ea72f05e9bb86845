package io.sentimentstreams.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Punkt-like sentence splitter: normalized text in, sentences out. English follows Punkt's decision rules
 * (a sentence ends at {@code .?!} followed by whitespace; a period after an abbreviation, an initial or a
 * number ends a sentence only when the next word looks like a sentence start) with a fixed abbreviation
 * list instead of the trained {@code english.pickle}. Periods inside a token (decimals, prices, IPs,
 * e-mail addresses, URLs) never split. Korean also ends a sentence at a final ending ({@code -습니다},
 * {@code -어요}, {@code -었다}...) followed by whitespace and another Hangul word, as KSS does. Thread-safe.
 */
public final class SentenceSplitter {

    private static final Set<String> ABBREVIATIONS = Resources.wordSet("abbreviations-en.txt");
    private static final Set<String> STARTERS = Resources.wordSet("sentence-starters-en.txt");
    private static final String CLOSERS = "\"')]}»”’";
    private static final String OPENERS = "\"'([{«“‘„`";
    private static final String CURRENCY = "$€£¥₩#";

    /**
     * Korean sentence-final endings that also end a sentence without punctuation. Only endings that are
     * (nearly) never sentence-internal are listed: {@code -다} alone would split {@code 영어보다}.
     */
    private static final String[] KOREAN_FINAL_ENDINGS = {
        "습니다", "니다", "어요", "아요", "에요", "예요", "해요", "네요", "군요", "세요", "지요", "죠", "거든요",
        "었다", "았다", "였다", "했다", "겠다", "는다", "한다", "된다", "이다", "없다", "있다", "같다", "싶다",
        "더라", "구나", "어라", "아라", "ㅂ니다",
    };

    private SentenceSplitter() {
    }

    /** The sentences of {@code text}, trimmed; no empty sentences. */
    public static List<String> split(final String text) {
        final List<String> out = new ArrayList<>();
        split(text, out);
        return out;
    }

    public static void split(final String text, final List<String> out) {
        if (text == null) {
            return;
        }
        final int n = text.length();
        int sentenceStart = -1;
        int i = 0;
        // Token spans are found on the fly; a token is a maximal run of non-space characters.
        int tokStart = -1;
        int tokEnd = -1;
        while (true) {
            // find next token
            while (i < n && PyChars.isSpace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            final int nextStart = i;
            while (i < n && !PyChars.isSpace(text.charAt(i))) {
                i++;
            }
            final int nextEnd = i;
            if (tokStart >= 0 && isBreak(text, tokStart, tokEnd, nextStart, nextEnd)) {
                out.add(text.substring(sentenceStart, tokEnd));
                sentenceStart = -1;
            }
            if (sentenceStart < 0) {
                sentenceStart = nextStart;
            }
            tokStart = nextStart;
            tokEnd = nextEnd;
        }
        if (sentenceStart >= 0) {
            out.add(text.substring(sentenceStart, tokEnd));
        }
    }

    /** Does a sentence end after the token {@code [s, e)} given the next token {@code [ns, ne)}? */
    static boolean isBreak(final String text, final int s, final int e, final int ns, final int ne) {
        int end = e;
        while (end > s && CLOSERS.indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        if (end == s) {
            return false;
        }
        final char last = text.charAt(end - 1);
        if (last == '?' || last == '!' || last == '？' || last == '！' || last == '。') {
            return true;
        }
        if (last == '…' || (last == '.' && end - s >= 2 && text.charAt(end - 2) == '.')) {
            // Ellipsis: Punkt lets the orthography of the next word decide.
            return startsUpper(text, ns, ne);
        }
        if (last == '.') {
            int ws = s;
            while (ws < end - 1 && OPENERS.indexOf(text.charAt(ws)) >= 0) {
                ws++;
            }
            final String word = text.substring(ws, end - 1);
            if (word.isEmpty()) {
                return true;
            }
            if (isNumber(word)) {
                return !startsLower(text, ns, ne);
            }
            final String lower = word.toLowerCase(Locale.ROOT);
            if (isAbbreviation(lower)) {
                return startsUpper(text, ns, ne) && isStarter(text, ns, ne);
            }
            if (word.length() == 1 && Character.isLetter(word.charAt(0))) {
                // An initial (J. Smith): only a known sentence starter after it makes it a break.
                return startsUpper(text, ns, ne) && isStarter(text, ns, ne);
            }
            return true;
        }
        if (PyChars.isHangul(last)) {
            return endsWithKoreanFinal(text, s, end) && PyChars.isHangul(firstLetter(text, ns, ne));
        }
        return false;
    }

    private static boolean isAbbreviation(final String lower) {
        if (ABBREVIATIONS.contains(lower)) {
            return true;
        }
        final int dash = lower.lastIndexOf('-');
        if (dash >= 0 && dash + 1 < lower.length() && ABBREVIATIONS.contains(lower.substring(dash + 1))) {
            return true;
        }
        // Single letters joined by periods: u.s.a, e.g, ph.d (one or two letters per part).
        if (lower.indexOf('.') < 0) {
            return false;
        }
        int run = 0;
        for (int k = 0; k < lower.length(); k++) {
            final char c = lower.charAt(k);
            if (c == '.') {
                if (run == 0 || run > 2) {
                    return false;
                }
                run = 0;
            } else if (Character.isLetter(c)) {
                run++;
            } else {
                return false;
            }
        }
        return run > 0 && run <= 2;
    }

    private static boolean isNumber(final String word) {
        int k = 0;
        while (k < word.length() && CURRENCY.indexOf(word.charAt(k)) >= 0) {
            k++;
        }
        if (k >= word.length() || !Character.isDigit(word.charAt(k))) {
            return false;
        }
        for (; k < word.length(); k++) {
            final char c = word.charAt(k);
            if (!Character.isDigit(c) && ".,:-/%".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int firstLetter(final String text, final int ns, final int ne) {
        for (int k = ns; k < ne; k++) {
            final char c = text.charAt(k);
            if (OPENERS.indexOf(c) < 0) {
                return c;
            }
        }
        return -1;
    }

    private static boolean startsUpper(final String text, final int ns, final int ne) {
        final int c = firstLetter(text, ns, ne);
        return c >= 0 && (Character.isUpperCase(c) || Character.isTitleCase(c));
    }

    private static boolean startsLower(final String text, final int ns, final int ne) {
        final int c = firstLetter(text, ns, ne);
        return c >= 0 && Character.isLowerCase(c);
    }

    private static boolean isStarter(final String text, final int ns, final int ne) {
        int k = ns;
        while (k < ne && OPENERS.indexOf(text.charAt(k)) >= 0) {
            k++;
        }
        int end = k;
        while (end < ne && Character.isLetter(text.charAt(end))) {
            end++;
        }
        return end > k && STARTERS.contains(text.substring(k, end).toLowerCase(Locale.ROOT));
    }

    private static boolean endsWithKoreanFinal(final String text, final int s, final int end) {
        for (final String ending : KOREAN_FINAL_ENDINGS) {
            final int len = ending.length();
            if (end - s >= len && text.regionMatches(end - len, ending, 0, len)) {
                return true;
            }
        }
        return false;
    }
}
