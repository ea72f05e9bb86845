package io.sentimentstreams.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * A review after preprocess-service: the {@link Review} fields, the resolved language, and the padded
 * token ids produced by the vocabulary of exactly one model version, which must also score it. {@code route}
 * says why that version answers ({@code live}, or {@code canary} for the ids a canary takes; null in records
 * written before rollouts: live); {@code shadow}, when a shadow model runs for the language, carries the same
 * text encoded by the shadow's own vocabulary, stamped with the shadow's version.
 */
public record EncodedReview(
        int schema,
        String id,
        String text,
        Lang lang,
        String source,
        Instant receivedAt,
        Map<String, String> attributes,
        String model,
        int modelVersion,
        int[] ids,
        int tokenCount,
        int oovCount,
        Instant encodedAt,
        String route,
        ShadowEncoding shadow) {

    public static final int SCHEMA = 1;
    public static final String ROUTE_LIVE = "live";
    public static final String ROUTE_CANARY = "canary";

    public EncodedReview {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** A review encoded by the live model with no shadow running. */
    public EncodedReview(final int schema, final String id, final String text, final Lang lang, final String source,
                         final Instant receivedAt, final Map<String, String> attributes, final String model,
                         final int modelVersion, final int[] ids, final int tokenCount, final int oovCount,
                         final Instant encodedAt) {
        this(schema, id, text, lang, source, receivedAt, attributes, model, modelVersion, ids, tokenCount, oovCount,
                encodedAt, ROUTE_LIVE, null);
    }

    /** The same text encoded by a shadow model's vocabulary: ids valid for that version only. */
    public record ShadowEncoding(String model, int modelVersion, int[] ids, int tokenCount, int oovCount) {

        public String modelRef() {
            return ModelRef.format(model, modelVersion);
        }
    }

    /** {@link #route}, with records from before rollouts read as live. */
    public String routeOrLive() {
        return route == null || route.isBlank() ? ROUTE_LIVE : route;
    }

    /** The {@code name@version} key of the model that encoded this review. */
    public String modelRef() {
        return ModelRef.format(model, modelVersion);
    }
}
