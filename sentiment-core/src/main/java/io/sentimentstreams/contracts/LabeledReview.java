package io.sentimentstreams.contracts;

import java.time.Instant;

/**
 * The output of inference-service: a review with its label, P(positive) as {@code score}, the model
 * version that scored it, the two timestamps that bound its end-to-end latency, and {@code route}: whether
 * that version answered as the live model or as a canary.
 */
public record LabeledReview(
        int schema,
        String id,
        String text,
        Lang lang,
        Label label,
        double score,
        String model,
        int modelVersion,
        Instant receivedAt,
        Instant labeledAt,
        String route) {

    public static final int SCHEMA = 1;

    /** A review labeled by the live model. */
    public LabeledReview(final int schema, final String id, final String text, final Lang lang, final Label label,
                         final double score, final String model, final int modelVersion, final Instant receivedAt,
                         final Instant labeledAt) {
        this(schema, id, text, lang, label, score, model, modelVersion, receivedAt, labeledAt,
                EncodedReview.ROUTE_LIVE);
    }
}
