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

    private record Rule(Pattern pattern, String replacement) {
        String apply(final String text) {
            final Matcher m = pattern.matcher(text);
            return m.find() ? m.replaceAll(replacement) : text;
        }
    }

    private static final String W = "[" + PyChars.W + "]";
    private static final String S = "[" + PyChars.S + "]";
    /** Python's {@code \b} before a word character / after one. */
    private static final String B_START = "(?<!" + W + ")";
    private static final String B_END = "(?!" + W + ")";

    private static Rule rule(final String regex, final String replacement) {
        return new Rule(Pattern.compile(regex, Pattern.UNIX_LINES), replacement);
    }

    private static Rule ruleI(final String regex, final String replacement) {
        return new Rule(Pattern.compile(regex, Pattern.UNIX_LINES | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                replacement);
    }

    private static final List<Rule> STARTING_QUOTES = List.of(
            rule("([«“‘„]|[`]+)", " $1 "),
            rule("^\"", "``"),
            rule("(``)", " $1 "),
            rule("([ (\\[{<])(\"|'{2})", "$1 `` "),
            ruleI(B_START + "(')(?!(?:re|ve|ll|m|t|s|d|n)" + B_END + ")(?=" + W + ")", "$1 "));

    private static final List<Rule> PUNCTUATION = List.of(
            rule("([^.])(\\.)([\\])}>\"'»”’ ]*)" + S + "*$", "$1 $2 $3 "),
            rule("([:,])([^" + PyChars.D + "])", " $1 $2"),
            rule("([:,])$", " $1 "),
            rule("\\.{2,}", " $0 "),
            rule("[;@#$%&]", " $0 "),
            rule("[\\u2012-\\u2015]", " $0 "),
            rule("([^.])(\\.)([\\])}>\"']*)" + S + "*$", "$1 $2$3 "),
            rule("[?!]", " $0 "),
            rule("([^'])' ", "$1 ' "),
            rule("[*]", " $0 "));

    private static final Rule PARENS_BRACKETS = rule("[\\]\\[(){}<>]", " $0 ");
    private static final Rule DOUBLE_DASHES = rule("--", " -- ");

    private static final List<Rule> ENDING_QUOTES = List.of(
            rule("([»”’])", " $1 "),
            rule("''", " '' "),
            rule("\"", " '' "),
            rule(S + "+", " "),
            rule("([^' ])('[sS]|'[mM]|'[dD]|') ", "$1 $2 "),
            rule("([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", "$1 $2 "));

    private static final List<Rule> CONTRACTIONS = List.of(
            ruleI(B_START + "(can)(not)" + B_END, " $1 $2 "),
            ruleI(B_START + "(d)('ye)" + B_END, " $1 $2 "),
            ruleI(B_START + "(gim)(me)" + B_END, " $1 $2 "),
            ruleI(B_START + "(gon)(na)" + B_END, " $1 $2 "),
            ruleI(B_START + "(got)(ta)" + B_END, " $1 $2 "),
            ruleI(B_START + "(lem)(me)" + B_END, " $1 $2 "),
            ruleI(B_START + "(more)('n)" + B_END, " $1 $2 "),
            ruleI(B_START + "(wan)(na)(?=" + S + ")", " $1 $2 "),
            ruleI(" ('t)(is)" + B_END, " $1 $2 "),
            ruleI(" ('t)(was)" + B_END, " $1 $2 "));

    private TreebankTokenizer() {
    }

    /** {@code NLTKWordTokenizer().tokenize(sentence)}. */
    public static List<String> tokenize(final String sentence) {
        final List<String> out = new ArrayList<>();
        tokenize(sentence, out);
        return out;
    }

    public static void tokenize(final String sentence, final List<String> out) {
        if (sentence == null || sentence.isEmpty()) {
            return;
        }
        String text = sentence;
        for (final Rule r : STARTING_QUOTES) {
            text = r.apply(text);
        }
        for (final Rule r : PUNCTUATION) {
            text = r.apply(text);
        }
        text = PARENS_BRACKETS.apply(text);
        text = DOUBLE_DASHES.apply(text);
        text = " " + text + " ";
        for (final Rule r : ENDING_QUOTES) {
            text = r.apply(text);
        }
        for (final Rule r : CONTRACTIONS) {
            text = r.apply(text);
        }
        splitOnSpace(text, out);
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
