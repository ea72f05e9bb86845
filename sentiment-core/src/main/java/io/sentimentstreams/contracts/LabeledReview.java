package io.sentimentstreams.contracts;

import java.time.Instant;

/**
 * The output of inference-service: a review with its label, P(positive) as {@code score}, the model
 * version that scored it, and the two timestamps that bound its end-to-end latency.
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
        Instant labeledAt) {

    public static final int SCHEMA = 1;
}
