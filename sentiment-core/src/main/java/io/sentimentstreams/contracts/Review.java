package io.sentimentstreams.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * A validated review as written by ingest-service to {@code reviews.raw}: the producer's text with a
 * guaranteed id, the declared language (or null for auto-detection), and the time it was accepted.
 */
public record Review(
        int schema,
        String id,
        String text,
        Lang lang,
        String source,
        Instant receivedAt,
        Map<String, String> attributes) {

    public static final int SCHEMA = 1;

    public Review {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public static Review of(final String id, final String text, final Lang lang, final String source,
                            final Instant receivedAt, final Map<String, String> attributes) {
        return new Review(SCHEMA, id, text, lang, source, receivedAt, attributes);
    }
}
