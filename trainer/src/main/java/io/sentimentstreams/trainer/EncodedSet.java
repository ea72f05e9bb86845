package io.sentimentstreams.trainer;

import io.sentimentstreams.text.Encoding;
import io.sentimentstreams.trainer.data.LabeledText;
import io.sentimentstreams.vocab.Vocabulary;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Labeled reviews after the text pipeline: padded id rows, labels, and the token count of each review
 * before padding or truncation (for length buckets), plus the total OOV count.
 */
public record EncodedSet(int[][] ids, int[] labels, int[] tokenCounts, long oovTokens, long tokens) {

    public int size() {
        return labels.length;
    }

    /** Encodes {@code rows} in parallel (the pipeline is thread-safe); order is preserved. */
    public static EncodedSet encode(final List<LabeledText> rows, final Featurizer featurizer,
                                    final Vocabulary vocabulary) {
        return encode(rows, tokenize(rows, featurizer), featurizer, vocabulary);
    }

    /** Tokens of every row, tokenized in parallel. */
    public static List<List<String>> tokenize(final List<LabeledText> rows, final Featurizer featurizer) {
        return IntStream.range(0, rows.size()).parallel().mapToObj(i -> featurizer.tokenize(rows.get(i).text()))
                .toList();
    }

    /** Encodes rows whose tokens were computed already ({@code tokens.get(i)} belongs to row i). */
    public static EncodedSet encode(final List<LabeledText> rows, final List<List<String>> tokens,
                                    final Featurizer featurizer, final Vocabulary vocabulary) {
        final int n = rows.size();
        final int[][] ids = new int[n][];
        final int[] labels = new int[n];
        final int[] counts = new int[n];
        final AtomicLong oov = new AtomicLong();
        final AtomicLong tokenTotal = new AtomicLong();
        IntStream.range(0, n).parallel().forEach(i -> {
            final Encoding e = featurizer.encodeTokens(tokens.get(i), vocabulary);
            ids[i] = e.ids();
            counts[i] = e.tokenCount();
            labels[i] = rows.get(i).label();
            oov.addAndGet(e.oovCount());
            tokenTotal.addAndGet(e.tokenCount());
        });
        return new EncodedSet(ids, labels, counts, oov.get(), tokenTotal.get());
    }

    public double oovRate() {
        return tokens == 0 ? 0 : (double) oovTokens / tokens;
    }
}
