package io.sentimentstreams.vocab;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fitted word index with Keras {@code Tokenizer} semantics: index 0 is padding, the OOV token (when
 * configured) is index 1, other words are ranked by descending count with ties in first-seen order.
 * Immutable and thread-safe.
 *
 * <p>On disk it is {@code vocab.tsv}: one {@code word<TAB>index<TAB>count} line per word in index order,
 * UTF-8, no header. Backslash, tab, CR and LF inside a word are written as {@code \\}, {@code \t},
 * {@code \r}, {@code \n}. The OOV token, which Keras never counts, is written with count 0.
 */
public final class Vocabulary {

    private final Map<String, Integer> index;
    private final Map<String, Long> counts;
    private final String oovToken;
    private final long documentCount;
    /** words[i] is the word with index i (words[0] is null: padding). */
    private final String[] words;
    /** HashMap rather than Map.copyOf: lookups are the hot path of encode() and HashMap is faster. */
    private final HashMap<String, Integer> lookup;

    public Vocabulary(final Map<String, Integer> index, final Map<String, Long> counts, final String oovToken,
                      final long documentCount) {
        this.index = Collections.unmodifiableMap(new LinkedHashMap<>(index));
        this.counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        this.oovToken = oovToken;
        this.documentCount = documentCount;
        int max = 0;
        for (final Map.Entry<String, Integer> e : index.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || e.getValue() < 1) {
                throw new IllegalArgumentException("word index entries need a word and an index >= 1: " + e);
            }
            max = Math.max(max, e.getValue());
        }
        this.words = new String[max + 1];
        for (final Map.Entry<String, Integer> e : index.entrySet()) {
            if (words[e.getValue()] != null) {
                throw new IllegalArgumentException("index " + e.getValue() + " is used by both '"
                        + words[e.getValue()] + "' and '" + e.getKey() + "'");
            }
            words[e.getValue()] = e.getKey();
        }
        if (oovToken != null && !index.containsKey(oovToken)) {
            throw new IllegalArgumentException("the OOV token '" + oovToken + "' is not in the word index");
        }
        this.lookup = new HashMap<>(index);
    }

    /** The index of {@code word}, or -1 when unknown (before any {@code num_words} cut). */
    public int indexOf(final String word) {
        final Integer i = lookup.get(word);
        return i == null ? -1 : i;
    }

    /** The word with index {@code i}, or null (0, out of range, or a gap). */
    public String wordAt(final int i) {
        return i > 0 && i < words.length ? words[i] : null;
    }

    /** The OOV index (normally 1), or -1 when there is no OOV token. */
    public int oovIndex() {
        return oovToken == null ? -1 : indexOf(oovToken);
    }

    public String oovToken() {
        return oovToken;
    }

    public long documentCount() {
        return documentCount;
    }

    public int size() {
        return index.size();
    }

    /** The largest index in use (equals {@link #size()} for a Keras-fitted vocabulary). */
    public int maxIndex() {
        return words.length - 1;
    }

    /** Word to index, in insertion order. */
    public Map<String, Integer> wordIndex() {
        return index;
    }

    /** Word to count, in first-seen order (Keras {@code word_counts}). */
    public Map<String, Long> wordCounts() {
        return counts;
    }

    /** The count of {@code word} in the fitted texts (0 when unknown, and for the OOV token). */
    public long countOf(final String word) {
        final Long c = counts.get(word);
        return c == null ? 0 : c;
    }

    /** Words in index order, for writing {@code vocab.tsv} ({@code word<TAB>index<TAB>count}). */
    public List<String> wordsByIndex() {
        final List<String> out = new ArrayList<>(index.size());
        for (int i = 1; i < words.length; i++) {
            if (words[i] != null) {
                out.add(words[i]);
            }
        }
        return out;
    }

    /** Writes {@code vocab.tsv}: {@code word<TAB>index<TAB>count} in index order. */
    public void writeTsv(final Path path) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            for (int i = 1; i < words.length; i++) {
                final String word = words[i];
                if (word == null) {
                    continue;
                }
                w.write(escape(word));
                w.write('\t');
                w.write(Integer.toString(i));
                w.write('\t');
                w.write(Long.toString(word.equals(oovToken) ? 0 : countOf(word)));
                w.write('\n');
            }
        }
    }

    /**
     * Reads {@code vocab.tsv}. The OOV token is inferred: the word at index 1 when its count is 0
     * (Keras never counts the OOV token, and every fitted word has a count of at least 1).
     * The document count is not part of the file and reads as 0.
     */
    public static Vocabulary readTsv(final Path path) throws IOException {
        return readTsv(path, null, true);
    }

    /** Reads {@code vocab.tsv} with a known OOV token (null: none), as recorded in the pipeline config. */
    public static Vocabulary readTsv(final Path path, final String oovToken) throws IOException {
        return readTsv(path, oovToken, false);
    }

    private static Vocabulary readTsv(final Path path, final String oovToken, final boolean inferOov)
            throws IOException {
        final Map<String, Integer> index = new LinkedHashMap<>();
        final Map<String, Long> counts = new LinkedHashMap<>();
        String inferred = null;
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                final int t1 = line.indexOf('\t');
                final int t2 = t1 < 0 ? -1 : line.indexOf('\t', t1 + 1);
                if (t1 < 0 || t2 < 0 || line.indexOf('\t', t2 + 1) >= 0) {
                    throw new IOException(path + ":" + lineNo + ": expected word<TAB>index<TAB>count");
                }
                final String word = unescape(line.substring(0, t1));
                final int idx;
                final long count;
                try {
                    idx = Integer.parseInt(line.substring(t1 + 1, t2));
                    count = Long.parseLong(line.substring(t2 + 1));
                } catch (NumberFormatException e) {
                    throw new IOException(path + ":" + lineNo + ": index and count must be integers", e);
                }
                if (idx < 1 || count < 0) {
                    throw new IOException(path + ":" + lineNo + ": index must be >= 1 and count >= 0");
                }
                if (index.putIfAbsent(word, idx) != null) {
                    throw new IOException(path + ":" + lineNo + ": duplicate word '" + word + "'");
                }
                if (idx == 1 && count == 0) {
                    inferred = word;
                }
                if (count > 0) {
                    counts.put(word, count);
                }
            }
        }
        final String oov = inferOov ? inferred : oovToken;
        if (oov != null && !index.containsKey(oov)) {
            throw new IOException(path + ": OOV token '" + oov + "' is not in the vocabulary");
        }
        try {
            return new Vocabulary(index, counts, oov, 0);
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    static String escape(final String word) {
        boolean plain = true;
        for (int i = 0; i < word.length() && plain; i++) {
            final char c = word.charAt(i);
            plain = c != '\\' && c != '\t' && c != '\n' && c != '\r';
        }
        if (plain) {
            return word;
        }
        final StringBuilder sb = new StringBuilder(word.length() + 4);
        for (int i = 0; i < word.length(); i++) {
            final char c = word.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String unescape(final String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        final StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                final char n = s.charAt(++i);
                switch (n) {
                    case 't' -> sb.append('\t');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    default -> sb.append(n);
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Vocabulary[size=" + size() + ", oov=" + oovToken + ", documents=" + documentCount
                + ", first=" + Arrays.asList(words).subList(1, Math.min(words.length, 6)) + "]";
    }
}
