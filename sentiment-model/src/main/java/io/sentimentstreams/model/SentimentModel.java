package io.sentimentstreams.model;

/**
 * A loaded network that turns padded token-id rows into P(positive), one per row. Implementations
 * are safe to call from several threads at once (or guard themselves), and never keep a reference to
 * the caller's arrays after returning.
 */
public interface SentimentModel extends AutoCloseable {

    /** The engine's name as used in config, metrics and logs: {@code dl4j} or {@code fast}. */
    String engine();

    /**
     * Scores a batch. Each row holds {@code maxlen} token ids as produced by the bundle's pipeline:
     * index 0 is padding, so the true tokens of a row are its non-zero entries.
     *
     * @return P(positive) for each row, in row order
     */
    float[] score(int[][] ids);

    @Override
    void close();
}
