package io.sentimentstreams.vocab;

import java.util.List;
import java.util.Map;

/**
 * A fitted word index with Keras {@code Tokenizer} semantics: index 0 is padding, the OOV token (when
 * configured) is index 1, other words are ranked by descending count with ties in first-seen order.
 * Immutable and thread-safe.
 *
 * <p>SKELETON: the text-pipeline work (issue 3) owns and completes this class; the signatures here are
 * what other modules may rely on.
 */
public final class Vocabulary {

    private final Map<String, Integer> index;
    private final Map<String, Long> counts;
    private final String oovToken;
    private final long documentCount;

    public Vocabulary(final Map<String, Integer> index, final Map<String, Long> counts, final String oovToken,
                      final long documentCount) {
        this.index = Map.copyOf(index);
        this.counts = Map.copyOf(counts);
        this.oovToken = oovToken;
        this.documentCount = documentCount;
    }

    /** The index of {@code word}, or -1 when unknown (before any {@code num_words} cut). */
    public int indexOf(final String word) {
        final Integer i = index.get(word);
        return i == null ? -1 : i;
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

    public Map<String, Integer> wordIndex() {
        return index;
    }

    public Map<String, Long> wordCounts() {
        return counts;
    }

    /** Words in index order, for writing {@code vocab.tsv} ({@code word<TAB>index<TAB>count}). */
    public List<String> wordsByIndex() {
        return index.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
    }
}
