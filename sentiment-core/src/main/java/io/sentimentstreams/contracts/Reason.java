package io.sentimentstreams.contracts;

/**
 * Machine-readable causes for a dead letter or a rejected request; the same codes appear in HTTP
 * problem bodies, {@link DeadLetter#reason()} and the {@code reason} metric tag.
 */
public enum Reason {
    /** Payload is not parseable JSON (or not valid UTF-8). */
    INVALID_JSON,
    /** JSON parsed but a field has the wrong type, or the top-level value is not an object. */
    INVALID_TYPE,
    /** {@code text} is missing, null, empty or only whitespace. */
    BLANK_TEXT,
    /** {@code text} is longer than the configured maximum. */
    TEXT_TOO_LONG,
    /** {@code id} is too long or contains non-printable characters. */
    INVALID_ID,
    /** {@code lang} is not one of the supported languages. */
    UNKNOWN_LANG,
    /** {@code attributes} is not a small map of strings. */
    INVALID_ATTRIBUTES,
    /** {@code source} is too long or not printable. */
    INVALID_SOURCE,
    /** A record on an internal topic could not be deserialized. */
    UNPARSEABLE_RECORD,
    /** No model is loaded for the review's language. */
    NO_MODEL,
    /** The text pipeline failed on this review. */
    PIPELINE_ERROR,
    /** The model version that encoded the review did not become available in time. */
    MODEL_VERSION_UNAVAILABLE,
    /** Scoring failed (engine error or shape mismatch). */
    SCORING_ERROR,
    /** The review id was already encoded within the idempotency window with a different text. */
    ID_CONFLICT,
    /**
     * Not written any more: earlier builds dead-lettered every repeated id this way, and such letters stay readable
     * on reviews.dlq for its retention. A repeat is now dropped and counted; another text is {@link #ID_CONFLICT}.
     */
    DUPLICATE,
    /** {@code text} contains control characters (other than tab, newline, carriage return) or unpaired surrogates. */
    INVALID_TEXT,
    /** The review object has a field the envelope does not define (the envelope is closed, see review-input.schema.json). */
    UNKNOWN_FIELD,
    /**
     * The model version that encoded the review was retired (a tombstone on sentiment.models) and is gone, so no
     * engine with its vocabulary is left to score it; replay the original review to encode it with a live version.
     */
    MODEL_VERSION_RETIRED
}
