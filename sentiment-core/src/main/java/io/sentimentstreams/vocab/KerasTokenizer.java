package io.sentimentstreams.vocab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentimentstreams.text.KerasTextToWordSequence;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Keras {@code keras.preprocessing.text.Tokenizer}: texts or token lists in, word counts, a frequency-ranked
 * word index, integer sequences and document-term matrices out; reads and writes Keras' own
 * {@code tokenizer.to_json()} format. Fitting mutates it (not thread-safe while fitting); take an
 * immutable {@link #vocabulary()} for concurrent encoding.
 *
 * <p>One deliberate difference: when the OOV token itself occurs in the fitted texts, Keras lists it twice
 * and its {@code dict(zip(...))} moves it off index 1; here it stays at index 1 and is counted but not
 * ranked a second time.
 */
public final class KerasTokenizer {

    /** Vectorization modes of {@code texts_to_matrix}. */
    public enum MatrixMode {
        BINARY, COUNT, FREQ, TFIDF;

        public static MatrixMode parse(final String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("Unknown vectorization mode: " + s
                        + " (binary, count, freq or tfidf)");
            }
        }
    }

    /**
     * Constructor arguments of the Keras class.
     *
     * @param numWords  {@code num_words}: keep indices below it at encode time; 0 or less means all (None)
     * @param filters   characters replaced by the separator (null: Keras' default)
     * @param lower     lowercase texts and tokens
     * @param split     the separator
     * @param charLevel every character is a token
     * @param oovToken  the out-of-vocabulary token forced to index 1, or null
     */
    public record Options(int numWords, String filters, boolean lower, String split, boolean charLevel,
                          String oovToken) {

        public static Options defaults() {
            return new Options(0, KerasTextToWordSequence.DEFAULT_FILTERS, true, " ", false, null);
        }

        public Options withNumWords(final int n) {
            return new Options(n, filters, lower, split, charLevel, oovToken);
        }

        public Options withOovToken(final String t) {
            return new Options(numWords, filters, lower, split, charLevel, t);
        }

        public Options withLower(final boolean l) {
            return new Options(numWords, filters, l, split, charLevel, oovToken);
        }

        public Options withFilters(final String f) {
            return new Options(numWords, f, lower, split, charLevel, oovToken);
        }

        public Options withCharLevel(final boolean c) {
            return new Options(numWords, filters, lower, split, c, oovToken);
        }
    }

    private final Options options;
    private final KerasTextToWordSequence words;
    private long documentCount;
    private final LinkedHashMap<String, Long> wordCounts = new LinkedHashMap<>();
    private final LinkedHashMap<String, Long> wordDocs = new LinkedHashMap<>();
    private LinkedHashMap<String, Integer> wordIndex = new LinkedHashMap<>();
    private Vocabulary vocabulary;

    public KerasTokenizer(final Options options) {
        final String filters = options.filters() == null ? KerasTextToWordSequence.DEFAULT_FILTERS
                : options.filters();
        final String split = options.split() == null ? " " : options.split();
        this.options = new Options(Math.max(0, options.numWords()), filters, options.lower(), split,
                options.charLevel(), options.oovToken());
        this.words = new KerasTextToWordSequence(filters, options.lower(), split);
    }

    public KerasTokenizer() {
        this(Options.defaults());
    }

    public Options options() {
        return options;
    }

    // ---------------------------------------------------------------- fitting

    /** Keras {@code fit_on_texts} on raw strings. */
    public KerasTokenizer fitOnTexts(final Iterable<String> texts) {
        for (final String text : texts) {
            count(sequenceOf(text));
        }
        rebuildIndex();
        return this;
    }

    /** Keras {@code fit_on_texts} on pre-tokenized texts (lists of tokens; lowercased when {@code lower}). */
    public KerasTokenizer fitOnTokenLists(final Iterable<? extends List<String>> tokenLists) {
        for (final List<String> tokens : tokenLists) {
            count(sequenceOf(tokens));
        }
        rebuildIndex();
        return this;
    }

    private void count(final List<String> seq) {
        documentCount++;
        for (final String w : seq) {
            wordCounts.merge(w, 1L, Long::sum);
        }
        for (final String w : new java.util.LinkedHashSet<>(seq)) {
            wordDocs.merge(w, 1L, Long::sum);
        }
    }

    private void rebuildIndex() {
        final List<Map.Entry<String, Long>> ranked = new ArrayList<>(wordCounts.entrySet());
        // List.sort is stable: equal counts keep first-seen order, like Python's sort.
        ranked.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        final LinkedHashMap<String, Integer> index = new LinkedHashMap<>();
        int next = 1;
        final String oov = options.oovToken();
        if (oov != null) {
            index.put(oov, next++);
        }
        for (final Map.Entry<String, Long> e : ranked) {
            if (!e.getKey().equals(oov)) {
                index.put(e.getKey(), next++);
            }
        }
        wordIndex = index;
        vocabulary = null;
    }

    // ---------------------------------------------------------------- encoding

    /** The tokens Keras would see for one raw text. */
    public List<String> sequenceOf(final String text) {
        if (text == null) {
            return List.of();
        }
        if (options.charLevel()) {
            final String s = options.lower() ? text.toLowerCase(Locale.ROOT) : text;
            final List<String> out = new ArrayList<>(s.length());
            s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
            return out;
        }
        return words.apply(text);
    }

    /** The tokens Keras would see for one pre-tokenized text. */
    public List<String> sequenceOf(final List<String> tokens) {
        if (!options.lower()) {
            return tokens;
        }
        final List<String> out = new ArrayList<>(tokens.size());
        for (final String t : tokens) {
            out.add(t.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** Keras {@code texts_to_sequences} for one raw text. */
    public int[] textToSequence(final String text) {
        return toIds(sequenceOf(text));
    }

    /** Keras {@code texts_to_sequences}. */
    public List<int[]> textsToSequences(final Iterable<String> texts) {
        final List<int[]> out = new ArrayList<>();
        for (final String t : texts) {
            out.add(textToSequence(t));
        }
        return out;
    }

    /** Keras {@code texts_to_sequences} on pre-tokenized texts. */
    public List<int[]> tokenListsToSequences(final Iterable<? extends List<String>> tokenLists) {
        final List<int[]> out = new ArrayList<>();
        for (final List<String> t : tokenLists) {
            out.add(toIds(sequenceOf(t)));
        }
        return out;
    }

    /** Maps tokens to ids with {@code num_words} and {@code oov_token} applied exactly as Keras does. */
    public int[] toIds(final List<String> seq) {
        final int numWords = options.numWords();
        final Integer oovBoxed = options.oovToken() == null ? null : wordIndex.get(options.oovToken());
        final int oov = oovBoxed == null ? -1 : oovBoxed;
        final int[] buf = new int[seq.size()];
        int n = 0;
        for (final String w : seq) {
            final Integer i = wordIndex.get(w);
            if (i != null) {
                if (numWords > 0 && i >= numWords) {
                    if (oov >= 0) {
                        buf[n++] = oov;
                    }
                } else {
                    buf[n++] = i;
                }
            } else if (options.oovToken() != null && oov >= 0) {
                buf[n++] = oov;
            }
        }
        return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
    }

    /** Keras {@code texts_to_matrix(texts, mode)}: one row per text, {@code num_words} (or size + 1) columns. */
    public double[][] textsToMatrix(final List<String> texts, final MatrixMode mode) {
        return sequencesToMatrix(textsToSequences(texts), mode);
    }

    /** Keras {@code sequences_to_matrix}. */
    public double[][] sequencesToMatrix(final List<int[]> sequences, final MatrixMode mode) {
        final int numWords;
        if (options.numWords() > 0) {
            numWords = options.numWords();
        } else if (!wordIndex.isEmpty()) {
            numWords = wordIndex.size() + 1;
        } else {
            throw new IllegalStateException(
                    "Specify a dimension (num_words argument), or fit on some text data first.");
        }
        if (mode == MatrixMode.TFIDF && documentCount == 0) {
            throw new IllegalStateException("Fit the Tokenizer on some data before using tfidf mode.");
        }
        final Map<Integer, Long> indexDocs = mode == MatrixMode.TFIDF ? indexDocs() : Map.of();
        final double[][] x = new double[sequences.size()][numWords];
        for (int row = 0; row < sequences.size(); row++) {
            final int[] seq = sequences.get(row);
            if (seq.length == 0) {
                continue;
            }
            final Map<Integer, Integer> counts = new LinkedHashMap<>();
            for (final int j : seq) {
                if (j < numWords) {
                    counts.merge(j, 1, Integer::sum);
                }
            }
            for (final Map.Entry<Integer, Integer> e : counts.entrySet()) {
                final int j = e.getKey();
                final int c = e.getValue();
                x[row][j] = switch (mode) {
                    case COUNT -> c;
                    case FREQ -> (double) c / seq.length;
                    case BINARY -> 1;
                    case TFIDF -> (1 + Math.log(c))
                            * Math.log(1 + documentCount / (1.0 + indexDocs.getOrDefault(j, 0L)));
                };
            }
        }
        return x;
    }

    // ---------------------------------------------------------------- state

    public long documentCount() {
        return documentCount;
    }

    /** Keras {@code word_counts}, first-seen order. */
    public Map<String, Long> wordCounts() {
        return java.util.Collections.unmodifiableMap(wordCounts);
    }

    /** Keras {@code word_docs}: in how many texts each word occurs. */
    public Map<String, Long> wordDocs() {
        return java.util.Collections.unmodifiableMap(wordDocs);
    }

    /** Keras {@code word_index}, index order. */
    public Map<String, Integer> wordIndex() {
        return java.util.Collections.unmodifiableMap(wordIndex);
    }

    /** Keras {@code index_word}. */
    public Map<Integer, String> indexWord() {
        final Map<Integer, String> out = new LinkedHashMap<>();
        wordIndex.forEach((w, i) -> out.put(i, w));
        return out;
    }

    /** Keras {@code index_docs}: index to document frequency. */
    public Map<Integer, Long> indexDocs() {
        final Map<Integer, Long> out = new LinkedHashMap<>();
        wordDocs.forEach((w, c) -> {
            final Integer i = wordIndex.get(w);
            if (i != null) {
                out.put(i, c);
            }
        });
        return out;
    }

    /** The fitted index as an immutable {@link Vocabulary} (what model bundles store). */
    public Vocabulary vocabulary() {
        Vocabulary v = vocabulary;
        if (v == null) {
            v = new Vocabulary(wordIndex, wordCounts, options.oovToken(), documentCount);
            vocabulary = v;
        }
        return v;
    }

    // ---------------------------------------------------------------- Keras JSON

    /** Keras {@code tokenizer.to_json()}, byte for byte as Python's {@code json.dumps} writes it. */
    public String toJson() {
        final StringBuilder sb = new StringBuilder(64 + wordIndex.size() * 40);
        sb.append("{\"class_name\": \"Tokenizer\", \"config\": {");
        sb.append("\"num_words\": ").append(options.numWords() > 0 ? Integer.toString(options.numWords()) : "null");
        sb.append(", \"filters\": ");
        PyJson.string(sb, options.filters());
        sb.append(", \"lower\": ").append(options.lower() ? "true" : "false");
        sb.append(", \"split\": ");
        PyJson.string(sb, options.split());
        sb.append(", \"char_level\": ").append(options.charLevel() ? "true" : "false");
        sb.append(", \"oov_token\": ");
        PyJson.string(sb, options.oovToken());
        sb.append(", \"document_count\": ").append(documentCount);
        sb.append(", \"word_counts\": ");
        PyJson.string(sb, dumpStringKeys(wordCounts));
        sb.append(", \"word_docs\": ");
        PyJson.string(sb, dumpStringKeys(wordDocs));
        sb.append(", \"index_docs\": ");
        PyJson.string(sb, dumpIntKeys(indexDocs()));
        sb.append(", \"index_word\": ");
        final StringBuilder iw = new StringBuilder();
        iw.append('{');
        boolean first = true;
        for (final Map.Entry<String, Integer> e : wordIndex.entrySet()) {
            if (!first) {
                iw.append(", ");
            }
            first = false;
            iw.append('"').append(e.getValue()).append("\": ");
            PyJson.string(iw, e.getKey());
        }
        iw.append('}');
        PyJson.string(sb, iw.toString());
        sb.append(", \"word_index\": ");
        PyJson.string(sb, dumpStringKeys(wordIndex));
        sb.append("}}");
        return sb.toString();
    }

    private static String dumpStringKeys(final Map<String, ? extends Number> m) {
        return dump(m, 16, PyJson::string);
    }

    /** Integer keys as JSON object keys: quoted decimal, as Python's json.dumps writes them. */
    private static String dumpIntKeys(final Map<Integer, ? extends Number> m) {
        return dump(m, 12, (sb, k) -> sb.append('"').append(k).append('"'));
    }

    /** {@code {k: v, ...}} in the map's order, with Python's separators; {@code key} writes one key. */
    private static <K> String dump(final Map<K, ? extends Number> m, final int charsPerEntry,
            final BiConsumer<StringBuilder, K> key) {
        final StringBuilder sb = new StringBuilder(m.size() * charsPerEntry + 2);
        sb.append('{');
        boolean first = true;
        for (final Map.Entry<K, ? extends Number> e : m.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            key.accept(sb, e.getKey());
            sb.append(": ").append(e.getValue());
        }
        return sb.append('}').toString();
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Keras {@code tokenizer_from_json}: reads what {@code tokenizer.to_json()} wrote (Keras or this class). */
    public static KerasTokenizer fromJson(final String json) throws IOException {
        final JsonNode root = MAPPER.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("not a Keras tokenizer JSON object");
        }
        final JsonNode config = root.has("config") ? root.get("config") : root;
        if (!config.isObject() || !config.has("word_index")) {
            throw new IOException("Keras tokenizer JSON needs config.word_index");
        }
        final JsonNode nw = config.get("num_words");
        final Options options = new Options(
                nw == null || nw.isNull() ? 0 : nw.asInt(),
                text(config, "filters", KerasTextToWordSequence.DEFAULT_FILTERS),
                !config.has("lower") || config.get("lower").asBoolean(),
                text(config, "split", " "),
                config.has("char_level") && config.get("char_level").asBoolean(),
                text(config, "oov_token", null));
        final KerasTokenizer t = new KerasTokenizer(options);
        t.documentCount = config.has("document_count") ? config.get("document_count").asLong() : 0;
        final JsonNode wc = nested(config, "word_counts");
        for (final Iterator<Map.Entry<String, JsonNode>> it = wc.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> e = it.next();
            t.wordCounts.put(e.getKey(), e.getValue().asLong());
        }
        final JsonNode wd = nested(config, "word_docs");
        for (final Iterator<Map.Entry<String, JsonNode>> it = wd.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> e = it.next();
            t.wordDocs.put(e.getKey(), e.getValue().asLong());
        }
        final LinkedHashMap<String, Integer> index = new LinkedHashMap<>();
        final Set<Integer> used = new HashSet<>();
        final JsonNode wi = nested(config, "word_index");
        for (final Iterator<Map.Entry<String, JsonNode>> it = wi.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> e = it.next();
            final int i = e.getValue().asInt();
            if (i < 1 || !used.add(i)) {
                throw new IOException("word_index: '" + e.getKey() + "' has index " + i
                        + " (must be >= 1 and unique)");
            }
            index.put(e.getKey(), i);
        }
        t.wordIndex = index;
        return t;
    }

    private static String text(final JsonNode config, final String field, final String fallback) {
        final JsonNode n = config.get(field);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    /** Keras stores the maps as JSON strings inside the JSON; accept plain objects too. */
    private static JsonNode nested(final JsonNode config, final String field) throws IOException {
        final JsonNode n = config.get(field);
        if (n == null || n.isNull()) {
            return MAPPER.createObjectNode();
        }
        final JsonNode parsed = n.isTextual() ? MAPPER.readTree(n.asText()) : n;
        if (parsed == null || !parsed.isObject()) {
            throw new IOException(field + " is not a JSON object");
        }
        return parsed;
    }
}
