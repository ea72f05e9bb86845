package io.sentimentstreams.ingest.validation;

/**
 * The size limits a review envelope and a request body must respect; the configurable ones come from
 * {@code sentiment.ingest.*}, the fixed ones are part of the published schema (review-input.schema.json).
 */
public record IngestLimits(int maxTextChars, int maxBatchItems, long maxBodyBytes) {

    /** Longest {@code id}, in characters; the id is the Kafka key of every downstream topic. */
    public static final int MAX_ID_CHARS = 128;
    /** Longest {@code source}, in characters. */
    public static final int MAX_SOURCE_CHARS = 128;
    /** Most entries in {@code attributes}. */
    public static final int MAX_ATTRIBUTES = 32;
    /** Longest attribute key, in characters. */
    public static final int MAX_ATTRIBUTE_KEY_CHARS = 64;
    /** Longest attribute value, in characters. */
    public static final int MAX_ATTRIBUTE_VALUE_CHARS = 1024;
    /**
     * Deepest JSON nesting the parser accepts: a valid body is at most array, object, attributes (3);
     * anything much deeper is an attack or a mistake and is refused before it costs stack or memory.
     */
    public static final int MAX_NESTING_DEPTH = 16;

    public static final int DEFAULT_MAX_TEXT_CHARS = 100_000;
    public static final int DEFAULT_MAX_BATCH_ITEMS = 1_000;
    public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;

    public IngestLimits {
        if (maxTextChars < 1 || maxBatchItems < 1 || maxBodyBytes < 2) {
            throw new IllegalArgumentException("limits must be positive: text=" + maxTextChars + " batch="
                    + maxBatchItems + " body=" + maxBodyBytes);
        }
    }

    public static IngestLimits defaults() {
        return new IngestLimits(DEFAULT_MAX_TEXT_CHARS, DEFAULT_MAX_BATCH_ITEMS, DEFAULT_MAX_BODY_BYTES);
    }
}
