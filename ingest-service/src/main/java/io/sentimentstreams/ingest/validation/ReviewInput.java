package io.sentimentstreams.ingest.validation;

import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.Review;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A producer's review envelope that passed validation, before it gets its final id and receipt time;
 * {@link #toReview} turns it into the {@link Review} written to {@code reviews.raw}.
 */
public record ReviewInput(String id, String text, Lang lang, String source, Map<String, String> attributes) {

    public ReviewInput {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** The review with the producer's id, or a random UUID when the producer sent none. */
    public Review toReview(final Instant receivedAt) {
        final String finalId = id != null ? id : UUID.randomUUID().toString();
        return Review.of(finalId, text, lang, source, receivedAt, attributes);
    }
}
