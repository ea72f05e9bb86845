package io.sentimentstreams.ingest.rest;

import io.sentimentstreams.contracts.Lang;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The producer-facing review envelope as documented in OpenAPI (the authoritative rules are those of
 * {@link io.sentimentstreams.ingest.validation.ReviewValidator} and docs/schemas/review-input.schema.json);
 * the endpoint parses bodies with a streaming parser, never through this class.
 */
@Schema(name = "ReviewEnvelope", description = "One review. Unknown fields are rejected (UNKNOWN_FIELD).")
public record ReviewEnvelope(
        @Schema(description = "Review id, 1-128 printable characters without whitespace; generated (UUID) when absent. "
                + "Send your own ids to make retries idempotent downstream.", maxLength = 128)
        String id,
        @Schema(required = true, description = "Review text: not blank, at most sentiment.ingest.max-text-chars "
                + "(default 100000) characters, no control characters other than tab, CR, LF.")
        String text,
        @Schema(description = "Declared language; absent or null means auto-detect.",
                enumeration = {Lang.EN_NAME, Lang.KO_NAME})
        String lang,
        @Schema(description = "Where the review comes from, 1-128 printable characters.", maxLength = 128)
        String source,
        @Schema(description = "At most 32 string entries; keys 1-64 printable characters without whitespace, "
                + "values at most 1024 characters.")
        Map<String, String> attributes) {
}
