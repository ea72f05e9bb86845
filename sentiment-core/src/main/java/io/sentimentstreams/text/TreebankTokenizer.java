package io.sentimentstreams.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NLTK's {@code NLTKWordTokenizer} (the Treebank rules with NLTK's improvements, what {@code word_tokenize}
 * applies to each sentence): one sentence in, Treebank tokens out ({@code don't} → {@code do n't},
 * {@code Jone's} → {@code Jone 's}, a final period split off, {@code "} → {@code ``}/{@code ''}).
 *
 * <p>This class is the rule-for-rule port of NLTK's regex cascade, with Python's Unicode {@code \w},
 * {@code \s}, {@code \d} and {@code \b}. Thread-safe.
 */
public final class TreebankTokenizer {

    /**
     * One substitution of the cascade. {@code trigger} is a set of {@link #mask} bits of which at least one
     * must be present for the pattern to possibly match (0: always try); skipping rules that cannot match is
     * what makes the cascade affordable per review, and it never changes the result.
     */
    private record Rule(Pattern pattern, String replacement, long trigger) {
        String apply(final String text, final long present) {
            if (trigger != 0 && (trigger & present) == 0) {
                return text;
            }
            final Matcher m = pattern.matcher(text);
            return m.find() ? m.replaceAll(replacement) : text;
        }
    }

    // Bits of the character-presence mask computed once per sentence.
    private static final String MASK_CHARS = ".,:;@#$%&?!'\"`*()[]{}<>-";
    private static final long NON_ASCII = 1L << MASK_CHARS.length();
    /** Two equal letters n, m or t in a row: every MacIntyre contraction has one, or an apostrophe. */
    private static final long DOUBLE_NMT = NON_ASCII << 1;

    private static long bits(final String chars) {
        long m = 0;
        for (int i = 0; i < chars.length(); i++) {
            m |= 1L << MASK_CHARS.indexOf(chars.charAt(i));
        }
        return m;
    }

    /** Which trigger characters {@code text} contains; a double quote implies the quotes rules add. */
    static long mask(final String text) {
        long m = 0;
        char prev = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c >= 128) {
                m |= NON_ASCII;
            } else {
                final int at = MASK_CHARS.indexOf(c);
                if (at >= 0) {
                    m |= 1L << at;
                }
                final char lc = (char) (c | 0x20);
                if (lc == prev && (lc == 'n' || lc == 'm' || lc == 't')) {
                    m |= DOUBLE_NMT;
                }
                prev = lc;
                continue;
            }
            prev = 0;
        }
        if ((m & bits("\"")) != 0) {
            m |= bits("`'");
        }
        return m;
    }

    private static final String W = "[" + PyChars.W + "]";
    private static final String S = "[" + PyChars.S + "]";
    /** Python's {@code \b} before a word character / after one. */
    private static final String B_START = "(?<!" + W + ")";
    private static final String B_END = "(?!" + W + ")";

    private static final long CONTRACTION = DOUBLE_NMT | bits("'");

    private static Rule rule(final String regex, final String replacement, final long trigger) {
        return new Rule(Pattern.compile(regex, Pattern.UNIX_LINES), replacement, trigger);
    }

    private static Rule ruleI(final String regex, final String replacement, final long trigger) {
        return new Rule(Pattern.compile(regex, Pattern.UNIX_LINES | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                replacement, trigger);
    }

    private static final List<Rule> STARTING_QUOTES = List.of(
            rule("([«“‘„]|[`]+)", " $1 ", NON_ASCII | bits("`")),
            rule("^\"", "``", bits("\"")),
            rule("(``)", " $1 ", bits("`")),
            rule("([ (\\[{<])(\"|'{2})", "$1 `` ", bits("\"'")),
            ruleI(B_START + "(')(?!(?:re|ve|ll|m|t|s|d|n)" + B_END + ")(?=" + W + ")", "$1 ", bits("'")));

    private static final List<Rule> PUNCTUATION = List.of(
            rule("([^.])(\\.)([\\])}>\"'»”’ ]*)" + S + "*$", "$1 $2 $3 ", bits(".")),
            rule("([:,])([^" + PyChars.D + "])", " $1 $2", bits(":,")),
            rule("([:,])$", " $1 ", bits(":,")),
            rule("\\.{2,}", " $0 ", bits(".")),
            rule("[;@#$%&]", " $0 ", bits(";@#$%&")),
            rule("[\\u2012-\\u2015]", " $0 ", NON_ASCII),
            rule("([^.])(\\.)([\\])}>\"']*)" + S + "*$", "$1 $2$3 ", bits(".")),
            rule("[?!]", " $0 ", bits("?!")),
            rule("([^'])' ", "$1 ' ", bits("'")),
            rule("[*]", " $0 ", bits("*")));

    private static final Rule PARENS_BRACKETS = rule("[\\]\\[(){}<>]", " $0 ", bits("[](){}<>"));
    private static final Rule DOUBLE_DASHES = rule("--", " -- ", bits("-"));

    private static final List<Rule> ENDING_QUOTES = List.of(
            rule("([»”’])", " $1 ", NON_ASCII),
            rule("''", " '' ", bits("'")),
            rule("\"", " '' ", bits("\"")),
            rule(S + "+", " ", 0),
            rule("([^' ])('[sS]|'[mM]|'[dD]|') ", "$1 $2 ", bits("'")),
            rule("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", "$1 $2 ", bits("'")));

    private static final List<Rule> CONTRACTIONS = List.of(
            ruleI(B_START + "(can)(not)" + B_END, " $1 $2 ", CONTRACTION),
            ruleI(B_START + "(d)('ye)" + B_END, " $1 $2 ", CONTRACTION),
            ruleI(B_START + "(gim)(me)" + B_END, " $1 $2 ", CONTRACTION),
            ruleI(B_START + "(gon)(na)" + B_END, " $1 $2 ", CONTRACTION),
            ruleI(B_START + "(got)(ta)" + B_END, " $1 $2 ", CONTRACTION),
            ruleI(B_START + "(lem)(me)" + B_END, " $1 $2 ", CONTRACTION),
            ruleI(B_START + "(more)('n)" + B_END, " $1 $2 ", CONTRACTION),
            ruleI(B_START + "(wan)(na)(?=" + S + ")", " $1 $2 ", CONTRACTION),
            ruleI(" ('t)(is)" + B_END, " $1 $2 ", CONTRACTION),
            ruleI(" ('t)(was)" + B_END, " $1 $2 ", CONTRACTION));

    private TreebankTokenizer() {
    }

    /** {@code NLTKWordTokenizer().tokenize(sentence)}. */
    public static List<String> tokenize(final String sentence) {
        final List<String> out = new ArrayList<>();
        tokenize(sentence, out);
        return out;
    }

    /**
     * Appends the tokens of {@code sentence}. Works chunk by chunk (a chunk is a run of non-space
     * characters) and gives exactly what the cascade gives on the whole sentence: no rule reaches across a
     * space except the end-anchored final-period/colon rules, the {@code ^"} rule and the rules that look at
     * the space itself. So the first chunk is tokenized as a sentence start, every other chunk as if preceded
     * and followed by a space, and the tail (the last chunk that is not only closing quotes/brackets, and
     * what follows it) with the real sentence end. Plain word chunks need no rule at all, other chunks are
     * memoized. {@code TreebankTokenizerTest} checks the equivalence on real reviews.
     */
    public static void tokenize(final String sentence, final List<String> out) {
        if (sentence == null || sentence.isEmpty()) {
            return;
        }
        final int n = sentence.length();
        // Start of the tail: the last chunk holding anything but closers.
        int tail = -1;
        int i = n;
        while (i > 0) {
            while (i > 0 && PyChars.isSpace(sentence.charAt(i - 1))) {
                i--;
            }
            final int end = i;
            while (i > 0 && !PyChars.isSpace(sentence.charAt(i - 1))) {
                i--;
            }
            if (end > i) {
                tail = i;
                if (!onlyClosers(sentence, i, end)) {
                    break;
                }
            }
        }
        if (tail < 0) {
            return;
        }
        int pos = 0;
        // Leading whitespace puts even the first chunk after a space (and keeps ^" from matching).
        boolean first = !PyChars.isSpace(sentence.charAt(0));
        while (pos < tail) {
            while (pos < tail && PyChars.isSpace(sentence.charAt(pos))) {
                pos++;
            }
            if (pos >= tail) {
                break;
            }
            final int start = pos;
            while (pos < tail && !PyChars.isSpace(sentence.charAt(pos))) {
                pos++;
            }
            chunk(sentence, start, pos, first, out);
            first = false;
        }
        int tailEnd = n;
        while (tailEnd > tail && PyChars.isSpace(sentence.charAt(tailEnd - 1))) {
            tailEnd--;
        }
        boolean single = true;
        for (int k = tail; k < tailEnd && single; k++) {
            single = !PyChars.isSpace(sentence.charAt(k));
        }
        if (single && (first ? tail == 0 : tail > 0) && shaped(sentence, tail, tailEnd, first, true, out)) {
            return;
        }
        final String tailText = first ? sentence : sentence.substring(tail - 1);
        if (MISS_HOOK != null) {
            MISS_HOOK.accept("TAIL" + tailText);
        }
        final String key = (first ? "T" : "t") + tailText;
        String[] tokens = CACHE.get(key);
        if (tokens == null) {
            final List<String> t = new ArrayList<>();
            tokenize(tailText, t, true);
            tokens = remember(key, t);
        }
        java.util.Collections.addAll(out, tokens);
    }

    /** Test hook: sees every chunk that goes to the (memoized) cascade. */
    static volatile java.util.function.Consumer<String> MISS_HOOK;

    private static final String CLOSER_CHARS = "])}>\"'»”’";

    private static boolean onlyClosers(final String s, final int from, final int to) {
        for (int k = from; k < to; k++) {
            if (CLOSER_CHARS.indexOf(s.charAt(k)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Tokens of a chunk that is neither the sentence's tail nor (when {@code first}) preceded by a space. */
    private static void chunk(final String s, final int start, final int end, final boolean first,
                              final List<String> out) {
        boolean plain = true;
        boolean ascii = true;
        for (int k = start; k < end && plain; k++) {
            final char c = s.charAt(k);
            if (c < 128) {
                plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            } else {
                ascii = false;
                plain = !Character.isSurrogate(c) && PyChars.isWord(c);
            }
        }
        final int len = end - start;
        if (plain && ascii) {
            // Only the MacIntyre contractions change a chunk of word characters, and only a whole chunk.
            final int split = len == 6 || len == 5 ? contractionSplit(s, start, len) : 0;
            if (split > 0) {
                out.add(s.substring(start, start + split));
                out.add(s.substring(start + split, end));
            } else {
                out.add(s.substring(start, end));
            }
            return;
        }
        if (plain && len != 5 && len != 6) {
            out.add(s.substring(start, end));
            return;
        }
        if (shaped(s, start, end, first, false, out)) {
            return;
        }
        final String text = s.substring(start, end);
        if (MISS_HOOK != null) {
            MISS_HOOK.accept(text);
        }
        // The rules look at the whitespace character itself (a literal ' ' differs from a tab or U+0085).
        final char before = first ? '\u0000' : s.charAt(start - 1);
        final char after = s.charAt(end);
        final String key = before + (after + text);
        String[] tokens = CACHE.get(key);
        if (tokens == null) {
            final List<String> t = new ArrayList<>();
            // A trailing word keeps the end-anchored rules away from this chunk, as in the full sentence.
            tokenize((first ? "" : String.valueOf(before)) + text + after + "x", t, true);
            t.remove(t.size() - 1);
            tokens = remember(key, t);
        }
        java.util.Collections.addAll(out, tokens);
    }

    /**
     * The common chunk shapes, done by hand: an optional opener ({@code ( [ { <}, or {@code "} after a literal
     * space or at the start), a word of {@code \w} characters, an optional clitic ({@code 's 'm 'd 'll 're 've
     * n't} in the cases the rules know), and an optional closer ({@code , ; : ) ] } > "}, a run of {@code !?},
     * or a period when there is no clitic). Returns false, emitting nothing, for anything else.
     */
    private static boolean shaped(final String s, final int start, final int end, final boolean first,
                                  final boolean tail, final List<String> out) {
        int a = start;
        int b = end;
        final char c0 = s.charAt(a);
        String opener = null;
        if (c0 == '(' || c0 == '[' || c0 == '{' || c0 == '<') {
            opener = String.valueOf(c0);
            a++;
        } else if (c0 == '"' && (first || s.charAt(start - 1) == ' ')) {
            opener = "``";
            a++;
        }
        if (a >= b) {
            return false;
        }
        String closer = null;
        final char z = s.charAt(b - 1);
        boolean bangs = false;
        if (z == '!' || z == '?') {
            bangs = true;
            while (b > a && (s.charAt(b - 1) == '!' || s.charAt(b - 1) == '?')) {
                b--;
            }
        } else if (",;:)]}>.".indexOf(z) >= 0) {
            closer = String.valueOf(z);
            b--;
        } else if (z == '"') {
            closer = "''";
            b--;
        } else if (z == '\'' && end - start >= 2 && s.charAt(end - 2) != '\'') {
            closer = "'";
            b--;
        }
        if (a >= b) {
            return false;
        }
        // clitic
        int w = b;
        String clitic = null;
        final int len = b - a;
        if (len >= 4 && s.charAt(b - 2) == '\'' && s.charAt(b - 3) == 'n') {
            final char t = s.charAt(b - 1);
            if (t == 't' || t == 'T') {
                final String cand = s.substring(b - 3, b);
                if (cand.equals("n't") || cand.equals("N'T")) {
                    clitic = cand;
                    w = b - 3;
                }
            }
        }
        if (clitic == null && len >= 3 && s.charAt(b - 2) == '\'') {
            final char t = s.charAt(b - 1);
            if ("sSmMdD".indexOf(t) >= 0) {
                clitic = s.substring(b - 2, b);
                w = b - 2;
            }
        }
        if (clitic == null && len >= 4 && s.charAt(b - 3) == '\'') {
            final String cand = s.substring(b - 3, b);
            if (CLITICS3.contains(cand)) {
                clitic = cand;
                w = b - 3;
            }
        }
        // Inside a sentence a period stays on its word and hides a clitic; at the end it is split off.
        if (clitic != null && ".".equals(closer) && !tail) {
            return false;
        }
        // The word itself: \w characters, and single inner '-', '.', '/' (which no rule touches mid-chunk),
        // as long as no \w segment between them is a MacIntyre contraction (\b would split it).
        boolean ascii = true;
        boolean joined = false;
        int segment = a;
        for (int k = a; k <= w; k++) {
            final char c = k < w ? s.charAt(k) : '-';
            if (c == '-' || c == '.' || c == '/') {
                if (k < w) {
                    if (k == a || k == w - 1 || s.charAt(k + 1) == c || s.charAt(k - 1) == '-'
                            || s.charAt(k - 1) == '.' || s.charAt(k - 1) == '/') {
                        return false;
                    }
                    joined = true;
                }
                final int sl = k - segment;
                if (joined && (sl == 5 || sl == 6) && contractionSplit(s, segment, sl) > 0) {
                    return false;
                }
                segment = k + 1;
            } else if (c < 128) {
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                    return false;
                }
            } else if (Character.isSurrogate(c) || !PyChars.isWord(c)) {
                return false;
            } else {
                ascii = false;
            }
        }
        if (joined && !ascii) {
            return false;
        }
        // A joined word has no length of its own (-1): it is never refused below and never split as a contraction.
        final int wl = joined ? -1 : w - a;
        if (wl == 0 || ((wl == 5 || wl == 6) && (!ascii || (!tail && ".".equals(closer)
                && contractionSplit(s, a, wl) > 0)))) {
            return false;
        }
        if (opener != null) {
            out.add(opener);
        }
        final int split = (wl == 5 || wl == 6) ? contractionSplit(s, a, wl) : 0;
        if (split > 0) {
            out.add(s.substring(a, a + split));
            out.add(s.substring(a + split, w));
        } else if (".".equals(closer) && !tail) {
            out.add(s.substring(a, b + 1));
        } else {
            out.add(s.substring(a, w));
        }
        if (clitic != null) {
            out.add(clitic);
        }
        if (bangs) {
            for (int k = b; k < end; k++) {
                out.add(String.valueOf(s.charAt(k)));
            }
        } else if (closer != null && (tail || !".".equals(closer))) {
            out.add(closer);
        }
        return true;
    }

    private static final java.util.Set<String> CLITICS3 = java.util.Set.of("'ll", "'LL", "'re", "'RE", "'ve", "'VE");

    /** Where {@code cannot, gimme, gonna, gotta, lemme, wanna} split (ASCII, any case), or 0. */
    private static int contractionSplit(final String s, final int start, final int len) {
        if (len == 6) {
            return s.regionMatches(true, start, "cannot", 0, 6) ? 3 : 0;
        }
        for (final String w : FIVE_LETTER_CONTRACTIONS) {
            if (s.regionMatches(true, start, w, 0, 5)) {
                return 3;
            }
        }
        return 0;
    }

    private static final String[] FIVE_LETTER_CONTRACTIONS = {"gimme", "gonna", "gotta", "lemme", "wanna"};

    /** Chunk results; cleared when full, which only costs recomputation. */
    private static final java.util.concurrent.ConcurrentHashMap<String, String[]> CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 200_000;

    private static String[] remember(final String key, final List<String> tokens) {
        final String[] arr = tokens.toArray(new String[0]);
        if (key.length() <= 64) {
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();
            }
            CACHE.put(key, arr);
        }
        return arr;
    }

    /** The plain NLTK cascade on the whole sentence, every rule tried: the reference for tests. */
    static List<String> reference(final String sentence) {
        final List<String> out = new ArrayList<>();
        tokenize(sentence, out, false);
        return out;
    }

    /** With {@code prefilter=false} every rule runs, as in NLTK (tests compare both). */
    static void tokenize(final String sentence, final List<String> out, final boolean prefilter) {
        if (sentence == null || sentence.isEmpty()) {
            return;
        }
        final long present = prefilter ? mask(sentence) : -1L;
        String text = sentence;
        for (final Rule r : STARTING_QUOTES) {
            text = r.apply(text, present);
        }
        for (final Rule r : PUNCTUATION) {
            text = r.apply(text, present);
        }
        text = PARENS_BRACKETS.apply(text, present);
        text = DOUBLE_DASHES.apply(text, present);
        text = " " + text + " ";
        for (final Rule r : ENDING_QUOTES) {
            // The whitespace collapse only matters to the clitic rules when some other space than ' ' exists.
            if (!prefilter || r != ENDING_QUOTES.get(3) || hasOtherSpace(text)) {
                text = r.apply(text, present);
            }
        }
        for (final Rule r : CONTRACTIONS) {
            text = r.apply(text, present);
        }
        splitOnSpace(text, out);
    }

    private static boolean hasOtherSpace(final String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c != ' ' && PyChars.isSpace(c)) {
                return true;
            }
        }
        return false;
    }

    /** Python {@code str.split()}. */
    static void splitOnSpace(final String text, final List<String> out) {
        final int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && PyChars.isSpace(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            if (i >= n) {
                break;
            }
            final int start = i;
            while (i < n && !PyChars.isSpace(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            out.add(text.substring(start, i));
        }
    }
}
