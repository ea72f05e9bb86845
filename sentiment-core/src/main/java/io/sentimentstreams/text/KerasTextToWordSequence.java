package io.sentimentstreams.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Keras {@code text_to_word_sequence}: text in, words out. Lowercases (optionally), replaces every filter
 * character by the separator, splits on the literal separator and drops empty pieces. Immutable and
 * thread-safe; build one per filter set and reuse it.
 */
public final class KerasTextToWordSequence {

    /** Keras' default filters; the apostrophe is deliberately absent, so {@code don't} stays one word. */
    public static final String DEFAULT_FILTERS = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";
    public static final String DEFAULT_SPLIT = " ";

    private static final KerasTextToWordSequence DEFAULT = new KerasTextToWordSequence(DEFAULT_FILTERS, true,
            DEFAULT_SPLIT);

    private final String filters;
    private final boolean lower;
    private final String split;
    /** ASCII filter membership as a table: the common case never touches the sorted array. */
    private final boolean[] asciiFilter = new boolean[128];
    private final int[] otherFilters;
    private final int splitChar;

    public KerasTextToWordSequence(final String filters, final boolean lower, final String split) {
        if (split == null || split.isEmpty()) {
            throw new IllegalArgumentException("split must be a non-empty string (Python: empty separator)");
        }
        this.filters = filters == null ? DEFAULT_FILTERS : filters;
        this.lower = lower;
        this.split = split;
        this.otherFilters = this.filters.codePoints().filter(c -> c >= 128).sorted().distinct().toArray();
        this.filters.codePoints().filter(c -> c < 128).forEach(c -> asciiFilter[c] = true);
        this.splitChar = split.length() == 1 ? split.charAt(0) : -1;
    }

    /** The default instance: Keras' filters, lowercase, split on a space. */
    public static KerasTextToWordSequence defaults() {
        return DEFAULT;
    }

    public String filters() {
        return filters;
    }

    public boolean lower() {
        return lower;
    }

    public String split() {
        return split;
    }

    /** Keras {@code text_to_word_sequence(text, filters, lower, split)}. Null reads as empty. */
    public List<String> apply(final String text) {
        final List<String> out = new ArrayList<>();
        apply(text, out);
        return out;
    }

    /** Appends the words of {@code text} to {@code out}. */
    public void apply(final String text, final List<String> out) {
        if (text == null || text.isEmpty()) {
            return;
        }
        final String s = lower ? text.toLowerCase(Locale.ROOT) : text;
        if (splitChar >= 0) {
            splitSingle(s, out);
        } else {
            splitGeneral(s, out);
        }
    }

    private boolean isFilter(final int cp) {
        return cp < 128 ? asciiFilter[cp] : otherFilters.length > 0 && Arrays.binarySearch(otherFilters, cp) >= 0;
    }

    /** One pass: a filter character and the separator both end the current word. */
    private void splitSingle(final String s, final List<String> out) {
        final int n = s.length();
        int start = -1;
        int i = 0;
        while (i < n) {
            final int cp = s.codePointAt(i);
            final int w = Character.charCount(cp);
            if (cp == splitChar || isFilter(cp)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += w;
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
    }

    /** Multi-character separator: translate filters to the separator, then split on it literally. */
    private void splitGeneral(final String s, final List<String> out) {
        final StringBuilder sb = new StringBuilder(s.length() + 16);
        int i = 0;
        while (i < s.length()) {
            final int cp = s.codePointAt(i);
            if (isFilter(cp)) {
                sb.append(split);
            } else {
                sb.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        final String t = sb.toString();
        int from = 0;
        while (true) {
            final int at = t.indexOf(split, from);
            final String piece = at < 0 ? t.substring(from) : t.substring(from, at);
            if (!piece.isEmpty()) {
                out.add(piece);
            }
            if (at < 0) {
                break;
            }
            from = at + split.length();
        }
    }
}
